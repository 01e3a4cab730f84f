"""Like, Announce and Block (their Undo is in undo.py)."""

from __future__ import annotations

import logging

from fedcity.federation.actors import get_or_fetch_actor
from fedcity.federation.dispatch import Inbound, handles
from fedcity.federation.fetch import fetch_document
from fedcity.federation.groups.inbound import on_group_announce
from fedcity.federation.groups.inbound_moderation import apply_direct_ban
from fedcity.federation.parse.statuses import attributed_to, visibility_of
from fedcity.federation.policy import parse_post_under
from fedcity.federation.vocab import POST_TYPES, get_id, get_type, same_origin
from fedcity.services.social import interactions
from fedcity.services.statuses import boosts, remote_posts
from fedcity.services.statuses.visibility import can_view
from fedcity.storage.models import Post
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import posts as q

log = logging.getLogger(__name__)


@handles("Like")
async def on_like(inbound: Inbound) -> None:
    post = await q.get_post_by_uri(inbound.session, inbound.object_id or "")
    like_uri = inbound.activity.get("id")
    if post is None or post.deleted_at is not None or not isinstance(like_uri, str):
        return
    if not await can_view(inbound.session, inbound.actor, post):
        return
    await interactions.receive_like(
        inbound.session, inbound.actor, post, like_uri, inbound.activity
    )


@handles("Announce")
async def on_announce(inbound: Inbound) -> None:
    """A boost; from a Group, what the group relays (federation.groups.inbound)."""
    if inbound.actor.actor_type == "Group":
        await on_group_announce(inbound)
        return
    activity_uri = inbound.activity.get("id")
    object_id = _announced_object_id(inbound)
    if not isinstance(activity_uri, str) or object_id is None:
        return
    original = await _announced_post(inbound, object_id)
    if original is None:
        return
    visibility = visibility_of(inbound.activity, inbound.actor.followers_uri)
    await boosts.receive_boost(
        inbound.session, inbound.actor, original, activity_uri, visibility
    )


def _announced_object_id(inbound: Inbound) -> str | None:
    """The announced post's id; for an Announce of a Create, the created object's
    id (only the id is taken: the object is fetched from its origin). Other
    embedded activities (a Lock, a Like) are no boost: only a group relays them."""
    obj = inbound.object
    if isinstance(obj, dict) and get_type(obj) not in POST_TYPES | {""}:
        if get_type(obj) != "Create":
            log.info(
                "ignoring Announce of %s from %s", get_type(obj), inbound.actor.uri
            )
            return None
        return get_id(obj.get("object"))
    return inbound.object_id


async def _announced_post(inbound: Inbound, object_id: str) -> Post | None:
    known = await q.get_post_by_uri(inbound.session, object_id)
    if known is not None:
        return known if known.deleted_at is None else None
    # Never trust an embedded copy of somebody else's post: fetch it from its origin.
    doc = await fetch_document(inbound.fed, object_id)
    if get_type(doc) == "Create":  # an Announce naming a group-relayed Create by id
        inner_id = get_id(doc.get("object"))
        if inner_id is None or not same_origin(inner_id, object_id):
            return None
        known = await q.get_post_by_uri(inbound.session, inner_id)
        if known is not None:
            return known if known.deleted_at is None else None
        doc = await fetch_document(inbound.fed, inner_id)
        object_id = inner_id
    # The document must be the one asked for: a redirect elsewhere could otherwise
    # attribute a post to an author of the origin that redirected.
    if get_type(doc) not in POST_TYPES or doc.get("id") != object_id:
        return None
    author_uri = attributed_to(doc)
    if author_uri is None or not same_origin(author_uri, object_id):
        return None
    author = await get_or_fetch_actor(inbound.fed, inbound.session, author_uri)
    await remote_posts.store_remote_post(
        inbound.session,
        author,
        parse_post_under(inbound.fed.policy.current, doc, author),
    )
    return await q.get_post_by_uri(inbound.session, object_id)


@handles("Block")
async def on_block(inbound: Inbound) -> None:
    """One account blocking another. A Block with a `target` is a ban from a group
    or a site, not a block of one's own (Lemmy sends a community ban both to the
    banned account and through the community's Announce, which applies it)."""
    if inbound.activity.get("target") is not None:
        if inbound.actor.actor_type == "Group":  # a group's own ban
            await apply_direct_ban(inbound, inbound.activity, banned=True)
            return
        log.info("Block with a target from %s: a ban, not a block", inbound.actor.uri)
        return
    target = await actor_q.get_actor_by_uri(inbound.session, inbound.object_id or "")
    block_uri = inbound.activity.get("id")
    if target is None or not target.is_local or not isinstance(block_uri, str):
        return
    await interactions.receive_block(inbound.session, inbound.actor, target, block_uri)
