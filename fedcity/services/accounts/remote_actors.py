"""The cache of remote actors: the copy of each actor document this instance
keeps, refreshed when the actor is fetched again, and what its deletion removes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Unprocessable
from fedcity.services.offices.attestations import revoke_all_of
from fedcity.services.social.follows import recount
from fedcity.services.statuses.custom_emojis import EmojiRef
from fedcity.storage.models import Actor, Follow, Post
from fedcity.storage.queries import actors as q
from fedcity.storage.types import utcnow


@dataclass(frozen=True)
class RemoteActorData:
    """An actor document from another server, already validated by federation.parse."""

    uri: str
    actor_type: str
    username: str
    domain: str
    inbox_uri: str
    key_id: str | None
    public_key_pem: str | None
    display_name: str = ""
    summary: str = ""
    url: str | None = None
    avatar_url: str | None = None
    header_url: str | None = None
    shared_inbox_uri: str | None = None
    outbox_uri: str | None = None
    followers_uri: str | None = None
    following_uri: str | None = None
    locked: bool = False
    discoverable: bool = False
    indexable: bool = False
    bot: bool = False
    published_at: datetime | None = None
    fields: list[dict[str, str]] = field(default_factory=list)
    emojis: list[EmojiRef] | None = None
    followers_count: int | None = None
    following_count: int | None = None
    statuses_count: int | None = None
    raw: dict[str, object] | None = None


async def upsert_remote_actor(session: AsyncSession, data: RemoteActorData) -> Actor:
    """Insert or refresh the cached copy of a remote actor (key rotation included)."""
    actor = await q.get_actor_by_uri(session, data.uri)
    if actor is None:
        actor = Actor(uri=data.uri, username=data.username, domain=data.domain)
        session.add(actor)
    elif actor.is_local:
        raise Unprocessable(
            "refusing to overwrite a local actor with a remote document"
        )
    if data.key_id and data.key_id != actor.key_id:
        await _release_key_id(session, data.key_id, actor)
    _copy_remote_fields(actor, data)
    await session.flush()
    return actor


async def _release_key_id(session: AsyncSession, key_id: str, keep: Actor) -> None:
    # A key id moves between actor rows only if a server re-used it; the newest wins.
    owner = await q.get_actor_by_key_id(session, key_id)
    if owner is not None and owner is not keep:
        owner.key_id = None
        await session.flush()


def _copy_remote_fields(actor: Actor, data: RemoteActorData) -> None:
    actor.username = data.username
    actor.domain = data.domain
    actor.actor_type = data.actor_type
    actor.display_name = data.display_name
    actor.summary = data.summary
    actor.url = data.url
    actor.avatar_url = data.avatar_url
    actor.header_url = data.header_url
    actor.inbox_uri = data.inbox_uri
    actor.shared_inbox_uri = data.shared_inbox_uri
    actor.outbox_uri = data.outbox_uri
    actor.followers_uri = data.followers_uri
    actor.following_uri = data.following_uri
    actor.key_id = data.key_id
    actor.public_key_pem = data.public_key_pem
    actor.locked = data.locked
    actor.discoverable = data.discoverable
    actor.indexable = data.indexable
    actor.bot = data.bot
    actor.published_at = data.published_at
    actor.fields = data.fields
    actor.emojis = data.emojis
    actor.raw = data.raw
    actor.fetched_at = utcnow()
    actor.deleted_at = None
    for name in ("followers_count", "following_count", "statuses_count"):
        value = getattr(data, name)
        if value is not None:
            setattr(actor, name, value)


async def delete_remote_actor(session: AsyncSession, actor: Actor) -> None:
    """Its origin deleted the actor: keep a tombstone row, drop posts and follows,
    and revoke its attestations (those issued here serve a Tombstone from now)."""
    actor.deleted_at = utcnow()
    await revoke_all_of(session, actor)
    await remove_content(session, actor)


async def remove_content(session: AsyncSession, actor: Actor) -> None:
    """Withdraw a remote actor's posts and sever its follows, both ways (its
    deletion by its origin, or its suspension here)."""
    now = utcnow()
    await session.execute(
        update(Post)
        .where(Post.actor_id == actor.id, Post.deleted_at.is_(None))
        .values(deleted_at=now, content="", search_text=None)
    )
    follows = await session.scalars(
        select(Follow).where(
            (Follow.actor_id == actor.id) | (Follow.target_id == actor.id)
        )
    )
    affected: set[int] = set()
    for row in follows:
        affected.update((row.actor_id, row.target_id))
        await session.delete(row)
    await session.flush()
    await recount(session, affected - {actor.id})
