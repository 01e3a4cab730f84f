"""Outbound activities: one builder per `Verb` renders the activity, `publish`
stores it once and plans one delivery per inbox (see `publish.py`)."""
