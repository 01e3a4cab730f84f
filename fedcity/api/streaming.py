"""Mastodon's streaming API: the WebSocket at /api/v1/streaming, the server-sent
event endpoints under /api/v1/streaming/…, and /api/v1/streaming/health.

Tokens come from `access_token`, `Authorization: Bearer`, or (WebSocket) the
`Sec-WebSocket-Protocol` header, which is echoed back as the selected protocol.
Public and hashtag streams need no token; user, list and direct need
`read:statuses`, user:notification `read:notifications` (Mastodon's rules); a list
stream only its owner.

Events reach the streams through `fedcity.streaming` (bus → hub); this module only
authenticates, parses subscriptions, serialises entities and writes to the wire.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import weakref
from collections.abc import AsyncIterator, Mapping

import orjson
from aiohttp import WSCloseCode, WSMsgType, web
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.api.auth import bearer_token, sign_up_gate
from fedcity.api.entities.formats import Entity
from fedcity.api.entities.notifications import render_notifications
from fedcity.api.entities.statuses import serialize_account, serialize_one_status
from fedcity.api.feeds.filters import filtered_statuses
from fedcity.appkeys import DB, EVENT_BUS, FEDERATION, STREAM_SOCKETS, STREAMING
from fedcity.errors import BadRequest, FedcityError, Unauthorized
from fedcity.ids import parse_id
from fedcity.services.accounts import accounts
from fedcity.services.accounts.scopes import has_scope
from fedcity.storage.db import Database
from fedcity.storage.models import Actor, Notification, Post, UserList
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import posts as post_q
from fedcity.streaming.bus import open_event_bus, publish_after_commit
from fedcity.streaming.hub import Connection, Hub
from fedcity.streaming.streams import LIST, StreamKey, parse_stream, required_scope
from fedcity.urls import Urls

SSE_HEARTBEAT_SECONDS = 15.0  # Mastodon's `:thump` interval
WS_HEARTBEAT_SECONDS = 30.0  # WebSocket ping interval
PREFIX = "/api/v1/streaming"


# --- wiring -------------------------------------------------------------------


def setup(app: web.Application) -> None:
    """Streaming for `app`: the bus and hub live as long as the database does;
    open streams are closed when the server shuts down, so it stops promptly."""
    app[STREAM_SOCKETS] = weakref.WeakSet()
    app.cleanup_ctx.append(_streaming)
    app.on_shutdown.append(_close_streams)


async def _streaming(app: web.Application) -> AsyncIterator[None]:
    db = app[DB]
    bus = open_event_bus(db.url)
    publish_after_commit(db.sessionmaker, bus)
    await bus.start()
    hub = Hub(db, bus, MastodonRenderer(app[FEDERATION].urls))
    await hub.start()
    app[EVENT_BUS], app[STREAMING] = bus, hub
    yield
    await hub.close()
    await bus.close()


async def _close_streams(app: web.Application) -> None:
    if STREAMING in app:
        app[STREAMING].close_connections()
    registered: weakref.WeakSet[web.WebSocketResponse] = app[STREAM_SOCKETS]
    sockets = list(registered)
    await asyncio.gather(
        *(
            ws.close(code=WSCloseCode.GOING_AWAY, message=b"Server shutdown")
            for ws in sockets
        ),
        return_exceptions=True,
    )


# --- entities -------------------------------------------------------------------


def _dumps(entity: object) -> str:
    return orjson.dumps(entity).decode()


class MastodonRenderer:
    """The hub's payloads: Mastodon entities as JSON strings, for one viewer."""

    def __init__(self, urls: Urls) -> None:
        self.urls = urls

    async def status(
        self,
        session: AsyncSession,
        post: Post,
        viewer: Actor | None,
        filter_context: str | None,
    ) -> str | None:
        # The viewer's filters apply as in the matching REST timeline: a hide
        # match is not streamed, a warn match fills `filtered`.
        if filter_context is None:
            return _dumps(await serialize_one_status(session, post, viewer, self.urls))
        items = await filtered_statuses(
            session, [post], viewer, filter_context, self.urls
        )
        return _dumps(items[0]) if items else None

    async def conversation(
        self, session: AsyncSession, post: Post, viewer: Actor
    ) -> str:
        """A Conversation entity. fedcity has no conversations API yet; the id is
        the id of the thread's first post when it is known here."""
        status = await serialize_one_status(session, post, viewer, self.urls)
        others = {int(m["id"]) for m in status["mentions"]} | {post.actor_id}
        others.discard(viewer.id)
        actors = await actor_q.list_actors_by_ids(session, list(others))
        root = (
            await post_q.get_post_by_uri(session, post.conversation_uri)
            if post.conversation_uri
            else None
        )
        entity: Entity = {
            "id": str(root.id if root is not None else post.id),
            "unread": post.actor_id != viewer.id,
            "accounts": [serialize_account(a, self.urls) for a in actors.values()],
            "last_status": status,
        }
        return _dumps(entity)

    async def notification(
        self, session: AsyncSession, row: Notification, viewer: Actor
    ) -> str | None:
        # The viewer's notifications filters apply as in the list: a hide match
        # is not streamed, a warn match fills the status's `filtered`.
        items = await render_notifications(session, [row], viewer, self.urls)
        return _dumps(items[0]) if items else None


# --- handlers -------------------------------------------------------------------


async def health(request: web.Request) -> web.Response:
    return web.Response(text="OK", content_type="text/plain")


