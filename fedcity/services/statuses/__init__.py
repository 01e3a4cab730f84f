"""Statuses: posting and editing, polls, media, scheduling, custom emoji, counters."""
