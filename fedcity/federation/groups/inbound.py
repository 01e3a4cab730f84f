"""A remote group's `Announce` on a member's instance (FEP-1b12, FEP-7888): what
a Lemmy community, an Mbin magazine, a NodeBB or Discourse category, a PieFed
community or another fedcity's group relays, applied here.

The HTTP signature proves only that the group's server sent the Announce, not
what the relayed activity claims. A relayed post is believed as embedded when
the group's server is its origin (the post, its author and the group share an
origin: that server vouches for its own; for an activity the Announce names by
id, the server it was fetched from does), or when the relayed activity carries
a valid FEP-8b32 proof by the post's author; otherwise it is fetched from its
own origin, as any announced post always was. Inner proofs are not required
and an inner `@context` may be missing (PieFed strips it).

Relayed posts are grouped into the group's threads by their root post
(services.groups.threads); the announce also becomes a boost by the group, once
per post, so that Mastodon apps show it in members' home timelines. Removals,
likes, locks, pins, bans and reports are in `inbound_moderation`."""

from __future__ import annotations

import dataclasses
import logging
from typing import Final

from fedcity.errors import FedcityError
from fedcity.federation import polls as poll_wire
from fedcity.federation.actors import get_or_fetch_actor
from fedcity.federation.dispatch import Inbound
from fedcity.federation.fetch import fetch_document
from fedcity.federation.groups import inbound_moderation as moderation
from fedcity.federation.integrity.proofs import ProofError
from fedcity.federation.integrity.remote import verify_remote
from fedcity.federation.library import inbound as library
from fedcity.federation.library.inbound import verify_origin_proof
from fedcity.federation.parse.groups import Relayed, read_relayed, thread_context
from fedcity.federation.parse.statuses import attributed_to, visibility_of
from fedcity.federation.policy import parse_post_under
from fedcity.federation.vocab import POST_TYPES, Document, get_id, get_type, same_origin
from fedcity.services.groups import threads
from fedcity.services.statuses import remote_posts
from fedcity.storage.models import Post
from fedcity.storage.queries import posts as q

log = logging.getLogger(__name__)

# How far up a reply chain the root of a thread is looked for (and fetched).
MAX_ANCESTORS: Final = 16
# The relayed activities that bring a post (the post itself may come bare too).
POSTING: Final = frozenset({"Create", "Update"})


async def on_group_announce(inbound: Inbound) -> None:
    """Apply what a group relays; what is unknown or untrusted is logged and
    dropped (an Announce never fails for its content)."""
    relayed = await _relayed(inbound)
    if relayed is None:
        return
    if relayed.kind == "Update" and moderation.updates_an_actor(relayed):
        await moderation.apply_actor_update(inbound, relayed)
        return
    if relayed.is_post or relayed.kind in POSTING:
        await _apply_post(inbound, relayed)
        return
    apply = moderation.APPLIERS.get(relayed.kind)
    if apply is None:
        moderation.drop(inbound, relayed, "not a type groups relay")
        return
    await apply(inbound, relayed)


async def _relayed(inbound: Inbound) -> Relayed | None:
    """The relayed activity: embedded, or fetched from its origin when only its id
    came (Lemmy before 0.19, Mbin's boosts)."""
    obj = inbound.object
    if isinstance(obj, dict) and get_type(obj):
        return read_relayed(obj)
    object_id = inbound.object_id
    if object_id is None:
        return None
    known = await q.get_post_by_uri(inbound.session, object_id)
    if known is not None:  # a boost of a post known here: no fetch
        return Relayed("Note", {"id": object_id}, None, object_id)
    fetched = read_relayed(await fetch_document(inbound.fed, object_id))
    return dataclasses.replace(fetched, source=object_id)


async def _apply_post(inbound: Inbound, relayed: Relayed) -> None:
    """A relayed post (Create, Update, or the post itself): stored or edited, put
    in its thread, and boosted by the group when it is announced anew."""
    object_id = relayed.object_id
    if object_id is None:
        moderation.drop(inbound, relayed, "no object")
        return
    post = await q.get_post_by_uri(inbound.session, object_id)
    if post is None and same_origin(object_id, inbound.fed.urls.base):
        moderation.drop(inbound, relayed, "a post of this instance it does not hold")
        return
    if post is None or (relayed.kind == "Update" and not post.local):
        doc = await trusted_post(inbound, relayed)
        if doc is None:
            return
        post = await _store(inbound, doc, edit=relayed.kind == "Update")
    if post is None or post.deleted_at is not None:
        return
    announce_uri = get_id(inbound.activity.get("id"))
    fresh = relayed.kind != "Update"
    root = await _thread_root(inbound, post)
    await threads.record_group_post(
        inbound.session,
        inbound.actor,
        post,
        root,
        context_uri=thread_context(
            inbound.activity, root.conversation_uri, inbound.actor.uri
        ),
        announce_uri=announce_uri if fresh else None,
    )
    if fresh and announce_uri is not None:
        visibility = visibility_of(inbound.activity, inbound.actor.followers_uri)
        await threads.boost_once(
            inbound.session, inbound.actor, post, announce_uri, visibility
        )