async def websocket(request: web.Request) -> web.StreamResponse:
    """GET /api/v1/streaming: a WebSocket (or, without an upgrade, SSE for ?stream=)."""
    offered = [
        p.strip()
        for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",")
        if p.strip()
    ]
    ws = web.WebSocketResponse(
        heartbeat=WS_HEARTBEAT_SECONDS, protocols=tuple(offered[:1])
    )
    if not ws.can_prepare(request).ok:
        if "stream" in request.query:
            return await _serve_sse(request, request.query["stream"])
        raise BadRequest("Expected a WebSocket upgrade or a stream parameter")
    viewer, scopes = await _authenticate(
        request, bearer_token(request) or (offered[0] if offered else None)
    )
    conn = Connection(viewer, scopes, multiplexed=True)
    if "stream" in request.query:
        key = _key_from(request.query["stream"], request.query)
        await _authorize(request.app[DB], key, viewer, scopes)
        conn.subscriptions.add(key)
    # Subscribed before the handshake answers: a client that has its 101 is
    # already listening.
    hub = request.app[STREAMING]
    hub.add(conn)
    try:
        await ws.prepare(request)
    except BaseException:
        hub.remove(conn)
        raise
    request.app[STREAM_SOCKETS].add(ws)
    reader = asyncio.create_task(_read_commands(ws, conn, request.app[DB]))
    try:
        while (text := await conn.queue.get()) is not None:
            await ws.send_str(text)
    except ConnectionError:
        pass
    finally:
        hub.remove(conn)
        await ws.close(code=WSCloseCode.GOING_AWAY)
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
        request.app[STREAM_SOCKETS].discard(ws)
    return ws


async def sse(request: web.Request) -> web.StreamResponse:
    """GET /api/v1/streaming/{user,public/local,hashtag,…}: server-sent events."""
    channel = request.path.rstrip("/").removeprefix(PREFIX + "/").replace("/", ":")
    return await _serve_sse(request, channel)


async def _serve_sse(request: web.Request, channel: str) -> web.StreamResponse:
    if request.query.get("only_media") in ("1", "true") and channel.startswith(
        "public"
    ):
        channel += ":media"
    key = _key_from(channel, request.query)
    viewer, scopes = await _authenticate(request, bearer_token(request))
    await _authorize(request.app[DB], key, viewer, scopes)
    conn = Connection(viewer, scopes, multiplexed=False, subscriptions={key})
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream; charset=utf-8",
            "Cache-Control": "private, no-store",
            "X-Accel-Buffering": "no",
            "Access-Control-Allow-Origin": "*",
        }
    )
    hub = request.app[STREAMING]
    hub.add(conn)  # before the headers go out, as for the WebSocket
    try:
        await response.prepare(request)
        await response.write(b":)\n")
        while True:
            try:
                text = await asyncio.wait_for(conn.queue.get(), SSE_HEARTBEAT_SECONDS)
            except TimeoutError:
                await response.write(b":thump\n")
                continue
            if text is None:
                break
            await response.write(text.encode())
    except ConnectionError:
        pass  # the client went away
    finally:
        hub.remove(conn)
    return response


# --- auth and subscriptions -------------------------------------------------------


async def _authenticate(
    request: web.Request, token: str | None
) -> tuple[Actor | None, frozenset[str]]:
    """The token's account and scopes; (None, {}) without a token; 401 if invalid,
    403 if it is a sign-up's token whose account may not act yet (as the other
    endpoints answer it)."""
    if token is None:
        return None, frozenset()
    async with request.app[DB].session() as session:
        actor, row = await accounts.authenticate_token(session, token)
        gate = await sign_up_gate(session, actor, row)
    if gate is not None:
        raise gate
    return actor, frozenset(row.scopes.split())


async def _authorize(
    db: Database, key: StreamKey, viewer: Actor | None, scopes: frozenset[str]
) -> None:
    scope = required_scope(key)
    if scope is None:
        return
    if viewer is None and not scopes:
        raise Unauthorized("Missing access token")
    if viewer is None:
        raise Unauthorized("This stream needs a user")
    if not has_scope(scopes, scope):
        raise Unauthorized("Access token does not have the required scopes")
    if key.name == LIST:
        await _authorize_list(db, key, viewer)


async def _authorize_list(db: Database, key: StreamKey, viewer: Actor) -> None:
    """Only a list's owner may stream it (Mastodon's `authorizeListAccess`)."""
    list_id = parse_id(key.param)
    async with db.session() as session:
        row = await session.get(UserList, list_id) if list_id is not None else None
    if row is None or row.actor_id != viewer.id:
        raise Unauthorized("Not authorized to stream this list")


def _key_from(channel: str, query: Mapping[str, object]) -> StreamKey:
    tag, list_id = query.get("tag"), query.get("list")
    return parse_stream(
        channel,
        tag=str(tag) if tag is not None else None,
        list_id=str(list_id) if list_id is not None else None,
    )


async def _read_commands(
    ws: web.WebSocketResponse, conn: Connection, db: Database
) -> None:
    """{"type": "subscribe" | "unsubscribe", "stream": …, "tag": …, "list": …}."""
    try:
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                await _apply_command(conn, msg.data, db)
    finally:
        conn.close()


async def _apply_command(conn: Connection, raw: str, db: Database) -> None:
    try:
        msg = json.loads(raw)
    except ValueError:
        msg = None
    if not isinstance(msg, dict) or msg.get("type") not in ("subscribe", "unsubscribe"):
        conn.push(_dumps({"error": "Unknown message", "status": 400}))
        return
    try:
        key = _key_from(str(msg.get("stream") or ""), msg)
        if msg["type"] == "unsubscribe":
            conn.subscriptions.discard(key)
            return
        await _authorize(db, key, conn.viewer, conn.scopes)
    except FedcityError as exc:
        conn.push(_dumps({"error": exc.message, "status": exc.status}))
        return
    conn.subscriptions.add(key)
