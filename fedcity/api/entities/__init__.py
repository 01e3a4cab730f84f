"""Mastodon entities built from domain rows, one module per family of entities."""
