"""AS2 JSON → validated service-layer data. Nothing here trusts an embedded object's
claims about itself; callers check origins (see `federation.inbox`).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from fedcity import text
from fedcity.errors import Unprocessable
from fedcity.federation.vocab import (
    ACTOR_TYPES,
    AS_PUBLIC,
    POST_TYPES,
    as_list,
    get_id,
    get_type,
    ids_of,
    is_http_url,
    netloc_of,
    same_origin,
)
from fedcity.services.accounts.accounts import RemoteActorData
from fedcity.services.statuses import custom_emojis
from fedcity.services.statuses.polls import RemotePollData, RemoteVoteData
from fedcity.services.statuses.remote_posts import RemotePostData
from fedcity.storage.models import Visibility

MAX_TEXT = 100_000  # characters of HTML kept from a remote post


def parse_datetime(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _str(value: object, limit: int = 2048) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _url(value: object) -> str | None:
    """`url`, `icon` and `image` come as strings, Links, Images or lists of them."""
    for item in as_list(value):
        if isinstance(item, Mapping) and "url" in item:
            item = _url(item["url"])
        found = get_id(item) if not isinstance(item, str) else item
        if is_http_url(found):
            return found
    return None


def _public_key(doc: Mapping[str, Any], actor_id: str) -> tuple[str | None, str | None]:
    for key in as_list(doc.get("publicKey")):
        if not isinstance(key, Mapping):
            continue
        key_id, pem = key.get("id"), key.get("publicKeyPem")
        owner = key.get("owner", actor_id)
        if isinstance(key_id, str) and isinstance(pem, str) and owner == actor_id:
            if not same_origin(key_id, actor_id):
                raise Unprocessable("actor key lives on another origin")
            return key_id, pem
    return None, None


def _fields(doc: Mapping[str, Any]) -> list[dict[str, str]]:
    out = []
    for item in as_list(doc.get("attachment")):
        if isinstance(item, Mapping) and get_type(item) == "PropertyValue":
            out.append(
                {
                    "name": _str(item.get("name"), 255),
                    "value": text.sanitize_html(_str(item.get("value"), 2048)),
                }
            )
    return out[:16]


def _count(doc: Mapping[str, Any], key: str) -> int | None:
    value = doc.get(key)
    if isinstance(value, Mapping) and isinstance(value.get("totalItems"), int):
        return int(value["totalItems"])
    return None


def parse_actor(doc: Mapping[str, Any]) -> RemoteActorData:
    uri = doc.get("id")
    kind = get_type(doc)
    if not is_http_url(uri) or kind not in ACTOR_TYPES:
        raise Unprocessable("not an actor document")
    assert isinstance(uri, str)
    inbox = doc.get("inbox")
    if (
        not isinstance(inbox, str)
        or not is_http_url(inbox)
        or not same_origin(inbox, uri)
    ):
        raise Unprocessable("actor has no inbox on its own origin")
    key_id, pem = _public_key(doc, uri)
    endpoints = doc.get("endpoints")
    shared = endpoints.get("sharedInbox") if isinstance(endpoints, Mapping) else None
    username = (
        _str(doc.get("preferredUsername"), 255) or uri.rstrip("/").rsplit("/", 1)[-1]
    )
    display_name = _str(doc.get("name"), 255)
    summary = text.sanitize_html(_str(doc.get("summary"), 10_000))
    fields = _fields(doc)
    return RemoteActorData(
        uri=uri,
        actor_type=kind,
        username=username,
        domain=netloc_of(uri),
        inbox_uri=str(inbox),
        key_id=key_id,
        public_key_pem=pem,
        display_name=display_name,
        summary=summary,
        url=_url(doc.get("url")) or uri,
        avatar_url=_url(doc.get("icon")),
        header_url=_url(doc.get("image")),
        shared_inbox_uri=shared if is_http_url(shared) else None,
        outbox_uri=get_id(doc.get("outbox")),
        followers_uri=get_id(doc.get("followers")),
        following_uri=get_id(doc.get("following")),
        locked=bool(doc.get("manuallyApprovesFollowers", False)),
        discoverable=bool(doc.get("discoverable", False)),
        indexable=bool(doc.get("indexable", False)),
        bot=kind in ("Service", "Application"),
        published_at=parse_datetime(doc.get("published")),
        fields=fields,
        emojis=custom_emojis.remote_refs(
            _emoji_tags(doc),
            [display_name, summary, *(v for f in fields for v in f.values())],
        ),
        followers_count=_count(doc, "followers"),
        following_count=_count(doc, "following"),
        statuses_count=_count(doc, "outbox"),
        raw=dict(doc),
    )


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
    body = _str(content, MAX_TEXT)
    name = _str(doc.get("name"), 1000)
    if get_type(doc) in ("Article", "Page") and name:
        # Lemmy posts and blog articles carry their title in `name`.
        body = f"<p><strong>{html.escape(name)}</strong></p>{body}"
    return text.sanitize_html(body), language if isinstance(language, str) else None


def _attachments(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    for item in as_list(doc.get("attachment"))[:16]:
        if not isinstance(item, Mapping):
            continue
        url = _url(item.get("url")) or _url(item.get("href"))
        if url is None:
            continue
        out.append(
            {
                "type": get_type(item) or "Document",
                "url": url,
                "media_type": _str(item.get("mediaType"), 255) or None,
                "name": _str(item.get("name"), 1500) or None,
                "blurhash": _str(item.get("blurhash"), 255) or None,
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


def _emoji_tags(doc: Mapping[str, Any]) -> list[custom_emojis.RemoteEmoji]:
    """The `Emoji` tags (Mastodon's custom emoji) with a usable name and image."""
    found = []
    for tag in as_list(doc.get("tag")):
        if not isinstance(tag, Mapping) or get_type(tag) != "Emoji":
            continue
        name = _str(tag.get("name"), 66).strip(":")
        icon = tag.get("icon")
        url = _url(icon)
        if not custom_emojis.SHORTCODE.fullmatch(name) or url is None:
            continue
        media_type = icon.get("mediaType") if isinstance(icon, Mapping) else None
        found.append(
            custom_emojis.RemoteEmoji(
                shortcode=name,
                url=url,
                uri=get_id(tag) if is_http_url(get_id(tag)) else None,
                media_type=_str(media_type, 64) or None,
                updated=_str(tag.get("updated"), 64) or None,
            )
        )
    return found


def attributed_to(doc: Mapping[str, Any]) -> str | None:
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
    uri = doc.get("id")
    kind = get_type(doc)
    if not is_http_url(uri):
        raise Unprocessable("object has no id")
    if kind not in POST_TYPES:
        raise Unprocessable(f"unsupported object type {kind!r}")
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
        url=_url(doc.get("url")) or uri,
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
            _emoji_tags(doc), [content, spoiler_text, *_option_names(doc)]
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
        title = _str(item.get("name"), MAX_OPTION_TITLE).strip()  # plain text
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
