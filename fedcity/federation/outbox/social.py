"""Follows and their answers, likes, blocks and boosts, and the Undo of each.

An Undo, Accept or Reject names the activity it answers in its short form (id,
type, actor, object), built by `stored_activity`; `undo` wraps one.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.federation.context import Federation
from fedcity.federation.outbox.publish import Outgoing, builds
from fedcity.federation.render.common import render_activity
from fedcity.federation.render.statuses import audience
from fedcity.federation.vocab import Document
from fedcity.ids import new_id
from fedcity.jobs.verbs import (
    BlockRef,
    BlockUndone,
    FavouriteRef,
    FollowRef,
    FollowRejected,
    FollowUndone,
    LikeUndone,
    PostRef,
    Verb,
)
from fedcity.storage.models import Actor, Block, Favourite, Follow, Post
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import groups as group_q


async def _pair(
    session: AsyncSession, actor_id: int, target_id: int
) -> tuple[Actor, Actor]:
    actor = await session.get(Actor, actor_id)
    target = await session.get(Actor, target_id)
    assert actor is not None
    assert target is not None
    return actor, target


def _direct(target: Actor) -> set[str]:
    return {target.inbox_uri} if target.inbox_uri else set()


def stored_activity(kind: str, uri: str, actor: Actor, obj: str) -> Document:
    """The short form of an activity sent or received earlier, as an Undo, Accept
    or Reject names it (its row may be gone: only its id is kept)."""
    return {"id": uri, "type": kind, "actor": actor.uri, "object": obj}


def undo(
    actor: Actor, activity: Document, to: Sequence[str], cc: Sequence[str] = ()
) -> Document:
    """Undo{activity} by `actor`; its id is the undone activity's with `#undo`."""
    return render_activity("Undo", f"{activity['id']}#undo", actor, activity, to, cc)


async def _to_target(
    session: AsyncSession, kind: str, row: Follow | Block | None
) -> Outgoing | None:
    """A Follow or Block, sent to its target only; nothing if it was withdrawn
    before it was sent."""
    if row is None:
        return None
    actor, target = await _pair(session, row.actor_id, row.target_id)
    doc = render_activity(kind, row.uri, actor, target.uri, [target.uri])
    return Outgoing(actor, doc, _direct(target))


async def _undo_to_target(
    session: AsyncSession, kind: str, actor_id: int, target_id: int, uri: str
) -> Outgoing:
    """Undo of a Follow or Block, sent to its target only."""
    actor, target = await _pair(session, actor_id, target_id)
    undone = stored_activity(kind, uri, actor, target.uri)
    return Outgoing(actor, undo(actor, undone, [target.uri]), _direct(target))


def _answer(
    fed: Federation, verb: str, actor: Actor, follower: Actor, follow_uri: str
) -> Outgoing:
    """Accept or Reject of `follower`'s Follow of `actor`, to the follower only."""
    follow = stored_activity("Follow", follow_uri, follower, actor.uri)
    doc = render_activity(
        verb, fed.urls.activity(new_id()), actor, follow, [follower.uri]
    )
    return Outgoing(actor, doc, _direct(follower))


@builds(Verb.FOLLOW)
async def build_follow(
    fed: Federation, session: AsyncSession, payload: FollowRef
) -> Outgoing | None:
    """Follow of a remote actor."""
    follow = await session.get(Follow, payload.follow_id)
    return await _to_target(session, "Follow", follow)


@builds(Verb.ACCEPT)
async def build_accept(
    fed: Federation, session: AsyncSession, payload: FollowRef
) -> Outgoing | None:
    """Accept of a remote Follow of a local account."""
    row = await session.get(Follow, payload.follow_id)
    if row is None:
        return None
    follower, actor = await _pair(session, row.actor_id, row.target_id)
    return _answer(fed, "Accept", actor, follower, row.uri)


@builds(Verb.REJECT)
async def build_reject(
    fed: Federation, session: AsyncSession, payload: FollowRejected
) -> Outgoing:
    """Reject of a remote Follow (refused, or a follower removed)."""
    actor, follower = await _pair(session, payload.actor_id, payload.follower_id)
    return _answer(fed, "Reject", actor, follower, payload.follow_uri)


