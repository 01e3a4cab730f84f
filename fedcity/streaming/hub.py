"""The streaming hub: this process's open streams, and the task that turns committed
events from the bus into messages for each of them.

One task reads the bus. For each event it opens one read-only session, works out
which connections should hear of it (`streams.post_audience`), and asks the
`Renderer` (the Mastodon serialisers, in `fedcity.api.streaming`) for the payload,
once per viewer. Each connection has a bounded queue; a client that stops reading
is disconnected rather than allowed to hold memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.services.accounts.scopes import has_scope
from fedcity.services.events import Event
from fedcity.storage.db import Database
from fedcity.storage.models import Actor, Notification, Post
from fedcity.streaming.bus import EventBus
from fedcity.streaming.streams import (
    LIST,
    NOTIFICATION,
    USER,
    PostAudience,
    StreamKey,
    boost_ids,
    filter_context,
    post_audience,
)

log = logging.getLogger(__name__)

MAX_PENDING = 500  # messages queued for one client before it is disconnected


class Renderer(Protocol):
    """Mastodon entities as JSON strings, serialised for one viewer."""

    async def status(
        self,
        session: AsyncSession,
        post: Post,
        viewer: Actor | None,
        filter_context: str | None,
    ) -> str | None:
        """None when one of the viewer's `hide` filters for the context matches."""

    async def conversation(
        self, session: AsyncSession, post: Post, viewer: Actor
    ) -> str: ...

    async def notification(
        self, session: AsyncSession, row: Notification, viewer: Actor
    ) -> str | None: ...


@dataclass(eq=False)
class Connection:
    """One client stream: a WebSocket (multiplexed) or one SSE response."""

    viewer: Actor | None
    scopes: frozenset[str]
    multiplexed: bool
    subscriptions: set[StreamKey] = field(default_factory=set)
    queue: asyncio.Queue[str | None] = field(
        default_factory=lambda: asyncio.Queue(MAX_PENDING)
    )
    closed: bool = False

    @property
    def viewer_id(self) -> int | None:
        return self.viewer.id if self.viewer is not None else None

    def send(self, key: StreamKey, event: str, payload: str | None) -> None:
        """One message in Mastodon's format; an event without payload
        (filters_changed) has no `payload` key, and `data: undefined` over SSE."""
        if self.multiplexed:
            message = {"stream": key.as_list(), "event": event}
            if payload is not None:
                message["payload"] = payload
            text = json.dumps(message)
        else:
            text = f"event: {event}\ndata: {payload or 'undefined'}\n\n"
        self.push(text)

    def push(self, text: str) -> None:
        if self.closed:
            return
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:
            log.info("stream client too slow: %d messages waiting", self.queue.qsize())
            self.close()

    def close(self) -> None:
        """Stop the stream: the writer sees None and ends the response."""
        if self.closed:
            return
        self.closed = True
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(None)


class Hub:
    def __init__(self, db: Database, bus: EventBus, renderer: Renderer) -> None:
        self.db = db
        self.bus = bus
        self.renderer = renderer
        self.connections: set[Connection] = set()
        self._events: asyncio.Queue[Event] | None = None
        self._task: asyncio.Task[None] | None = None

    def add(self, conn: Connection) -> None:
        self.connections.add(conn)

    def remove(self, conn: Connection) -> None:
        self.connections.discard(conn)
        conn.close()

    async def start(self) -> None:
        self._events = self.bus.subscribe()
        self._task = asyncio.create_task(self._run(), name="fedcity-streaming-hub")

    def close_connections(self) -> None:
        for conn in list(self.connections):
            conn.close()

    async def close(self) -> None:
        self.close_connections()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._events is not None:
            self.bus.unsubscribe(self._events)

    async def _run(self) -> None:
        assert self._events is not None
        while True:
            event = await self._events.get()
            if not self.connections:
                continue
            try:
                await self.dispatch(event)
            except Exception:
                log.exception("streaming: event %r not delivered", event)

    async def dispatch(self, event: Event) -> None:
        kind = event.get("kind")
        if kind == "access_revoked":
            # The tokens these streams opened with are revoked: end them now.
            for conn in list(self.connections):
                if conn.viewer_id == event.get("account_id"):
                    self.remove(conn)
            return
        if kind == "filters_changed":
            for conn in list(self.connections):
                if conn.viewer_id == event.get("account_id"):
                    for key in conn.subscriptions & {StreamKey(USER)}:
                        conn.send(key, "filters_changed", None)
            return
        async with self.db.session() as session:
            if kind in ("status.created", "status.updated"):
                await self._post_event(session, int(event["post_id"]), kind)
            elif kind == "status.deleted":
                await self._delete_event(session, int(event["post_id"]))
            elif kind == "notification":
                await self._notification_event(session, int(event["notification_id"]))

    async def _post_event(self, session: AsyncSession, post_id: int, kind: str) -> None:
        post = await session.get(Post, post_id)
        if post is None or post.deleted_at is not None:
            return
        conns = list(self.connections)
        audience = await self._audience(session, post, conns)
        name = "update" if kind == "status.created" else "status.update"
        # Rendered once per viewer and filter context (home or public).
        statuses: dict[tuple[int | None, str | None], str | None] = {}
        for conn in conns:
            keys = conn.subscriptions & audience.keys_for(conn.viewer_id)
            for key in sorted(keys):
                if key.name == "direct" and conn.viewer is not None:
                    payload = await self.renderer.conversation(
                        session, post, conn.viewer
                    )
                    conn.send(key, "conversation", payload)
                    continue
                rendered = (conn.viewer_id, filter_context(key))
                if rendered not in statuses:
                    statuses[rendered] = await self.renderer.status(
                        session, post, conn.viewer, rendered[1]
                    )
                if (status := statuses[rendered]) is not None:
                    conn.send(key, name, status)

    async def _delete_event(self, session: AsyncSession, post_id: int) -> None:
        post = await session.get(Post, post_id)
        if post is None:
            return
        gone = [post]
        if post.reblog_of_id is None:
            boosts = await boost_ids(session, post.id)
            gone += [p for p in [await session.get(Post, b) for b in boosts] if p]
        conns = list(self.connections)
        for item in gone:
            audience = await self._audience(session, item, conns)
            for conn in conns:
                for key in sorted(
                    conn.subscriptions & audience.keys_for(conn.viewer_id)
                ):
                    conn.send(key, "delete", str(item.id))

    async def _notification_event(
        self, session: AsyncSession, notification_id: int
    ) -> None:
        row = await session.get(Notification, notification_id)
        if row is None or row.filtered:
            return  # gone, or held back by the recipient's notification policy
        wanted = {StreamKey(USER), StreamKey(NOTIFICATION)}
        conns = [
            c
            for c in self.connections
            if c.viewer is not None
            and c.viewer_id == row.recipient_id
            and c.subscriptions & wanted
            and has_scope(c.scopes, "read:notifications")
        ]
        if not conns:
            return
        viewer = conns[0].viewer
        assert viewer is not None
        payload = await self.renderer.notification(session, row, viewer)
        if payload is None:
            return
        for conn in conns:
            for key in sorted(conn.subscriptions & wanted):
                conn.send(key, "notification", payload)

    async def _audience(
        self, session: AsyncSession, post: Post, conns: Iterable[Connection]
    ) -> PostAudience:
        viewers = {c.viewer_id for c in conns if c.viewer_id is not None}
        lists = {
            int(key.param)
            for c in conns
            if c.viewer_id is not None
            for key in c.subscriptions
            if key.name == LIST and key.param is not None and key.param.isdigit()
        }
        return await post_audience(session, post, viewers, lists)
