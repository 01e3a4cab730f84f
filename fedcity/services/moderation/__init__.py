"""Moderation: reports."""
