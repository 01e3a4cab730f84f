"""Actors → AS2 JSON: Person, Service, Group and Application documents."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fedcity.federation.jsonld.loader import KEYS_CONTEXTS
from fedcity.federation.render.common import iso, with_context
from fedcity.federation.render.offices import (
    FEDCITY_CONTEXT_V2,
    actor_extension,
    office_fields,
)
from fedcity.federation.render.statuses import render_emoji
from fedcity.federation.vocab import Document
from fedcity.storage.models import Actor
from fedcity.urls import Urls

# Defines `moderators` and `postingRestrictedToMods` (bundled, never fetched).
LEMMY_CONTEXT = "https://join-lemmy.org/context.json"


def render_actor(
    actor: Actor, urls: Urls, *, assertion_methods: Sequence[Mapping[str, str]] = ()
) -> Document:
    """A local actor as Mastodon serves one: key, endpoints, profile fields, emoji;
    fedcity's capacity and attested offices (the "Office" fields come first); and
    its FEP-521a `Multikey`s for integrity proofs, if it has any."""
    doc: Document = {
        "id": actor.uri,
        "type": actor.actor_type,
        "preferredUsername": actor.username,
        "name": actor.display_name,
        "summary": actor.summary,
        "url": actor.url,
        "inbox": actor.inbox_uri,
        "outbox": actor.outbox_uri,
        "followers": actor.followers_uri,
        "following": actor.following_uri,
        "featured": urls.featured(actor.username),
        "featuredTags": urls.featured_tags(actor.username),
        "endpoints": {"sharedInbox": urls.shared_inbox},
        "manuallyApprovesFollowers": actor.locked,
        "discoverable": actor.discoverable,
        "indexable": actor.indexable,
        "published": iso(actor.published_at or actor.created_at),
        "publicKey": {
            "id": actor.key_id,
            "owner": actor.uri,
            "publicKeyPem": actor.public_key_pem,
        },
        "attachment": [
            {"type": "PropertyValue", "name": f["name"], "value": f["value"]}
            for f in [*office_fields(actor), *actor.fields]
        ],
        "tag": [render_emoji(ref, urls) for ref in actor.emojis or ()],
    }
    if actor.avatar_url:
        doc["icon"] = {"type": "Image", "url": actor.avatar_url}
    if actor.header_url:
        doc["image"] = {"type": "Image", "url": actor.header_url}
    if actor.attribution_domains:
        doc["attributionDomains"] = list(actor.attribution_domains)
    if actor.actor_type == "Application":
        for key in (
            "followers",
            "following",
            "featured",
            "featuredTags",
            "attachment",
            "tag",
            "indexable",
        ):
            doc.pop(key, None)
        if assertion_methods:
            doc["assertionMethod"] = [dict(method) for method in assertion_methods]
            doc["registry"] = urls.registry  # what it attests (issue 11)
            document = with_context(doc, *KEYS_CONTEXTS)
            document["@context"] = [*document["@context"], FEDCITY_CONTEXT_V2]
            return document
        return with_context(doc)
    if actor.actor_type == "Group":
        return with_context(_group_fields(doc, actor, urls), LEMMY_CONTEXT)
    doc.update(actor_extension(actor))
    document = with_context(doc)
    document["@context"] = [*document["@context"], FEDCITY_CONTEXT_V2]
    return document


def _group_fields(doc: Document, actor: Actor, urls: Urls) -> Document:
    """A group as Lemmy, Mbin and NodeBB expect one (FEP-1b12): its moderators as
    `attributedTo` (Lemmy's form, a collection) and `moderators`, and anyone may
    start a thread. `manuallyApprovesFollowers` is true for a members-only group
    alone: Lemmy treats a group that sets it as private."""
    for key in ("featuredTags", "attachment", "indexable"):
        doc.pop(key, None)
    moderators = urls.moderators(actor.username)
    doc["attributedTo"] = moderators
    doc["moderators"] = moderators
    doc["postingRestrictedToMods"] = False
    return doc


def render_suspended_actor(actor: Actor) -> Document:
    """What a suspended or deleted local actor's id serves (with HTTP 410)."""
    return with_context(
        {
            "id": actor.uri,
            "type": "Tombstone",
            "formerType": actor.actor_type,
            "deleted": iso(actor.deleted_at or actor.suspended_at),
        }
    )
