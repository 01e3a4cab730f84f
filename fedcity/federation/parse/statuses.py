"""Post objects → `RemotePostData`: content, addressing, tags, custom emoji,
attachments; a `Question`'s poll and the Notes that are votes in one.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from fedcity import text
from fedcity.errors import Unprocessable
from fedcity.federation.parse.common import clip, first_url, parse_datetime
from fedcity.federation.vocab import (
    ACTOR_TYPES,
    AS_PUBLIC,
    POST_TYPES,
    as_list,
    get_id,
    get_type,
    ids_of,
    is_http_url,
)
from fedcity.services.statuses import custom_emojis
from fedcity.services.statuses.polls import RemotePollData, RemoteVoteData
from fedcity.services.statuses.remote_posts import RemotePostData
from fedcity.storage.models import Visibility

MAX_TEXT = 100_000  # characters of HTML kept from a remote post


def visibility_of(doc: Mapping[str, Any], followers_uri: str | None) -> Visibility:
    """Mastodon's reading of addressing: Public in `to` is public, in `cc` unlisted;
    the followers collection makes it followers-only; anything else is direct."""
    to, cc = ids_of(doc.get("to")), ids_of(doc.get("cc"))
    if AS_PUBLIC in to:
        return Visibility.PUBLIC
    if AS_PUBLIC in cc:
        return Visibility.UNLISTED
    if followers_uri and followers_uri in to + cc:
        return Visibility.PRIVATE
    if any(addr.endswith("/followers") for addr in to + cc):
        return Visibility.PRIVATE
    return Visibility.DIRECT


def _content(doc: Mapping[str, Any]) -> tuple[str, str | None]:
    content = doc.get("content")
    language = None
    content_map = doc.get("contentMap")
    if isinstance(content_map, Mapping) and content_map:
        language, mapped = next(iter(content_map.items()))
        if not isinstance(content, str):
            content = mapped
    body = clip(content, MAX_TEXT)
    name = clip(doc.get("name"), 1000)
    if get_type(doc) in ("Article", "Page") and name:
        # Lemmy posts and blog articles carry their title in `name`.
        body = f"<p><strong>{html.escape(name)}</strong></p>{body}"
    return text.sanitize_html(body), language if isinstance(language, str) else None


def _attachments(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    for item in as_list(doc.get("attachment"))[:16]:
        if not isinstance(item, Mapping):
            continue
        url = first_url(item.get("url")) or first_url(item.get("href"))
        if url is None:
            continue
        out.append(
            {
                "type": get_type(item) or "Document",
                "url": url,
                "media_type": clip(item.get("mediaType"), 255) or None,
                "name": clip(item.get("name"), 1500) or None,
                "blurhash": clip(item.get("blurhash"), 255) or None,
                "width": item.get("width")
                if isinstance(item.get("width"), int)
                else None,
                "height": item.get("height")
                if isinstance(item.get("height"), int)
                else None,
                "focus": _focal_point(item.get("focalPoint")),
            }
        )
    return out


def _focal_point(value: Any) -> list[float] | None:
    """Mastodon's `focalPoint` [x, y], each within -1..1; None if absent or odd."""
    if not isinstance(value, list) or len(value) != 2:
        return None
    if not all(
        isinstance(v, int | float) and not isinstance(v, bool) and -1 <= v <= 1
        for v in value
    ):
        return None
    return [float(value[0]), float(value[1])]


