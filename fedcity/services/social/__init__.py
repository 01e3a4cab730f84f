"""Relations: follows, favourites and boosts, blocks and mutes, bookmarks, pins, endorsements."""
