"""Mastodon.py's streaming client in a background thread, as apps run it."""

from __future__ import annotations

import threading
from typing import Any

from mastodon import Mastodon, StreamListener

from tests.support.processes import wait_for


class EventCollector(StreamListener):
    """Keeps every `update` and `notification` event it hears, in order."""

    def __init__(self) -> None:
        self.updates: list[Any] = []
        self.notifications: list[Any] = []

    def on_update(self, status: Any) -> None:
        self.updates.append(status)

    def on_notification(self, notification: Any) -> None:
        self.notifications.append(notification)


def open_user_stream(
    api: Mastodon, timeout: float = 15.0
) -> tuple[Any, EventCollector]:
    """`stream_user` over server-sent events in Mastodon.py's own thread; returns
    once the server has answered, which is when fedcity has subscribed it."""
    listener = EventCollector()
    handle = api.stream_user(listener, run_async=True)
    # The handle's thread connects after stream_user returns: `connection` is set
    # once the 200 (and so the subscription) is in.
    wait_for(
        lambda: handle.connection is not None and handle.is_receiving(),
        timeout=timeout,
        what="the user stream to open",
    )
    return handle, listener


def close_stream(handle: Any) -> None:
    """Stop the stream without waiting: close() waits for the reading thread, which
    is blocked until the server sends something (a heartbeat, or its shutdown)."""
    threading.Thread(target=handle.close, daemon=True).start()
