"""Web Push to apps: encryption and VAPID (`crypto`), Mastodon's payload
(`payload`) and the `web_push` job (`sender`)."""
