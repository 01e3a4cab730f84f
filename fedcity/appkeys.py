"""Every typed application and request key, in one place."""

from __future__ import annotations

from collections.abc import Callable
from weakref import WeakSet

from aiohttp import web

from fedcity.config import Settings
from fedcity.federation.context import Federation
from fedcity.federation.inbox import InboxWriter
from fedcity.federation.transport import HttpTransport
from fedcity.push.crypto import VapidKey
from fedcity.runtime.worker import Worker
from fedcity.storage.db import Database
from fedcity.streaming.bus import EventBus
from fedcity.streaming.hub import Hub

SETTINGS = web.AppKey("settings", Settings)
DB = web.AppKey("db", Database)
FEDERATION = web.AppKey("federation", Federation)
INBOX_WRITER = web.AppKey("inbox_writer", InboxWriter)
WORKER = web.AppKey("worker", Worker)
# The Web Push application-server key (RFC 8292), shown to apps and used by the worker.
VAPID = web.AppKey("vapid", VapidKey)
# Tests hand in a transport of their own; production builds the aiohttp one.
TRANSPORT_OVERRIDE = web.AppKey("transport_override", HttpTransport)
RUN_WORKER = web.AppKey("run_worker", bool)
# Makes the instance actor's key pair on first start (tests hand in pre-made keys).
KeypairFactory = Callable[[], tuple[str, str]]
KEYPAIRS: web.AppKey[KeypairFactory] = web.AppKey("keypairs")
# Streaming: the event bus, the hub of open streams, and the open WebSockets
# (closed on shutdown so the server stops promptly).
EVENT_BUS = web.AppKey("event_bus", EventBus)
STREAMING = web.AppKey("streaming", Hub)
STREAM_SOCKETS = web.AppKey("stream_sockets", WeakSet[web.WebSocketResponse])
# The web front's secrets (CSRF signing), derived once from the instance key.
WEB_SECRETS = web.AppKey("web_secrets", dict[str, bytes])
