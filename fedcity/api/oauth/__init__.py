"""OAuth 2 endpoints as Mastodon serves them: apps, the consent page, tokens, metadata."""