def _tags(doc: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    mentions, hashtags = [], []
    for tag in as_list(doc.get("tag")):
        if not isinstance(tag, Mapping):
            continue
        kind = get_type(tag)
        if kind == "Mention" and is_http_url(tag.get("href")):
            mentions.append(str(tag["href"]))
        elif kind == "Hashtag" and isinstance(tag.get("name"), str):
            hashtags.append(tag["name"].lstrip("#").lower()[:255])
    return mentions, hashtags


def emoji_tags(doc: Mapping[str, Any]) -> list[custom_emojis.RemoteEmoji]:
    """The `Emoji` tags (Mastodon's custom emoji) with a usable name and image."""
    found = []
    for tag in as_list(doc.get("tag")):
        if not isinstance(tag, Mapping) or get_type(tag) != "Emoji":
            continue
        name = clip(tag.get("name"), 66).strip(":")
        icon = tag.get("icon")
        url = first_url(icon)
        if not custom_emojis.SHORTCODE.fullmatch(name) or url is None:
            continue
        media_type = icon.get("mediaType") if isinstance(icon, Mapping) else None
        found.append(
            custom_emojis.RemoteEmoji(
                shortcode=name,
                url=url,
                uri=get_id(tag) if is_http_url(get_id(tag)) else None,
                media_type=clip(media_type, 64) or None,
                updated=clip(tag.get("updated"), 64) or None,
            )
        )
    return found


def attributed_to(doc: Mapping[str, Any]) -> str | None:
    """The id of the actor an object names as its author (the first actor listed)."""
    for item in as_list(doc.get("attributedTo")):
        if isinstance(item, Mapping) and get_type(item) not in ACTOR_TYPES | {""}:
            continue  # PeerTube lists channels and groups beside the Person
        found = get_id(item)
        if found:
            return found
    return None


def parse_post(
    doc: Mapping[str, Any], author_followers_uri: str | None
) -> RemotePostData:
    """Read a post object; visibility is judged against its author's followers.

    Raises:
        Unprocessable: no id, or a type fedcity does not store as a post.
    """
    uri = doc.get("id")
    kind = get_type(doc)
    if not is_http_url(uri):
        raise Unprocessable("object has no id")
    if kind not in POST_TYPES:
        raise Unprocessable("unsupported object type {kind!r}", kind=kind)
    assert isinstance(uri, str)
    content, language = _content(doc)
    mentions, hashtags = _tags(doc)
    summary = doc.get("summary")
    spoiler_text = text.html_to_text(summary)[:1000] if isinstance(summary, str) else ""
    return RemotePostData(
        uri=uri,
        object_type=kind,
        content=content,
        visibility=visibility_of(doc, author_followers_uri),
        url=first_url(doc.get("url")) or uri,
        spoiler_text=spoiler_text,
        sensitive=bool(doc.get("sensitive", False)),
        language=language,
        in_reply_to_uri=get_id(doc.get("inReplyTo")),
        conversation_uri=get_id(doc.get("context")) or get_id(doc.get("conversation")),
        published_at=parse_datetime(doc.get("published")),
        updated_at=parse_datetime(doc.get("updated")),
        mentioned_uris=mentions,
        tags=hashtags,
        emojis=custom_emojis.remote_refs(
            emoji_tags(doc), [content, spoiler_text, *_option_names(doc)]
        ),
        attachments=_attachments(doc),
        raw=dict(doc),
    )


MAX_POLL_OPTIONS = 20  # options kept from a remote Question
MAX_OPTION_TITLE = 500


def _option_names(doc: Mapping[str, Any]) -> list[str]:
    """A Question's option names (they may use custom emoji too)."""
    return [
        item["name"]
        for key in ("oneOf", "anyOf")
        for item in as_list(doc.get(key))[:MAX_POLL_OPTIONS]
        if isinstance(item, Mapping) and isinstance(item.get("name"), str)
    ]


def parse_question(doc: Mapping[str, Any]) -> RemotePollData | None:
    """A `Question`'s poll (Mastodon's shape: oneOf, or anyOf when several choices
    are allowed, of Notes with `name` and `replies.totalItems`); None for a
    Question without options."""
    if get_type(doc) != "Question":
        return None
    multiple = isinstance(doc.get("anyOf"), list) and not doc.get("oneOf")
    options: list[str] = []
    counts: list[int] = []
    for item in as_list(doc.get("anyOf") if multiple else doc.get("oneOf")):
        if not isinstance(item, Mapping) or len(options) >= MAX_POLL_OPTIONS:
            continue
        title = clip(item.get("name"), MAX_OPTION_TITLE).strip()  # plain text
        if not title or title in options:
            continue
        replies = item.get("replies")
        total = replies.get("totalItems") if isinstance(replies, Mapping) else None
        options.append(title)
        counts.append(total if isinstance(total, int) and _count_value(total) else 0)
    if not options:
        return None
    end = parse_datetime(doc.get("endTime"))
    closed = doc.get("closed")
    closed_at = parse_datetime(closed) or (end if closed is True else None)
    voters = doc.get("votersCount")
    return RemotePollData(
        options=tuple(options),
        votes_counts=tuple(counts),
        multiple=multiple,
        expires_at=end or closed_at,
        closed_at=closed_at,
        voters_count=voters if _count_value(voters) else None,
    )


def _count_value(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def parse_vote(doc: Mapping[str, Any]) -> RemoteVoteData | None:
    """A Note that may be a vote: it has a `name` and an `inReplyTo`. Whether it is
    one depends on what it answers (a local poll with that option)."""
    uri, name = doc.get("id"), doc.get("name")
    question = get_id(doc.get("inReplyTo"))
    if get_type(doc) != "Note" or not is_http_url(uri) or not question:
        return None
    if not isinstance(name, str) or not name.strip():
        return None
    return RemoteVoteData(str(uri), question, name.strip()[:MAX_OPTION_TITLE])
