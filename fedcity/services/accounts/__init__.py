"""Accounts: local accounts and passwords, remote actors, profiles, preferences, OAuth."""
