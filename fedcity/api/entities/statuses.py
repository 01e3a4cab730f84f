"""Mastodon entities (Account, Status, Notification, Relationship) from domain rows;
CredentialAccount and the profile entities are in `account_entities`.

Lists are serialised in batches: the accounts, mentions, tags and the viewer's own
favourites and boosts for a page of statuses are each read with one query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.api.entities import seats
from fedcity.api.entities.cards import serialize_card
from fedcity.api.entities.formats import Entity, day, display_settings, timestamp
from fedcity.api.entities.offices import office_entities
from fedcity.services.social.follows import decode_languages
from fedcity.services.statuses.custom_emojis import EmojiRef, image_urls, shortcodes_in
from fedcity.services.statuses.polls import is_expired
from fedcity.storage.models import Actor, MediaAttachment, Notification, Poll, Post
from fedcity.storage.models.cards import PreviewCard
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import cards as card_q
from fedcity.storage.queries import conversation_mutes as mute_q
from fedcity.storage.queries import interactions as interaction_q
from fedcity.storage.queries import media as media_q
from fedcity.storage.queries import polls as poll_q
from fedcity.storage.queries import posts as post_q
from fedcity.urls import Urls


def acct_of(actor: Actor) -> str:
    return actor.username if actor.is_local else f"{actor.username}@{actor.domain}"


def serialize_emojis(refs: list[EmojiRef] | None, urls: Urls) -> list[Entity]:
    """CustomEmoji entities of the emoji a post or profile uses."""
    return [serialize_emoji(ref, urls) for ref in refs or ()]


def serialize_emoji(ref: EmojiRef, urls: Urls) -> Entity:
    url, static_url = image_urls(ref, urls)
    entity: Entity = {
        "shortcode": ref["shortcode"],
        "url": url,
        "static_url": static_url,
        "visible_in_picker": ref.get("visible_in_picker", True),
    }
    if ref.get("category"):
        entity["category"] = ref["category"]
    return entity


def serialize_account(actor: Actor, urls: Urls) -> Entity:
    avatar = urls.avatar(actor.avatar_url)
    header = actor.header_url or f"{urls.base}/static/header.png"
    created = actor.published_at or actor.created_at
    return {
        "id": str(actor.id),
        "username": actor.username,
        "acct": acct_of(actor),
        "display_name": actor.display_name,
        "locked": actor.locked,
        "bot": actor.bot,
        "discoverable": actor.discoverable,
        "indexable": actor.indexable,
        "group": actor.actor_type == "Group",
        "created_at": timestamp(
            created.replace(hour=0, minute=0, second=0, microsecond=0)
        ),
        "note": actor.summary,
        "url": actor.url or actor.uri,
        "uri": actor.uri,
        "avatar": avatar,
        "avatar_static": avatar,
        "header": header,
        "header_static": header,
        "followers_count": actor.followers_count,
        "following_count": actor.following_count,
        "statuses_count": actor.statuses_count,
        "last_status_at": day(actor.last_status_at),
        "hide_collections": actor.hide_collections,
        **display_settings(actor),
        "noindex": not actor.indexable,
        "emojis": serialize_emojis(actor.emojis, urls),
        # roles, fields (the "Office" ones first) and fedcity's `fedcity` object
        **office_entities(actor),
    }


@dataclass
class StatusBatch:
    """Everything a page of statuses refers to, loaded up front."""

    posts: dict[int, Post] = field(default_factory=dict)
    actors: dict[int, Actor] = field(default_factory=dict)
    mentions: dict[int, list[int]] = field(default_factory=dict)
    tags: dict[int, list[str]] = field(default_factory=dict)
    media: dict[int, list[MediaAttachment]] = field(default_factory=dict)
    favourited: set[int] = field(default_factory=set)
    reblogged: set[int] = field(default_factory=set)
    bookmarked: set[int] = field(default_factory=set)
    pinned: set[int] = field(default_factory=set)
    muted: set[int] = field(default_factory=set)
    polls: dict[int, Poll] = field(default_factory=dict)  # by post id
    own_votes: dict[int, list[int]] = field(default_factory=dict)  # by poll id
    cards: dict[int, PreviewCard] = field(default_factory=dict)  # by post id
    holders: seats.Holders = field(default_factory=dict)  # by holder id


async def load_batch(
    session: AsyncSession, posts: Sequence[Post], viewer: Actor | None
) -> StatusBatch:
    batch = StatusBatch(posts={p.id: p for p in posts})
    originals = [p.reblog_of_id for p in posts if p.reblog_of_id is not None]
    batch.posts.update(await post_q.list_posts_by_ids(session, originals))
    ids = list(batch.posts)
    batch.mentions = await post_q.list_mentions(session, ids)
    batch.tags = await post_q.list_tags(session, ids)
    batch.media = await media_q.list_media_for_posts(session, ids)
    batch.polls = await poll_q.list_polls_for_posts(session, ids)
    batch.cards = await card_q.list_cards_for_posts(session, ids)
    batch.holders = await seats.load_holders(session, batch.posts.values())
    actor_ids = {p.actor_id for p in batch.posts.values()}
    actor_ids.update(a for ms in batch.mentions.values() for a in ms)
    batch.actors = await actor_q.list_actors_by_ids(session, list(actor_ids))
    if viewer is not None:
        batch.own_votes = await poll_q.list_own_votes(
            session, viewer.id, [poll.id for poll in batch.polls.values()]
        )
        batch.favourited = await post_q.favourited_ids(session, viewer.id, ids)
        batch.reblogged = await post_q.reblogged_ids(session, viewer.id, ids)
        batch.bookmarked = await interaction_q.bookmarked_ids(session, viewer.id, ids)
        batch.pinned = await interaction_q.pinned_ids(session, viewer.id, ids)
        batch.muted = await mute_q.muted_ids(
            session, viewer.id, list(batch.posts.values())
        )
    return batch


def serialize_status(
    post: Post, batch: StatusBatch, urls: Urls, viewer: Actor | None
) -> Entity:
    author = batch.actors[post.actor_id]
    original = batch.posts.get(post.reblog_of_id) if post.reblog_of_id else None
    mentioned = [
        batch.actors[a] for a in batch.mentions.get(post.id, []) if a in batch.actors
    ]
    entity: Entity = {
        "id": str(post.id),
        "uri": post.uri,
        "url": post.url if original is None else None,
        "created_at": timestamp(post.published_at or post.created_at),
        "account": serialize_account(author, urls),
        "content": post.content if original is None else "",
        "visibility": post.visibility,
        "sensitive": post.sensitive,
        "spoiler_text": post.spoiler_text,
        "media_attachments": [
            *(serialize_media(m, urls) for m in batch.media.get(post.id, [])),
            *(
                serialize_remote_attachment(post, i, a, urls)
                for i, a in enumerate(post.attachments)
            ),
        ],
        "application": None,
        "mentions": [
            {
                "id": str(a.id),
                "username": a.username,
                "url": a.url or a.uri,
                "acct": acct_of(a),
            }
            for a in mentioned
        ],
        "tags": [{"name": t, "url": urls.tag(t)} for t in batch.tags.get(post.id, [])],
        "emojis": serialize_emojis(post.emojis, urls),
        "reblogs_count": post.reblogs_count,
        "favourites_count": post.favourites_count,
        "replies_count": post.replies_count,
        "in_reply_to_id": str(post.in_reply_to_id) if post.in_reply_to_id else None,
        "in_reply_to_account_id": (
            str(post.in_reply_to_actor_id) if post.in_reply_to_actor_id else None
        ),
        "reblog": serialize_status(original, batch, urls, viewer) if original else None,
        "poll": (
            serialize_poll(poll, post, viewer, batch.own_votes.get(poll.id, []), urls)
            if (poll := batch.polls.get(post.id)) is not None
            else None
        ),
        "card": (
            serialize_card(card, urls)
            if original is None and (card := batch.cards.get(post.id)) is not None
            else None
        ),
        "language": post.language,
        "edited_at": timestamp(post.edited_at),
        "filtered": [],
    }
    if viewer is not None:
        entity.update(
            favourited=post.id in batch.favourited,
            reblogged=post.id in batch.reblogged,
            muted=post.id in batch.muted,
            bookmarked=post.id in batch.bookmarked,
        )
        if post.actor_id == viewer.id:
            entity["pinned"] = post.id in batch.pinned
    entity.update(seats.holder_extension(post, batch.holders, urls))
    return entity


def serialize_poll(
    poll: Poll, post: Post, viewer: Actor | None, own_votes: list[int], urls: Urls
) -> Entity:
    """A Poll entity, exactly Mastodon's shape (fedcity's "non-binding sentiment"
    notice is on the HTML page and in the docs, not in the entity)."""
    expired = is_expired(poll)
    show = expired or not poll.hide_totals  # Mastodon hides counts, not the total
    entity: Entity = {
        "id": str(poll.id),
        "expires_at": timestamp(poll.expires_at),
        "expired": expired,
        "multiple": poll.multiple,
        "votes_count": sum(poll.votes_counts),
        "voters_count": poll.voters_count,
        "options": [
            {"title": title, "votes_count": count if show else None}
            for title, count in zip(poll.options, poll.votes_counts, strict=False)
        ],
        "emojis": _option_emojis(poll, post, urls),
    }
    if viewer is not None:
        # Mastodon counts a poll as "voted" for its own author, who cannot vote.
        entity["voted"] = bool(own_votes) or post.actor_id == viewer.id
        entity["own_votes"] = own_votes
    return entity


def _option_emojis(poll: Poll, post: Post, urls: Urls) -> list[Entity]:
    """The status's custom emoji that the poll's options use."""
    if not post.emojis:
        return []  # most polls: no text to scan
    used = shortcodes_in(poll.options)
    return serialize_emojis([r for r in post.emojis if r["shortcode"] in used], urls)


def serialize_media(media: MediaAttachment, urls: Urls) -> Entity:
    """A MediaAttachment entity for a file stored here."""
    url = urls.media(media.file_path) if media.file_path else media.remote_url
    preview = urls.media(media.thumbnail_path) if media.thumbnail_path else None
    meta: Entity = {"focus": {"x": media.focus_x, "y": media.focus_y}}
    if media.width and media.height:
        meta["original"] = _dimensions(media.width, media.height)
    if media.thumbnail_width and media.thumbnail_height:
        meta["small"] = _dimensions(media.thumbnail_width, media.thumbnail_height)
    return {
        "id": str(media.id),
        "type": media.type,
        "url": url,
        "preview_url": preview,
        "remote_url": media.remote_url,
        "preview_remote_url": None,
        "text_url": None,
        "meta": meta,
        "description": media.description,
        "blurhash": media.blurhash,
    }


def _dimensions(width: int, height: int) -> Entity:
    return {
        "width": width,
        "height": height,
        "size": f"{width}x{height}",
        "aspect": width / height,
    }


def serialize_remote_attachment(
    post: Post, index: int, item: dict[str, Any], urls: Urls
) -> Entity:
    """A remote post's attachment (kept in Post.attachments as parsed)."""
    media = str(item.get("media_type") or "")
    kind = (
        "image"
        if media.startswith("image/") or (not media and item.get("type") == "Image")
        else (
            "video"
            if media.startswith("video/") or (not media and item.get("type") == "Video")
            else "audio"
            if media.startswith("audio/")
            else "unknown"
        )
    )
    attachment_id = f"{post.id}{index:02d}"
    remote = str(item["url"])
    shown = urls.remote_media(attachment_id, remote)
    meta: Entity | None = None
    width, height = item.get("width"), item.get("height")
    if isinstance(width, int) and isinstance(height, int) and width > 0 < height:
        meta = {"original": _dimensions(width, height)}
    focus = item.get("focus")
    if isinstance(focus, list) and len(focus) == 2:
        meta = {**(meta or {}), "focus": {"x": focus[0], "y": focus[1]}}
    return {
        "id": attachment_id,
        "type": kind,
        "url": shown,
        "preview_url": shown if kind == "image" else None,
        "remote_url": remote,
        "preview_remote_url": None,
        "text_url": None,
        "meta": meta,
        "description": item.get("name"),
        "blurhash": item.get("blurhash"),
    }


