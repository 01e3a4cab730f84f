"""Client API for accounts: profiles, credentials, featured tags, default images."""
