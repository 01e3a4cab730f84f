"""Client API for moderation: reports."""
