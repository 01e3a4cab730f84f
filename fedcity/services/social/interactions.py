"""Favourites and blocks, made here or received from other servers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.ids import new_id
from fedcity.jobs.verbs import (
    BlockRef,
    BlockUndone,
    FavouriteRef,
    LikeUndone,
    Verb,
    enqueue_federate,
)
from fedcity.services.groups import relay
from fedcity.services.moderation.audit import AuditAction, record
from fedcity.services.notifications.notify import notify, withdraw_from_author
from fedcity.services.social.follows import drop_between
from fedcity.services.statuses.counters import bump_post
from fedcity.storage.models import Actor, Block, Favourite, NotificationType, Post
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import groups as group_q
from fedcity.storage.queries import posts as q
from fedcity.urls import Urls


async def favourite(
    session: AsyncSession, urls: Urls, actor: Actor, post: Post
) -> Post:
    if await q.get_favourite(session, actor.id, post.id) is None:
        fav_id = new_id()
        await _insert_favourite(session, actor, post, urls.activity(fav_id), fav_id)
        author = await session.get(Actor, post.actor_id)
        groups = await group_q.list_groups_carrying(session, post.id)
        if (author is not None and not author.is_local) or any(
            not g.is_local for g in groups
        ):
            # A remote author hears of it, and so do the remote groups that carry
            # the post, which announce it to their members (as Lemmy's votes).
            await enqueue_federate(session, Verb.LIKE, FavouriteRef(fav_id))
        if any(g.is_local for g in groups):
            # Read again only when a local group carries the post (most don't).
            await relay.relay_change(session, post, "Like", favourite_id=fav_id)
    return post


async def unfavourite(session: AsyncSession, actor: Actor, post: Post) -> Post:
    row = await q.get_favourite(session, actor.id, post.id)
    if row is None:
        return post
    author = await session.get(Actor, post.actor_id)
    if author is not None and not author.is_local:
        await enqueue_federate(
            session, Verb.UNDO_LIKE, LikeUndone(actor.id, post.id, row.uri)
        )
    await _delete_favourite(session, row)
    return post


async def receive_like(
    session: AsyncSession,
    actor: Actor,
    post: Post,
    uri: str,
    document: dict[str, Any] | None = None,
) -> None:
    """A remote Like (`document`: the activity, which a local group carrying the
    post announces to its members)."""
    if await q.get_favourite(session, actor.id, post.id) is None:
        await _insert_favourite(session, actor, post, uri)
        await relay.relay_change(session, post, "Like", document=document)


async def receive_undo_like(
    session: AsyncSession, actor: Actor, post: Post | None, uri: str | None
) -> None:
    row = None
    if uri:
        row = await session.scalar(select(Favourite).where(Favourite.uri == uri))
    if row is None and post is not None:
        row = await q.get_favourite(session, actor.id, post.id)
    if row is not None and row.actor_id == actor.id:
        await _delete_favourite(session, row)


async def _insert_favourite(
    session: AsyncSession, actor: Actor, post: Post, uri: str, fav_id: int | None = None
) -> None:
    row = Favourite(actor_id=actor.id, post_id=post.id, uri=uri)
    if fav_id is not None:
        row.id = fav_id
    session.add(row)
    await session.flush()
    await bump_post(session, post.id, Post.favourites_count, 1)
    author = await session.get(Actor, post.actor_id)
    if author is not None:
        await notify(session, author, actor, NotificationType.FAVOURITE, post.id)


async def _delete_favourite(session: AsyncSession, row: Favourite) -> None:
    await session.delete(row)
    await session.flush()
    await bump_post(session, row.post_id, Post.favourites_count, -1)
    await withdraw_from_author(
        session, row.actor_id, NotificationType.FAVOURITE, row.post_id
    )


async def block(
    session: AsyncSession, urls: Urls, actor: Actor, target: Actor
) -> Block:
    existing = await actor_q.get_block(session, actor.id, target.id)
    if existing is not None:
        return existing
    block_id = new_id()
    row = Block(
        id=block_id, actor_id=actor.id, target_id=target.id, uri=urls.activity(block_id)
    )
    session.add(row)
    await session.flush()
    await drop_between(session, actor, target)
    if not target.is_local:
        await enqueue_federate(session, Verb.BLOCK, BlockRef(block_id))
    await record(session, actor, AuditAction.BLOCK, account=target)
    return row


async def unblock(session: AsyncSession, actor: Actor, target: Actor) -> None:
    row = await actor_q.get_block(session, actor.id, target.id)
    if row is None:
        return
    if not target.is_local:
        await enqueue_federate(
            session, Verb.UNDO_BLOCK, BlockUndone(actor.id, target.id, row.uri)
        )
    await session.delete(row)
    await record(session, actor, AuditAction.UNBLOCK, account=target)


async def receive_block(
    session: AsyncSession, actor: Actor, target: Actor, uri: str
) -> None:
    if await actor_q.get_block(session, actor.id, target.id) is None:
        session.add(Block(actor_id=actor.id, target_id=target.id, uri=uri))
        await session.flush()
    await drop_between(session, actor, target)


async def receive_undo_block(
    session: AsyncSession, actor: Actor, target: Actor
) -> None:
    row = await actor_q.get_block(session, actor.id, target.id)
    if row is not None:
        await session.delete(row)
