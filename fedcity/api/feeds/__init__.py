"""Client API for what an account reads: timelines, lists, markers, conversations, filters."""