async def serialize_statuses(
    session: AsyncSession, posts: Sequence[Post], viewer: Actor | None, urls: Urls
) -> list[Entity]:
    batch = await load_batch(session, posts, viewer)
    return [serialize_status(p, batch, urls, viewer) for p in posts]


async def serialize_one_status(
    session: AsyncSession, post: Post, viewer: Actor | None, urls: Urls
) -> Entity:
    return (await serialize_statuses(session, [post], viewer, urls))[0]


async def serialize_notifications(
    session: AsyncSession, rows: Sequence[Notification], viewer: Actor, urls: Urls
) -> list[Entity]:
    posts = await post_q.list_posts_by_ids(
        session, [n.post_id for n in rows if n.post_id]
    )
    batch = await load_batch(session, list(posts.values()), viewer)
    senders = await actor_q.list_actors_by_ids(session, [n.from_actor_id for n in rows])
    out = []
    for row in rows:
        sender = senders.get(row.from_actor_id)
        if sender is None:
            continue
        post = posts.get(row.post_id) if row.post_id else None
        out.append(
            {
                "id": str(row.id),
                "type": row.type,
                "created_at": timestamp(row.created_at),
                "group_key": row.group_key or f"ungrouped-{row.id}",
                "account": serialize_account(sender, urls),
                "status": serialize_status(post, batch, urls, viewer) if post else None,
            }
        )
    return out


