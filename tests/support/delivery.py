"""Helpers for delivery tests: a peer whose inbox answers are scripted (status and
headers) and that keeps the raw bodies it received, and short cuts to the jobs table."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import func, select, update

from fedcity.federation.outbox.publish import Outgoing, publish
from fedcity.federation.render.common import render_activity
from fedcity.federation.vocab import AS_PUBLIC
from fedcity.storage.models import Actor, Job, PeerInstance
from fedcity.storage.types import utcnow
from tests.support.instances import LiveInstance
from tests.support.remote import Received, RemoteActor, RemoteServer

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"


class ScriptedPeer(RemoteServer):
    """A RemoteServer that also answers its inboxes with chosen headers (Retry-After)
    and keeps each delivered body as bytes (to check the Digest)."""

    def __init__(self) -> None:
        super().__init__()
        self.inbox_headers: dict[str, str] = {}
        self.raw_bodies: list[bytes] = []

    @property
    def shared_inbox(self) -> str:
        return f"{self.base_url}/inbox"

    async def _inbox(self, request: web.Request) -> web.Response:
        raw = await request.read()
        self.raw_bodies.append(raw)
        self.received.append(
            Received(request.path, dict(request.headers), json.loads(raw))
        )
        return web.Response(status=self.inbox_status, headers=self.inbox_headers)


def follow_activity(peer: RemoteServer, follower: RemoteActor, target_uri: str) -> dict:
    return by_id(peer, "Follow", follower, target_uri)


def announce(peer: RemoteServer, actor: RemoteActor, object_id: str) -> dict:
    """A public boost of `object_id`, by id (as Mastodon sends it)."""
    return {**by_id(peer, "Announce", actor, object_id), "to": [AS_PUBLIC]}


def by_id(peer: RemoteServer, kind: str, actor: RemoteActor, object_id: str) -> dict:
    """An activity of `actor` naming its object by id."""
    return {
        "@context": AS_CONTEXT,
        "id": peer.activity_id(f"{kind.lower()}-{actor.name}"),
        "type": kind,
        "actor": actor.uri,
        "object": object_id,
    }


def note_create(peer: RemoteServer, actor: RemoteActor, suffix: str) -> dict:
    note = {
        "id": f"{actor.uri}/statuses/{suffix}",
        "type": "Note",
        "attributedTo": actor.uri,
        "content": "<p>Street sweeping resumes Monday</p>",
        "to": [AS_PUBLIC],
        "cc": [f"{actor.uri}/followers"],
    }
    return {
        "@context": AS_CONTEXT,
        "id": f"{note['id']}/activity",
        "type": "Create",
        "actor": actor.uri,
        "object": note,
        "to": note["to"],
        "cc": note["cc"],
    }


async def post_status(instance: LiveInstance, token: str, text: str) -> dict[str, Any]:
    """POST /api/v1/statuses as a client app would."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{instance.base_url}/api/v1/statuses",
            json={"status": text, "visibility": "public"},
            headers={"Authorization": f"Bearer {token}"},
        ) as response,
    ):
        assert response.status == 200, await response.text()
        return dict(await response.json())


async def plan_delivery(
    instance: LiveInstance, author: Actor, inbox: str, suffix: str = "1"
) -> str:
    """Publish a small Create from `author` to exactly `inbox`; returns its id."""
    async with instance.db.session() as session:
        actor = await session.get(Actor, author.id)
        assert actor is not None
        note = {
            "id": f"{actor.uri}/notes/{suffix}",
            "type": "Note",
            "attributedTo": actor.uri,
            "content": "<p>Council meets Tuesday</p>",
            "to": [AS_PUBLIC],
        }
        doc = render_activity(
            "Create", f"{note['id']}/activity", actor, note, [AS_PUBLIC]
        )
        await publish(instance.fed, session, Outgoing(actor, doc, {inbox}))
    return str(doc["id"])


async def count_rows(instance: LiveInstance, model: Any, *where: Any) -> int:
    """How many rows of `model` match `where`."""
    async with instance.db.session() as session:
        query = select(func.count()).select_from(model).where(*where)
        return int(await session.scalar(query) or 0)


async def deliveries(instance: LiveInstance) -> list[Job]:
    async with instance.db.session() as session:
        rows = await session.scalars(
            select(Job).where(Job.kind == "deliver").order_by(Job.id)
        )
        return list(rows.all())


async def only_delivery(instance: LiveInstance) -> Job:
    jobs = await deliveries(instance)
    assert len(jobs) == 1, [(j.payload, j.state) for j in jobs]
    return jobs[0]


async def make_due(instance: LiveInstance) -> None:
    """Pretend the retry time has come: every pending delivery is due now."""
    async with instance.db.session() as session:
        await session.execute(
            update(Job)
            .where(Job.kind == "deliver", Job.state == "pending")
            .values(next_attempt_at=utcnow())
        )


async def peer_health(instance: LiveInstance, origin: str) -> PeerInstance | None:
    async with instance.db.session() as session:
        return await session.get(PeerInstance, origin)
