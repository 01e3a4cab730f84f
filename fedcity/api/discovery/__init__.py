"""Client API for finding things: search, the directory, hashtags, trending links."""
