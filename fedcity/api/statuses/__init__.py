"""Client API for statuses: posting, editing, media, polls, scheduling, oEmbed."""
