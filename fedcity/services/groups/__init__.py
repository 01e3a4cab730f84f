"""Discussion groups (issue 13): local `Group` actors, their settings and
moderators (`groups`), and who may join them (`joining`)."""
