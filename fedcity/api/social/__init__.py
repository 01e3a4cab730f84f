"""Client API for relations between accounts: relationships, mutes, endorsements."""
