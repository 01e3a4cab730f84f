"""Follows: the pending → accepted state machine, both for local and remote parties.

A follow of a remote account stays pending until its server Accepts; a follow of a
local unlocked account is accepted at once. Undone or rejected follows are deleted,
and an endorsement of the followed account goes with them (Mastodon's rule).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Forbidden, Unprocessable
from fedcity.i18n import N_
from fedcity.ids import new_id
from fedcity.jobs.verbs import (
    FollowRef,
    FollowRejected,
    FollowUndone,
    Verb,
    enqueue_federate,
)
from fedcity.services.groups import joining
from fedcity.services.limits import (
    MAX_FOLLOW_LANGUAGES,
    MAX_FOLLOW_LANGUAGES_TEXT,
    check_length,
)
from fedcity.services.moderation.audit import AuditAction, record
from fedcity.services.notifications.notify import notify, withdraw
from fedcity.services.social.endorsements import drop_endorsement
from fedcity.storage.models import Actor, Follow, FollowState, NotificationType
from fedcity.storage.queries import actors as q
from fedcity.urls import Urls

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")
# The notifications a follow (or its request) made, taken back when it ends.
FOLLOW_KINDS = (NotificationType.FOLLOW, NotificationType.FOLLOW_REQUEST)


def encode_languages(codes: Iterable[str] | None) -> str | None:
    """The stored form of a follow's languages: ",en,es,", or None for all.

    Raises:
        Unprocessable: a code that is no language tag, or too many of them.
    """
    if codes is None:
        return None
    wanted = sorted({code.strip().lower() for code in codes if code.strip()})
    if not wanted:
        return None
    if len(wanted) > MAX_FOLLOW_LANGUAGES or not all(map(LANGUAGE_CODE.match, wanted)):
        raise Unprocessable("Validation failed: Languages are not valid")
    stored = "," + ",".join(wanted) + ","
    check_length(N_("Languages"), stored, MAX_FOLLOW_LANGUAGES_TEXT)
    return stored


def decode_languages(stored: str | None) -> list[str] | None:
    """A follow's languages as a list (Relationship `languages`), None for all."""
    return stored.strip(",").split(",") if stored else None


async def follow(
    session: AsyncSession,
    urls: Urls,
    actor: Actor,
    target: Actor,
    *,
    reblogs: bool | None = None,
    notify_posts: bool | None = None,
    languages: Iterable[str] | None = None,
) -> Follow:
    """`actor` (local) asks to follow `target`. Options left out (None) keep their
    values on an existing follow, as Mastodon's; `languages` limits which of the
    target's posts reach the home timeline (an empty list means all).

    Raises:
        Unprocessable: following oneself, or invalid languages.
        Forbidden: a block either way.
    """
    if actor.id == target.id:
        raise Unprocessable("You cannot follow yourself")
    if await q.get_block(session, target.id, actor.id) or await q.get_block(
        session, actor.id, target.id
    ):
        raise Forbidden("You cannot follow this account")
    stored_languages = encode_languages(languages)
    existing = await q.get_follow(session, actor.id, target.id)
    if existing is not None:
        if reblogs is not None:
            existing.show_reblogs = reblogs
        if notify_posts is not None:
            existing.notify = notify_posts
        if languages is not None:
            existing.languages = stored_languages
        return existing
    follow_id = new_id()
    row = Follow(
        id=follow_id,
        uri=urls.activity(follow_id),
        actor_id=actor.id,
        target_id=target.id,
        state=FollowState.PENDING,
        show_reblogs=True if reblogs is None else reblogs,
        notify=bool(notify_posts),
        languages=stored_languages,
    )
    session.add(row)
    await session.flush()
    if target.is_local:
        await _arrive_at_local_target(session, urls, row, actor, target, federate=False)
    else:
        await enqueue_federate(session, Verb.FOLLOW, FollowRef(row.id))
    return row


