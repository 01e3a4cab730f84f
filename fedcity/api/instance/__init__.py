"""Client API about the instance: its description, texts and announcements."""