async def trusted_post(inbound: Inbound, relayed: Relayed) -> Document | None:
    """The relayed post as it may be believed: the embedded copy when the group's
    server is its origin or a valid proof covers it, else fetched from its origin;
    None (logged) when it is not a post, or names another author."""
    obj = relayed.doc if relayed.is_post else relayed.doc.get("object")
    if not isinstance(obj, dict) or len(obj) <= 2:
        return await fetch_post(inbound, relayed.object_id or "")
    author = attributed_to(obj)
    if get_type(obj) not in POST_TYPES or author is None:
        moderation.drop(inbound, relayed, "not a post with an author")
        return None
    if relayed.actor is not None and relayed.actor != author:
        moderation.drop(
            inbound, relayed, "the activity's actor is not the post's author"
        )
        return None
    object_id = relayed.object_id or ""
    # Who served the copy: the group's server, or the one it was fetched from.
    voucher = relayed.source or inbound.actor.uri
    if same_origin(object_id, author) and same_origin(author, voucher):
        return obj  # a server vouches for its own post
    if await _proven(inbound, relayed, author) and same_origin(object_id, author):
        return obj
    return await fetch_post(inbound, object_id)


async def _proven(inbound: Inbound, relayed: Relayed, author: str) -> bool:
    """Whether the relayed activity (or post) carries a valid FEP-8b32 proof by
    the post's author, or its post one by the author's server (a library item's
    Article, federation.library). The check is on the document as the inbox kept
    it; a proof that does not hold only means the post is fetched instead."""
    post = relayed.doc if relayed.is_post else relayed.doc.get("object")
    try:
        if "proof" in relayed.doc and not relayed.is_post:
            await verify_remote(inbound.fed, inbound.session, relayed.doc, owner=author)
        elif isinstance(post, dict) and "proof" in post:
            # By the author, or by a server for its own post (an instance actor).
            await verify_origin_proof(inbound.fed, inbound.session, post)
        else:
            return False
    except ProofError as exc:
        log.info("relayed proof refused, fetching instead: %s", exc.detail)
        return False
    return True


async def fetch_post(inbound: Inbound, url: str) -> Document | None:
    """The post at `url` as its origin serves it (through a Create's id too);
    None when the origin serves something else or another origin's author."""
    doc = await fetch_document(inbound.fed, url)
    if get_type(doc) == "Create":  # an id of a relayed Create
        inner = get_id(doc.get("object"))
        if inner is None or not same_origin(inner, url):
            return None
        doc, url = await fetch_document(inbound.fed, inner), inner
    # The document must be the one asked for: a redirect elsewhere could otherwise
    # attribute a post to an author of the origin that redirected.
    author = attributed_to(doc)
    if get_type(doc) not in POST_TYPES or doc.get("id") != url or author is None:
        return None
    return doc if same_origin(author, url) else None


async def _store(inbound: Inbound, doc: Document, *, edit: bool) -> Post | None:
    """Store a trusted post (or apply its edit); the stored row."""
    session = inbound.session
    author = await get_or_fetch_actor(inbound.fed, session, str(attributed_to(doc)))
    data = parse_post_under(inbound.fed.policy.current, doc, author)
    post = await q.get_post_by_uri(session, data.uri)
    if library.carries_item(doc):  # a library item: its checks and its row too
        edited = await library.accept_item(inbound.fed, session, author, doc, edit=edit)
        return edited or post
    if post is None:
        post = await remote_posts.store_remote_post(session, author, data)
        if post is not None and get_type(doc) == "Question":
            await poll_wire.store_question(session, post, doc)
    elif edit and post.actor_id == author.id and not post.local:
        await remote_posts.update_remote_post(session, author, post, data)
    return post


async def _thread_root(inbound: Inbound, post: Post) -> Post:
    """The thread's root: `inReplyTo` followed up, fetching from their origins the
    posts not yet here (a reply can arrive before what it answers). Each post on
    the way is carried by the group's thread too (root first)."""
    chain = [post]
    while chain[-1].in_reply_to_uri and len(chain) <= MAX_ANCESTORS:
        parent = await _parent(inbound, chain[-1])
        if parent is None or parent in chain:
            break
        chain.append(parent)
    root = chain[-1]
    for ancestor in reversed(chain[1:]):
        await threads.record_group_post(inbound.session, inbound.actor, ancestor, root)
    return root


async def _parent(inbound: Inbound, post: Post) -> Post | None:
    session = inbound.session
    if post.in_reply_to_id is not None:
        return await session.get(Post, post.in_reply_to_id)
    uri = post.in_reply_to_uri or ""
    known = await q.get_post_by_uri(session, uri)
    if known is not None or same_origin(uri, inbound.fed.urls.base):
        return known
    try:
        doc = await fetch_post(inbound, uri)
    except FedcityError as exc:  # an unreachable ancestor: the thread starts lower
        log.info("could not fetch %s for a group thread: %s", uri, exc)
        return None
    if doc is None:
        return None
    parent = await _store(inbound, doc, edit=False)
    await session.refresh(post)  # store_remote_post linked it to its parent
    return parent
