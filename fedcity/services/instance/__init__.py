"""The instance: its description, texts (rules, terms, privacy) and announcements."""
