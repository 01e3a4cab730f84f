"""What a remote group relays besides posts, applied on a member's instance:
removals (`Delete`), likes, locks (`Lock`), pins (`Add`/`Remove` on its
`featured` collection), bans (`Block`), their `Undo`, reports (`Flag`) and its
own profile changes (`Update`).

The group's signed Announce is the authority, within the group's own space: a
moderator's removal, lock or pin counts only in a thread the announcing group
carries here, and a ban only when it names the group (Lemmy's and Mbin's
`target`, or its `audience`). Moderators are not checked one by one: the group
relays only what its moderators did, as Lemmy's followers trust it to. Likes
are taken on the group's word too, for the posts it carries (one per account).
Dislikes are not kept here (Mastodon has none)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Final

from fedcity.errors import FedcityError
from fedcity.federation.actors import get_or_fetch_actor
from fedcity.federation.dispatch import Inbound
from fedcity.federation.handlers.moderation import on_flag
from fedcity.federation.parse.groups import (
    Relayed,
    ban_end,
    featured_of,
    moderators_of,
    names_group,
    read_relayed,
    reason_of,
)
from fedcity.federation.vocab import (
    ACTOR_TYPES,
    Document,
    get_id,
    get_type,
    same_origin,
)
from fedcity.services.groups import threads
from fedcity.services.social import interactions
from fedcity.storage.models import Actor, GroupPost, GroupThread, Post
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import groups as group_q
from fedcity.storage.queries import posts as post_q

log = logging.getLogger(__name__)

Applier = Callable[[Inbound, Relayed], Awaitable[None]]


def drop(inbound: Inbound, relayed: Relayed, why: str) -> None:
    """Log a relayed activity that is not applied, and why."""
    log.info(
        "dropped %s relayed by group %s: %s",
        relayed.kind,
        inbound.actor.uri,
        why,
        extra={"activity": inbound.activity.get("id"), "relayed": relayed.id},
    )


async def _carried(inbound: Inbound, relayed: Relayed) -> tuple[Post, GroupPost] | None:
    """The live post the relayed activity acts on, and the group's record of
    carrying it; None (logged) when either is missing here."""
    session = inbound.session
    post = await post_q.get_post_by_uri(session, relayed.object_id or "")
    if post is None or post.deleted_at is not None:
        drop(inbound, relayed, "a post not held here")
        return None
    carried = await group_q.get_group_post(session, inbound.actor.id, post.id)
    if carried is None:
        drop(inbound, relayed, "a post the group does not carry")
        return None
    return post, carried


async def _moderator(inbound: Inbound, relayed: Relayed) -> Actor | None:
    """Who did it, for the group's pages: fetched if new here; None when its
    server does not answer (the act stands: the group vouches for it)."""
    if relayed.actor is None:
        return None
    try:
        return await get_or_fetch_actor(inbound.fed, inbound.session, relayed.actor)
    except FedcityError as exc:
        log.info("moderator %s not fetched: %s", relayed.actor, exc)
        return None


async def apply_delete(inbound: Inbound, relayed: Relayed) -> None:
    """The author's deletion, or a moderator's removal (Lemmy: `Delete` by the
    moderator with the reason in `summary`; Mbin: of a `Tombstone`), of a post the
    group carries."""
    if relayed.object_id is None or relayed.object_id == relayed.actor:
        drop(inbound, relayed, "an account's deletion comes from its own server")
        return
    found = await _carried(inbound, relayed)
    if found is None:
        return
    post, carried = found
    removal = threads.Removal(
        await _moderator(inbound, relayed), reason_of(relayed.doc)
    )
    await threads.remove_post(inbound.session, carried, post, removal)


async def apply_like(inbound: Inbound, relayed: Relayed) -> None:
    """A member's like of a post the group carries, counted once per account."""
    like_id, liker_uri = relayed.id, relayed.actor
    if like_id is None or liker_uri is None or not same_origin(like_id, liker_uri):
        drop(inbound, relayed, "a like without an id on its actor's origin")
        return
    found = await _carried(inbound, relayed)
    if found is None:
        return
    post, _ = found
    liker = await get_or_fetch_actor(inbound.fed, inbound.session, liker_uri)
    if liker.is_local:
        return  # a like made here, relayed back: already counted
    # The group that carries the post vouches for its members' likes: a
    # members-only post's likers are not followers this server could check.
    await interactions.receive_like(inbound.session, liker, post, like_id)


async def apply_dislike(inbound: Inbound, relayed: Relayed) -> None:
    drop(inbound, relayed, "dislikes are not kept")


async def apply_undo(inbound: Inbound, relayed: Relayed) -> None:
    """Undo of a like, a lock or a ban, embedded (as Lemmy and Mbin send it)."""
    undone = relayed.undone
    if undone is None:
        drop(inbound, relayed, "the undone activity is not embedded")
        return
    inner = read_relayed(undone)
    if inner.actor != relayed.actor:
        drop(inbound, relayed, "it undoes another actor's activity")
        return
    match inner.kind:
        case "Like":
            await _undo_like(inbound, inner)
        case "Lock":
            await _lock(inbound, inner, locked=False)
        case "Block":
            await _ban(inbound, inner, banned=False)
        case _:
            drop(inbound, relayed, f"an Undo of {inner.kind or 'nothing'}")


