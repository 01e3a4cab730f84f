"""Captured inbound payloads (tests/fixtures/inbound) replayed against a live instance.

The fixtures use placeholder hosts. `localize` rewrites the sender's placeholder
origin to the RemoteServer's loopback origin and https://fedcity.example to the
instance, and `install_actors` creates every actor the payload names on the
RemoteServer, with real keys, so the delivery is signed for real.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from sqlalchemy import select

from fedcity.federation.actors import get_or_fetch_actor
from fedcity.federation.signatures.cavage import sign_request
from fedcity.federation.signatures.keys import load_private_key
from fedcity.services.statuses.posts import NewPost, create_local_post
from fedcity.storage.models import Actor, Job, Post
from tests.support.instances import LiveInstance
from tests.support.remote import AS2, RemoteActor, RemoteServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "inbound"
LOCAL_ORIGIN = "https://fedcity.example"
LOCAL_STATUS = f"{LOCAL_ORIGIN}/users/mayor/statuses/1"
# Objects the origin serves (fetched by fedcity), not activities to deliver.
SERVED_OBJECTS = frozenset({"mastodon_announced_note", "lemmy_page"})


def fixture_names() -> list[str]:
    return sorted(
        p.stem for p in FIXTURES.glob("*.json") if p.stem not in SERVED_OBJECTS
    )


def load_fixture(name: str) -> dict[str, Any]:
    return dict(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")))


def placeholder_origin(doc: Mapping[str, Any]) -> str:
    uri = doc.get("actor") or doc["id"]
    parts = urlsplit(str(uri))
    return f"{parts.scheme}://{parts.netloc}"


def localize(
    doc: Mapping[str, Any],
    remote: RemoteServer,
    instance: LiveInstance,
    extra: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Rewrite placeholder URIs; the longest replacement wins (statuses first)."""
    mapping = {
        placeholder_origin(doc): remote.base_url,
        LOCAL_ORIGIN: instance.base_url,
        **(extra or {}),
    }
    text = json.dumps(doc)
    for old in sorted(mapping, key=len, reverse=True):
        text = text.replace(old, mapping[old])
    return dict(json.loads(text))


def _actor_uris(value: object) -> Iterator[str]:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key in ("actor", "attributedTo"):
                if isinstance(node.get(key), str):
                    yield node[key]
            stack.extend(v for k, v in node.items() if k != "@context")


def ensure_actor(remote: RemoteServer, uri: str, kind: str = "Person") -> RemoteActor:
    """The RemoteServer actor at `uri`, created with a fresh key if new."""
    for actor in remote.actors.values():
        if actor.uri == uri:
            return actor
    path = urlsplit(uri).path
    name = path.rstrip("/").rsplit("/", 1)[-1]
    extra = {} if kind == "Person" else {"type": kind}
    actor = remote.add_actor(name if name not in remote.actors else path, **extra)
    if path != f"/users/{name}":  # Lemmy's /u/… and /c/…: served as plain objects
        actor.uri, actor.key_id = uri, f"{uri}#main-key"
        remote.put_object(remote.actor_document(actor))
    return actor


def install_actors(remote: RemoteServer, doc: Mapping[str, Any]) -> None:
    for uri in _actor_uris(doc):
        if uri.startswith(remote.base_url):
            group = "/c/" in urlsplit(uri).path
            ensure_actor(remote, uri, "Group" if group else "Person")


def use_gts_key_id(remote: RemoteServer, actor: RemoteActor) -> None:
    """GoToSocial's key id is `<actor>/main-key`; that URL serves an actor stub."""
    actor.key_id = f"{actor.uri}/main-key"
    remote.objects[urlsplit(actor.key_id).path] = remote.actor_document(actor)


async def deliver(
    remote: RemoteServer,
    inbox_url: str,
    activity: Mapping[str, Any],
    *,
    algorithm: str | None = None,
) -> int:
    """POST signed by the activity's actor; `algorithm` relabels the signature
    (GoToSocial sends "hs2019" for its RSA keys; the label is not signed)."""
    body = json.dumps(activity).encode()
    actor = next(a for a in remote.actors.values() if a.uri == activity["actor"])
    headers = sign_request(
        "POST",
        inbox_url,
        key_id=actor.key_id,
        private_key=load_private_key(actor.private_pem),
        body=body,
        headers={"Content-Type": AS2},
    )
    if algorithm is not None:
        headers["Signature"] = headers["Signature"].replace(
            'algorithm="rsa-sha256"', f'algorithm="{algorithm}"'
        )
    async with (
        aiohttp.ClientSession() as session,
        session.post(inbox_url, data=io.BytesIO(body), headers=headers) as response,
    ):
        return response.status


async def inbox_job_states(instance: LiveInstance) -> list[tuple[str, str | None]]:
    async with instance.db.session() as session:
        rows = await session.execute(
            select(Job.state, Job.last_error).where(Job.kind == "inbox")
        )
        return [(state, error) for state, error in rows]


async def stage(
    instance: LiveInstance,
    remote: RemoteServer,
    name: str,
    local_status: Post | None = None,
) -> dict[str, Any]:
    """The fixture rewritten for this run, its actors created on `remote`."""
    extra = {LOCAL_STATUS: local_status.uri} if local_status is not None else None
    doc = localize(load_fixture(name), remote, instance, extra)
    install_actors(remote, doc)
    return doc


def serve(remote: RemoteServer, instance: LiveInstance, name: str) -> dict[str, Any]:
    """Put a fixture object on `remote` (its origin), with its author."""
    doc = localize(load_fixture(name), remote, instance)
    install_actors(remote, doc)
    remote.put_object(doc)
    return doc


async def mayor_and_status(instance: LiveInstance) -> tuple[Actor, Post]:
    """The local account the fixtures address, and the post they reply to or like."""
    mayor = await instance.create_account("mayor")
    async with instance.db.session() as session:
        author = await session.get(Actor, mayor.id)
        assert author is not None
        post = await create_local_post(
            session,
            instance.fed.urls,
            author,
            NewPost("Elm Street crossing repairs start on Monday"),
        )
    await instance.run_jobs()
    return mayor, post


async def seen_before(instance: LiveInstance, activity: Mapping[str, Any]) -> None:
    """Have the instance know the activity's actor already, as it does the actor of
    any Delete that can change something here (a Delete from an actor never seen
    is acknowledged and dropped; see test_hostile_peers.py)."""
    async with instance.db.session() as session:
        await get_or_fetch_actor(instance.fed, session, str(activity["actor"]))
