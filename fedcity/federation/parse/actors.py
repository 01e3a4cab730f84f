"""Actor documents → `RemoteActorData`: identity, inbox, key, profile."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fedcity import text
from fedcity.errors import Unprocessable
from fedcity.federation.parse.common import clip, first_url, parse_datetime
from fedcity.federation.parse.statuses import emoji_tags
from fedcity.federation.vocab import (
    ACTOR_TYPES,
    as_list,
    get_id,
    get_type,
    is_http_url,
    netloc_of,
    same_origin,
)
from fedcity.services.accounts.remote_actors import RemoteActorData
from fedcity.services.statuses import custom_emojis


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
                    "name": clip(item.get("name"), 255),
                    "value": text.sanitize_html(clip(item.get("value"), 2048)),
                }
            )
    return out[:16]


def _count(doc: Mapping[str, Any], key: str) -> int | None:
    value = doc.get(key)
    if isinstance(value, Mapping) and isinstance(value.get("totalItems"), int):
        return int(value["totalItems"])
    return None


def parse_actor(doc: Mapping[str, Any]) -> RemoteActorData:
    """Read an actor document; its key must live on the actor's own origin.

    Raises:
        Unprocessable: not an actor, no inbox on its origin, or a foreign key.
    """
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
        clip(doc.get("preferredUsername"), 255) or uri.rstrip("/").rsplit("/", 1)[-1]
    )
    display_name = clip(doc.get("name"), 255)
    summary = text.sanitize_html(clip(doc.get("summary"), 10_000))
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
        url=first_url(doc.get("url")) or uri,
        avatar_url=first_url(doc.get("icon")),
        header_url=first_url(doc.get("image")),
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
            emoji_tags(doc),
            [display_name, summary, *(v for f in fields for v in f.values())],
        ),
        followers_count=_count(doc, "followers"),
        following_count=_count(doc, "following"),
        statuses_count=_count(doc, "outbox"),
        raw=dict(doc),
    )