async def receive_follow(
    session: AsyncSession, urls: Urls, follower: Actor, target: Actor, follow_uri: str
) -> Follow | None:
    """A remote `follower` sent Follow to local `target`."""
    if await q.get_block(session, target.id, follower.id):
        await _enqueue_reject(session, target, follower, follow_uri)
        return None
    row = await q.get_follow(session, follower.id, target.id)
    if row is None:
        row = Follow(actor_id=follower.id, target_id=target.id, uri=follow_uri)
        session.add(row)
        await session.flush()
    else:
        row.uri = follow_uri  # a re-sent Follow: answer its newest id
    await _arrive_at_local_target(session, urls, row, follower, target, federate=True)
    return row


async def _arrive_at_local_target(
    session: AsyncSession,
    urls: Urls,
    row: Follow,
    follower: Actor,
    target: Actor,
    *,
    federate: bool,
) -> None:
    if row.state == FollowState.ACCEPTED:
        if federate:  # the follower lost our Accept; send it again
            await _enqueue_accept(session, row)
        return
    if target.actor_type == "Application":
        # The instance actor accepts every follow: the instances that trust this
        # one as a verifier follow it to hear of revocations (issue 11).
        await accept(session, row, federate=federate)
        return
    if target.actor_type == "Group":
        await _arrive_at_group(session, urls, row, follower, target, federate=federate)
        return
    if target.locked:
        await notify(session, target, follower, NotificationType.FOLLOW_REQUEST)
        return
    await accept(session, row, federate=federate)
    await notify(session, target, follower, NotificationType.FOLLOW)


async def _arrive_at_group(
    session: AsyncSession,
    urls: Urls,
    row: Follow,
    follower: Actor,
    group: Actor,
    *,
    federate: bool,
) -> None:
    """Following a local group asks to join it: its policy accepts, refuses, or
    leaves the request pending for a moderator (services.groups.joining).

    Raises:
        Forbidden: a local follower the group refuses (a remote one hears Reject).
    """
    decision = await joining.decide_follow_of(session, group, follower)
    if decision.outcome == "accept":
        await accept(session, row, federate=federate)
        await joining.member_joined(session, urls, group, follower)
        return
    if decision.outcome == "pending":
        return  # the moderators' pages to approve it come with the next slice
    await remove(session, row)
    if not federate:
        raise Forbidden(joining.REFUSALS[decision.reason or joining.NOT_A_GROUP])
    await _enqueue_reject(session, group, follower, row.uri)


async def accept(session: AsyncSession, row: Follow, *, federate: bool) -> None:
    row.state = FollowState.ACCEPTED
    await session.flush()
    await recount(session, [row.actor_id, row.target_id])
    if federate:
        await _enqueue_accept(session, row)


async def _enqueue_accept(session: AsyncSession, row: Follow) -> None:
    await enqueue_federate(session, Verb.ACCEPT, FollowRef(row.id))


async def _enqueue_reject(
    session: AsyncSession, target: Actor, follower: Actor, follow_uri: str
) -> None:
    await enqueue_federate(
        session, Verb.REJECT, FollowRejected(target.id, follower.id, follow_uri)
    )


async def authorize_request(
    session: AsyncSession, target: Actor, follower: Actor
) -> Follow:
    row = await q.get_follow(session, follower.id, target.id)
    if row is None:
        raise Unprocessable("No follow request from this account")
    await accept(session, row, federate=not follower.is_local)
    await withdraw(
        session,
        follower.id,
        [NotificationType.FOLLOW_REQUEST],
        recipient_id=target.id,
    )
    return row


async def reject_request(session: AsyncSession, target: Actor, follower: Actor) -> None:
    row = await q.get_follow(session, follower.id, target.id)
    if row is None:
        return
    if not follower.is_local:
        await _enqueue_reject(session, target, follower, row.uri)
    await remove(session, row)


