"""Account pages: profiles of local accounts and of remote ones known here."""