@builds(Verb.UNDO_FOLLOW)
async def build_undo_follow(
    fed: Federation, session: AsyncSession, payload: FollowUndone
) -> Outgoing:
    """Undo{Follow} of a remote actor."""
    return await _undo_to_target(
        session, "Follow", payload.actor_id, payload.target_id, payload.follow_uri
    )


@builds(Verb.LIKE)
async def build_like(
    fed: Federation, session: AsyncSession, payload: FavouriteRef
) -> Outgoing | None:
    """Like of a post, to its author when remote, and to the remote groups that
    carry it (with the group as `audience`, as Lemmy's votes)."""
    fav = await session.get(Favourite, payload.favourite_id)
    if fav is None:
        return None
    post = await session.get(Post, fav.post_id)
    assert post is not None
    actor, author = await _pair(session, fav.actor_id, post.actor_id)
    groups = [
        g
        for g in await group_q.list_groups_carrying(session, post.id)
        if not g.is_local
    ]
    doc = render_activity(
        "Like", fav.uri, actor, post.uri, [author.uri, *(g.uri for g in groups)]
    )
    if groups:
        doc["audience"] = groups[0].uri
    inboxes = set() if author.is_local else _direct(author)
    inboxes.update(g.delivery_inbox for g in groups if g.delivery_inbox)
    return Outgoing(actor, doc, inboxes)


@builds(Verb.UNDO_LIKE)
async def build_undo_like(
    fed: Federation, session: AsyncSession, payload: LikeUndone
) -> Outgoing:
    """Undo{Like} of a remote post, to its author."""
    post = await session.get(Post, payload.post_id)
    assert post is not None
    actor, author = await _pair(session, payload.actor_id, post.actor_id)
    like = stored_activity("Like", payload.like_uri, actor, post.uri)
    return Outgoing(actor, undo(actor, like, [author.uri]), _direct(author))


@builds(Verb.BLOCK)
async def build_block(
    fed: Federation, session: AsyncSession, payload: BlockRef
) -> Outgoing | None:
    """Block of a remote actor, to that actor (as Mastodon does)."""
    block = await session.get(Block, payload.block_id)
    return await _to_target(session, "Block", block)


@builds(Verb.UNDO_BLOCK)
async def build_undo_block(
    fed: Federation, session: AsyncSession, payload: BlockUndone
) -> Outgoing:
    """Undo{Block} of a remote actor."""
    return await _undo_to_target(
        session, "Block", payload.actor_id, payload.target_id, payload.block_uri
    )


# --- boosts ----------------------------------------------------------------------


async def _boost(
    session: AsyncSession, boost_id: int
) -> tuple[Actor, Document, set[str]]:
    """The booster, its Announce, and who hears of it: the booster's followers and
    the original post's author."""
    boost = await session.get(Post, boost_id)
    assert boost is not None
    assert boost.reblog_of_id is not None
    original = await session.get(Post, boost.reblog_of_id)
    assert original is not None
    actor, original_author = await _pair(session, boost.actor_id, original.actor_id)
    to, cc = audience(boost, actor, [])
    cc = [*cc, original_author.uri]
    announce = render_activity(
        "Announce", boost.uri, actor, original.uri, to, cc, boost.published_at
    )
    inboxes = set(await actor_q.list_follower_inboxes(session, actor.id))
    if original_author.delivery_inbox:
        inboxes.add(original_author.delivery_inbox)
    return actor, announce, inboxes


@builds(Verb.ANNOUNCE)
async def build_announce(
    fed: Federation, session: AsyncSession, payload: PostRef
) -> Outgoing:
    """Announce of a post (a boost)."""
    actor, announce, inboxes = await _boost(session, payload.post_id)
    return Outgoing(actor, announce, inboxes)


@builds(Verb.UNDO_ANNOUNCE)
async def build_undo_announce(
    fed: Federation, session: AsyncSession, payload: PostRef
) -> Outgoing:
    """Undo{Announce} (an unboost), with the Announce embedded as it was sent."""
    actor, announce, inboxes = await _boost(session, payload.post_id)
    announce.pop("@context", None)
    to, cc = announce.get("to", []), announce.get("cc", [])
    return Outgoing(actor, undo(actor, announce, to, cc), inboxes)