async def remove_follower(
    session: AsyncSession, target: Actor, follower: Actor
) -> None:
    """`target` removes `follower` (Mastodon's "remove from followers"): its server
    hears a Reject, as for a request."""
    if await q.get_follow(session, follower.id, target.id) is None:
        return
    await reject_request(session, target, follower)
    await record(session, target, AuditAction.REMOVE_FROM_FOLLOWERS, account=follower)


async def unfollow(session: AsyncSession, actor: Actor, target: Actor) -> None:
    row = await q.get_follow(session, actor.id, target.id)
    if row is None:
        return
    if not target.is_local:
        await enqueue_federate(
            session, Verb.UNDO_FOLLOW, FollowUndone(actor.id, target.id, row.uri)
        )
    await remove(session, row)


async def remove(session: AsyncSession, row: Follow) -> None:
    await session.delete(row)
    await drop_endorsement(session, row.actor_id, row.target_id)
    await session.flush()
    await recount(session, [row.actor_id, row.target_id])
    await withdraw(session, row.actor_id, FOLLOW_KINDS, recipient_id=row.target_id)


async def receive_accept(
    session: AsyncSession, target: Actor, follow_uri: str | None, follower: Actor | None
) -> bool:
    """`target` accepted a follow; the Follow is found by its id, else by the pair."""
    row = await _find_outgoing(session, target, follow_uri, follower)
    if row is None:
        return False
    if row.state != FollowState.ACCEPTED:
        await accept(session, row, federate=False)
    return True


async def receive_reject(
    session: AsyncSession, target: Actor, follow_uri: str | None, follower: Actor | None
) -> bool:
    row = await _find_outgoing(session, target, follow_uri, follower)
    if row is None:
        return False
    await remove(session, row)
    return True


async def _find_outgoing(
    session: AsyncSession, target: Actor, follow_uri: str | None, follower: Actor | None
) -> Follow | None:
    row = await q.get_follow_by_uri(session, follow_uri) if follow_uri else None
    if row is None and follower is not None:
        row = await q.get_follow(session, follower.id, target.id)
    # Only the followed account may answer a follow.
    return row if row is not None and row.target_id == target.id else None


async def receive_undo_follow(
    session: AsyncSession, follower: Actor, target: Actor
) -> None:
    row = await q.get_follow(session, follower.id, target.id)
    if row is not None:
        await remove(session, row)


async def drop_between(session: AsyncSession, a: Actor, b: Actor) -> None:
    """A block severs follows in both directions."""
    await session.execute(
        delete(Follow).where(
            ((Follow.actor_id == a.id) & (Follow.target_id == b.id))
            | ((Follow.actor_id == b.id) & (Follow.target_id == a.id))
        )
    )
    await drop_endorsement(session, a.id, b.id)
    await drop_endorsement(session, b.id, a.id)
    await recount(session, [a.id, b.id])
    await withdraw(session, a.id, FOLLOW_KINDS, recipient_id=b.id)
    await withdraw(session, b.id, FOLLOW_KINDS, recipient_id=a.id)


async def recount(session: AsyncSession, actor_ids: Iterable[int]) -> None:
    """Recompute follower/following counts; cheap with the indexes and always right."""
    for actor_id in set(actor_ids):
        actor = await session.get(Actor, actor_id)
        if actor is None or (not actor.is_local and actor.raw is not None):
            continue  # remote counts come from their own server's collections
        followers = (
            select(func.count())
            .select_from(Follow)
            .where(Follow.target_id == actor_id, Follow.state == FollowState.ACCEPTED)
        )
        following = (
            select(func.count())
            .select_from(Follow)
            .where(Follow.actor_id == actor_id, Follow.state == FollowState.ACCEPTED)
        )
        await session.execute(
            update(Actor)
            .where(Actor.id == actor_id)
            .values(
                followers_count=followers.scalar_subquery(),
                following_count=following.scalar_subquery(),
            )
        )
        await session.refresh(actor, ["followers_count", "following_count"])