def serialize_tag(tag_id: int, name: str, urls: Urls) -> Entity:
    """A Tag entity without its usage: `api/entities/tags.py` adds `history` (use
    that to serve Tags); statuses carry only name and url."""
    return {"id": str(tag_id), "name": name, "url": urls.tag(name), "history": []}


def relationship(
    target: Actor,
    *,
    following: Any,
    followed_by: Any,
    blocking: bool,
    blocked_by: bool,
    muting: Any = None,
    domain_blocking: bool = False,
    endorsed: bool = False,
    note: str = "",
) -> Entity:
    """`muting` is the viewer's Mute of the target in force, if any; `note` the
    viewer's private comment about the target."""
    return {
        "id": str(target.id),
        "following": bool(following and following.state == "accepted"),
        "showing_reblogs": bool(following.show_reblogs) if following else False,
        "notifying": bool(following.notify) if following else False,
        "languages": decode_languages(following.languages) if following else None,
        "followed_by": bool(followed_by and followed_by.state == "accepted"),
        "blocking": blocking,
        "blocked_by": blocked_by,
        "muting": muting is not None,
        "muting_notifications": bool(muting and muting.notifications),
        "muting_expires_at": timestamp(muting.expires_at) if muting else None,
        "requested": bool(following and following.state == "pending"),
        "requested_by": bool(followed_by and followed_by.state == "pending"),
        "domain_blocking": domain_blocking,
        "endorsed": endorsed,
        "note": note,
    }
