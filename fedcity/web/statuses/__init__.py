"""Post pages: a post with its thread, and its embeddable form."""
