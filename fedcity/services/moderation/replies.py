"""Removing a reply from one's thread (fedcity's own; Mastodon has no such thing,
GoToSocial only lets an author approve replies beforehand): the author of a post
hides a reply to it, and what answers that reply, from the post's thread for
everyone on this instance. The reply stays at its own address and on its
author's profile; nothing is federated (the reply is not the author's to delete).

An official-capacity account's removals go to its audit log."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Forbidden
from fedcity.i18n import N_
from fedcity.services.limits import check_length
from fedcity.services.moderation.audit import AuditAction, record
from fedcity.storage.models import Actor, Post, RemovedReply

MAX_REASON = 1000


async def _replied_by(session: AsyncSession, author: Actor, reply: Post) -> Actor:
    """The reply's author, once `reply` is known to answer a post of `author`.

    Raises:
        Forbidden: `reply` is no reply to one of `author`'s posts.
    """
    parent = (
        None
        if reply.in_reply_to_id is None
        else await session.get(Post, reply.in_reply_to_id)
    )
    replier = await session.get(Actor, reply.actor_id)
    if parent is None or parent.actor_id != author.id or replier is None:
        raise Forbidden("Only the author of the post replied to may remove a reply")
    return replier


async def get_removal(session: AsyncSession, reply: Post) -> RemovedReply | None:
    return await session.scalar(
        select(RemovedReply).where(RemovedReply.post_id == reply.id)
    )


async def remove_reply(
    session: AsyncSession, author: Actor, reply: Post, reason: str | None = None
) -> None:
    """Hide `reply` from the thread of `author`'s post; removing it again changes
    nothing.

    Raises:
        Forbidden: `reply` does not answer a post of `author`.
        Unprocessable: the reason is too long.
    """
    replier = await _replied_by(session, author, reply)
    check_length(N_("Reason"), reason, MAX_REASON)
    if await get_removal(session, reply) is not None:
        return
    session.add(RemovedReply(post_id=reply.id, actor_id=author.id, reason=reason))
    await session.flush()
    await record(
        session,
        author,
        AuditAction.REMOVE_REPLY,
        account=replier,
        status=reply,
        reason=reason,
    )


async def restore_reply(session: AsyncSession, author: Actor, reply: Post) -> None:
    """Show a removed reply in the thread again.

    Raises:
        Forbidden: `reply` does not answer a post of `author`.
    """
    replier = await _replied_by(session, author, reply)
    removal = await get_removal(session, reply)
    if removal is None:
        return
    await session.delete(removal)
    await session.flush()
    await record(
        session, author, AuditAction.RESTORE_REPLY, account=replier, status=reply
    )
