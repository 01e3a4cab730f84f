"""A scriptable ActivityPub peer on its own loopback origin.

It serves actor documents (with real RSA keys), WebFinger and objects, records what
is delivered to its inboxes and every GET it answers, and sends signed activities the
way Mastodon does. A path can be made to answer 410 (`gone`) or to be served with
another Content-Type (`served_as`), as hostile or broken servers do.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from fedcity.federation.signatures.cavage import sign_request
from fedcity.federation.signatures.keys import load_private_key
from tests.support.instances import free_port
from tests.support.keys import premade_keypair

AS2 = "application/activity+json"


@dataclass
class RemoteActor:
    name: str
    uri: str
    key_id: str
    private_pem: str
    public_pem: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def inbox(self) -> str:
        return f"{self.uri}/inbox"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class RemoteServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.domain = f"127.0.0.1:{self.port}"
        self.actors: dict[str, RemoteActor] = {}
        self.objects: dict[str, dict[str, Any]] = {}
        self.received: list[Received] = []
        self.inbox_status = 202
        self.redirects: dict[str, str] = {}  # path → Location, for redirect tests
        self.gets: list[str] = []  # the path of every GET answered, in order
        self.gone: set[str] = set()  # paths answering 410 (a deleted actor)
        self.served_as: dict[str, str] = {}  # path → Content-Type to serve it with

    async def start(self, aiohttp_server: Any) -> None:
        app = web.Application()
        app.router.add_get("/.well-known/webfinger", self._webfinger)
        app.router.add_post("/inbox", self._inbox)
        app.router.add_post("/users/{name}/inbox", self._inbox)
        app.router.add_post("/c/{name}/inbox", self._inbox)  # Lemmy's communities
        app.router.add_get("/{tail:.*}", self._get)
        await aiohttp_server(app, host="127.0.0.1", port=self.port)

    # --- what it serves -----------------------------------------------------------

    def add_actor(self, name: str, **extra: Any) -> RemoteActor:
        private_pem, public_pem = premade_keypair()
        uri = f"{self.base_url}/users/{name}"
        actor = RemoteActor(
            name, uri, f"{uri}#main-key", private_pem, public_pem, extra
        )
        self.actors[name] = actor
        return actor

    def actor_document(self, actor: RemoteActor) -> dict[str, Any]:
        return {
            "@context": [
                "https://www.w3.org/ns/activitystreams",
                "https://w3id.org/security/v1",
            ],
            "id": actor.uri,
            "type": "Person",
            "preferredUsername": actor.name,
            "name": actor.name.title(),
            "inbox": actor.inbox,
            "outbox": f"{actor.uri}/outbox",
            "followers": f"{actor.uri}/followers",
            "following": f"{actor.uri}/following",
            "endpoints": {"sharedInbox": f"{self.base_url}/inbox"},
            "publicKey": {
                "id": actor.key_id,
                "owner": actor.uri,
                "publicKeyPem": actor.public_pem,
            },
            **actor.extra,
        }

    def put_object(self, doc: dict[str, Any]) -> None:
        self.objects[urlsplit(doc["id"]).path] = doc

    def fetches_of(self, actor: RemoteActor) -> int:
        """How many times the actor's document was fetched."""
        return self.gets.count(urlsplit(actor.uri).path)

    async def _get(self, request: web.Request) -> web.Response:
        path = request.path
        self.gets.append(path)
        if path in self.redirects:
            raise web.HTTPFound(self.redirects[path])
        if path in self.gone:
            return web.json_response({"error": "gone"}, status=410)
        doc = self._document(path)
        if doc is None:
            return web.json_response({"error": "not found"}, status=404)
        headers = {"Content-Type": self.served_as.get(path, AS2)}
        return web.Response(body=json.dumps(doc).encode(), headers=headers)

    def _document(self, path: str) -> dict[str, Any] | None:
        if path.startswith("/users/") and path.count("/") == 2:
            actor = self.actors.get(path.rsplit("/", 1)[1])
            if actor is not None:
                return self.actor_document(actor)
        return self.objects.get(path)

    async def _webfinger(self, request: web.Request) -> web.Response:
        resource = request.query.get("resource", "")
        name = resource.removeprefix("acct:").split("@")[0]
        actor = self.actors.get(name)
        if actor is None:
            return web.json_response({"error": "not found"}, status=404)
        return web.json_response(
            {
                "subject": f"acct:{name}@{self.domain}",
                "links": [{"rel": "self", "type": AS2, "href": actor.uri}],
            }
        )

    async def _inbox(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(Received(request.path, dict(request.headers), body))
        return web.Response(status=self.inbox_status)

    def received_types(self) -> list[str]:
        return [r.body.get("type", "") for r in self.received]

    # --- what it sends ------------------------------------------------------------

    async def send(
        self,
        inbox_url: str,
        activity: dict[str, Any],
        *,
        signer: RemoteActor | None = None,
        body: bytes | None = None,
        now: datetime | None = None,
        headers: dict[str, str] | None = None,
        unsigned: bool = False,
        after_sign: dict[str, str] | None = None,
        spoil: Callable[[dict[str, str]], None] | None = None,
    ) -> tuple[int, dict[str, Any] | None]:
        """POST `activity` signed by `signer` (default: the activity's actor).
        `after_sign` replaces headers once signed; `spoil` edits them in place (a
        header removed, the Signature rewritten)."""
        payload = body if body is not None else json.dumps(activity).encode()
        signed = {"Content-Type": AS2, **(headers or {})}
        if not unsigned:
            actor = signer or self._actor_of(activity)
            signed = sign_request(
                "POST",
                inbox_url,
                key_id=actor.key_id,
                private_key=load_private_key(actor.private_pem),
                body=payload,
                headers=signed,
                now=now,
            )
        signed.update(after_sign or {})
        if spoil is not None:
            spoil(signed)
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                inbox_url, data=io.BytesIO(payload), headers=signed
            ) as response,
        ):
            text = await response.text()
            try:
                parsed = json.loads(text) if text else None
            except ValueError:
                parsed = None
            return response.status, parsed

    def _actor_of(self, activity: dict[str, Any]) -> RemoteActor:
        uri = activity["actor"]
        for actor in self.actors.values():
            if actor.uri == uri:
                return actor
        raise KeyError(uri)

    def activity_id(self, suffix: str) -> str:
        return f"{self.base_url}/activities/{suffix}"