async def _undo_like(inbound: Inbound, like: Relayed) -> None:
    liker = await actor_q.get_actor_by_uri(inbound.session, like.actor or "")
    found = await _carried(inbound, like)
    if liker is None or liker.is_local or found is None:
        return
    post, _ = found
    await interactions.receive_undo_like(inbound.session, liker, post, like.id)


async def apply_lock(inbound: Inbound, relayed: Relayed) -> None:
    """Lemmy 0.19's and Mbin's `Lock` of a post: its thread takes no more replies."""
    await _lock(inbound, relayed, locked=True)


async def _lock(inbound: Inbound, relayed: Relayed, *, locked: bool) -> None:
    thread = await _thread(inbound, relayed)
    if thread is not None:
        threads.set_locked(thread, locked)


async def _thread(inbound: Inbound, relayed: Relayed) -> GroupThread | None:
    """The group's thread holding the post the relayed activity names."""
    found = await _carried(inbound, relayed)
    if found is None:
        return None
    return await group_q.get_thread(inbound.session, found[1].thread_id)


async def apply_add(inbound: Inbound, relayed: Relayed) -> None:
    await _pin(inbound, relayed, pinned=True)


async def apply_remove(inbound: Inbound, relayed: Relayed) -> None:
    await _pin(inbound, relayed, pinned=False)


async def _pin(inbound: Inbound, relayed: Relayed, *, pinned: bool) -> None:
    """`Add`/`Remove` with the group's `featured` collection as target pins or
    unpins the thread; other targets (Lemmy's moderators list) are not kept."""
    target = get_id(relayed.doc.get("target"))
    group_doc = inbound.actor.raw
    if target is None or target != featured_of(group_doc):
        known = target is not None and target == moderators_of(group_doc)
        why = "moderators are read from the group" if known else "not its featured"
        drop(inbound, relayed, why)
        return
    thread = await _thread(inbound, relayed)
    if thread is not None:
        threads.set_pinned(thread, pinned)


async def apply_block(inbound: Inbound, relayed: Relayed) -> None:
    """A ban from the group (`target` or `audience` = the group), with the reason
    in `summary` and the end in `endTime` (Lemmy) or `expires` (Mbin)."""
    await _ban(inbound, relayed, banned=True)


async def apply_direct_ban(inbound: Inbound, block: Document, *, banned: bool) -> None:
    """A ban (or its lifting) the group sends itself, not announced (fedcity's
    groups send their `Block` so): applied as an announced one."""
    relayed = Relayed(
        "Block", block, get_id(block.get("actor")), get_id(block.get("object"))
    )
    await _ban(inbound, relayed, banned=banned)


async def _ban(inbound: Inbound, relayed: Relayed, *, banned: bool) -> None:
    group = inbound.actor
    target_uri = relayed.object_id
    if not names_group(relayed.doc, group.uri) or target_uri in (None, group.uri):
        drop(inbound, relayed, "not a ban from this group")
        return
    assert target_uri is not None
    session = inbound.session
    target = await actor_q.get_actor_by_uri(session, target_uri)
    if not banned:
        if target is not None:
            await threads.lift_ban(session, group, target)
        return
    if target is None:  # a remote account: kept too, for the group's pages
        target = await get_or_fetch_actor(inbound.fed, session, target_uri)
    by = await _moderator(inbound, relayed)
    ban = threads.Ban(reason_of(relayed.doc), ban_end(relayed.doc), relayed.id, by)
    await threads.record_ban(session, group, target, ban)


async def apply_flag(inbound: Inbound, relayed: Relayed) -> None:
    """A report the group forwards (Lemmy sends reports to the community): handled
    as any report to this instance, with the group as the reporting actor; only
    the local accounts and posts it names count (handlers.moderation)."""
    inner = Inbound(
        inbound.fed, inbound.session, relayed.doc, inbound.actor, inbound.recipient
    )
    await on_flag(inner)


def updates_an_actor(relayed: Relayed) -> bool:
    obj = relayed.doc.get("object")
    return isinstance(obj, dict) and get_type(obj) in ACTOR_TYPES


async def apply_actor_update(inbound: Inbound, relayed: Relayed) -> None:
    """Lemmy relays its moderators' `Update(Group)`: the group's document is
    fetched anew from its origin. Accounts' profiles come from their own servers."""
    if relayed.object_id != inbound.actor.uri:
        drop(inbound, relayed, "a profile comes from its own server")
        return
    await get_or_fetch_actor(
        inbound.fed, inbound.session, inbound.actor.uri, refresh=True
    )


APPLIERS: Final[dict[str, Applier]] = {
    "Delete": apply_delete,
    "Like": apply_like,
    "Dislike": apply_dislike,
    "Undo": apply_undo,
    "Lock": apply_lock,
    "Add": apply_add,
    "Remove": apply_remove,
    "Block": apply_block,
    "Flag": apply_flag,
}
