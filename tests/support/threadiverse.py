"""Real group and forum payloads (tests/fixtures/threadiverse) replayed against a
live instance, with their origins played by loopback test peers.

`relocate` rewrites each real origin to a peer's; `serve_actor` has a peer serve
an actor (with a test key, so what it sends is signed for real) under the URI
the payload uses; `announce` wraps an activity the way a Lemmy 0.19 community
relays it; `unscrub` puts ids back into Mbin's scrubbed snapshots."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from sqlalchemy import select

from fedcity.storage.models import Actor, GroupBan, GroupPost, GroupThread, Post
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries.posts import get_post_by_uri
from tests.support.instances import LiveInstance
from tests.support.payloads import deliver, ensure_actor, inbox_job_states
from tests.support.remote import RemoteActor, RemoteServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "threadiverse"
LEMMY = "lemmy-assets/lemmy"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
_serial = itertools.count(1)
T = TypeVar("T", GroupThread, GroupPost)


def load(path: str) -> dict[str, Any]:
    """A payload by its path under tests/fixtures/threadiverse."""
    return dict(json.loads((FIXTURES / path).read_text(encoding="utf-8")))


def relocate(doc: Any, origins: Mapping[str, str]) -> Any:
    """`doc` with each host in `origins` (reached over http or https, as the
    payloads mix them) replaced by a peer's base URL; longest host first."""
    text = json.dumps(doc)
    for host in sorted(origins, key=len, reverse=True):
        for scheme in ("https", "http"):
            text = text.replace(f"{scheme}://{host}", origins[host])
    return json.loads(text)


def serve_actor(
    remote: RemoteServer, uri: str, kind: str = "Person", **fields: Any
) -> RemoteActor:
    """The actor at `uri` served by `remote` with a test key; `fields` (a real
    actor document's, say) are served too, except its key."""
    actor = ensure_actor(remote, uri, kind)
    fields.pop("publicKey", None)
    fields.pop("@context", None)
    actor.extra.update(fields)
    if urlsplit(uri).path != f"/users/{actor.name}":
        remote.put_object(remote.actor_document(actor))
    return actor


def announce(group: str, inner: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """`inner` relayed by `group` as Lemmy 0.19 does (FEP-1b12)."""
    return {
        "@context": ["https://www.w3.org/ns/activitystreams"],
        "id": f"{group}/activities/announce/{next(_serial)}",
        "type": "Announce",
        "actor": group,
        "to": [PUBLIC],
        "cc": [f"{group}/followers"],
        "object": dict(inner),
        **extra,
    }


async def send(instance: LiveInstance, remote: RemoteServer, *docs: Any) -> None:
    """Deliver each activity signed by its actor, and apply them."""
    for doc in docs:
        status = await deliver(remote, f"{instance.base_url}/inbox", doc)
        assert status == 202, doc.get("id")
    await instance.run_jobs()


async def assert_all_done(instance: LiveInstance) -> None:
    """Every inbound job finished: applied or dropped, none failed."""
    states = await inbox_job_states(instance)
    assert states, "nothing was received"
    assert set(states) == {("done", None)}, states


def unscrub(
    doc: Any, *, post: str, target: str = "", parent: str = "", base: str = ""
) -> Any:
    """Mbin's snapshot with its ids back: the relayed post's (and a Tombstone's)
    id is `post`, a bare `object` and an embedded actor's id are `target` (a
    bare `object` else `post`), `inReplyTo` is `parent`, activities get fresh
    ids under `base`, dates a fixed time."""

    def fill(node: Any) -> Any:
        if isinstance(node, list):
            return [fill(item) for item in node]
        if not isinstance(node, dict):
            return "2025-01-20T10:00:00+00:00" if node == "SCRUBBED_DATE" else node
        out = {key: fill(value) for key, value in node.items()}
        if out.get("id") == "SCRUBBED_ID":
            kind = out.get("type")
            if kind in {"Note", "Page", "Tombstone"}:
                out["id"] = post
            elif kind in {"Group", "Person"} and target:
                out["id"] = target
            else:
                out["id"] = f"{base}/f/{next(_serial)}"
        if out.get("object") == "SCRUBBED_ID":
            out["object"] = target or post
        if out.get("inReplyTo") == "SCRUBBED_ID":
            out["inReplyTo"] = parent
        if out.get("url") == "SCRUBBED_ID":
            out["url"] = out["id"]
        return out

    return fill(doc)


# --- what the instance holds -----------------------------------------------------


async def stored_post(instance: LiveInstance, uri: str) -> Post:
    async with instance.db.session() as session:
        post = await get_post_by_uri(session, uri)
    assert post is not None, f"no post {uri}"
    return post


async def actor_row(instance: LiveInstance, uri: str) -> Actor:
    async with instance.db.session() as session:
        actor = await actor_q.get_actor_by_uri(session, uri)
    assert actor is not None, f"no actor {uri}"
    return actor


async def threads_of(instance: LiveInstance, group_uri: str) -> list[GroupThread]:
    return await _rows_of(instance, group_uri, GroupThread)


async def carried_posts(instance: LiveInstance, group_uri: str) -> list[GroupPost]:
    return await _rows_of(instance, group_uri, GroupPost)


async def _rows_of(instance: LiveInstance, group_uri: str, model: type[T]) -> list[T]:
    """The group's rows of `model` (threads, carried posts), oldest first."""
    group = await actor_row(instance, group_uri)
    column: Any = model.group_actor_id  # type: ignore[attr-defined]
    async with instance.db.session() as session:
        rows = await session.scalars(
            select(model).where(column == group.id).order_by(model.id)  # type: ignore[attr-defined]
        )
        return list(rows)


async def bans_of(instance: LiveInstance, group_uri: str) -> dict[str, GroupBan]:
    """The group's bans by the banned actor's URI."""
    group = await actor_row(instance, group_uri)
    async with instance.db.session() as session:
        rows = await session.execute(
            select(Actor.uri, GroupBan)
            .join(GroupBan, GroupBan.actor_id == Actor.id)
            .where(GroupBan.group_actor_id == group.id)
        )
        return {uri: ban for uri, ban in rows}


async def boosts_by(instance: LiveInstance, actor_uri: str) -> list[Post]:
    """The live boosts `actor_uri` made, oldest first."""
    actor = await actor_row(instance, actor_uri)
    async with instance.db.session() as session:
        rows = await session.scalars(
            select(Post)
            .where(
                Post.actor_id == actor.id,
                Post.reblog_of_id.is_not(None),
                Post.deleted_at.is_(None),
            )
            .order_by(Post.id)
        )
        return list(rows)


def ordered(paths: Iterator[Path]) -> list[Path]:
    """NodeBB's announces in the order they were sent (their id ends in a time)."""
    return sorted(paths, key=lambda p: int(load(_rel(p))["id"].rsplit("/", 1)[1]))


def _rel(path: Path) -> str:
    return str(path.relative_to(FIXTURES))
