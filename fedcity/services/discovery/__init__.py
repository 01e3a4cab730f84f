"""Discovery: full-text search, hashtags, trends, the directory and suggestions."""
