"""Feeds: timelines, lists, markers, conversations and the filters applied to them."""
