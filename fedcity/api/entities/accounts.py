"""Mastodon entities of one's own account and of profiles: CredentialAccount,
Profile, FeaturedTag, Suggestion, FamiliarFollowers, and a Tag with `featuring`."""

from __future__ import annotations

from fedcity import text
from fedcity.api.entities.formats import Entity, day, display_settings
from fedcity.api.entities.offices import own_fields
from fedcity.api.entities.statuses import serialize_account, serialize_tag
from fedcity.services.accounts.preferences import PostingDefaults
from fedcity.services.discovery.directory import Suggestion
from fedcity.storage.models import Actor, Tag
from fedcity.storage.queries.profiles import FeaturedTagStats
from fedcity.urls import Urls

# Mastodon's permission bits: administrator = 1; a moderator may view the dashboard
# and audit log and manage reports, blocks, taxonomies, appeals and users (4 | 8 |
# 16 | 128 | 256 | 512 | 1024). Plain users hold none that fedcity offers.
_ROLE_PERMISSIONS = {"owner": "1", "admin": "1", "moderator": "1948", "user": "0"}

# Mastodon's deprecated `source` of a Suggestion, by the first of its `sources`.
_SUGGESTION_SOURCE = {"featured": "staff", "most_followed": "global"}


def serialize_credential_account(
    actor: Actor,
    urls: Urls,
    role: str,
    defaults: PostingDefaults,
    follow_requests_count: int = 0,
) -> Entity:
    entity = serialize_account(actor, urls)
    entity["source"] = {
        "privacy": defaults.privacy.value,
        "sensitive": defaults.sensitive,
        "language": defaults.language,
        "note": actor.summary,
        # What the owner typed: not the "Office" fields its attestations add.
        "fields": own_fields(actor),
        "follow_requests_count": follow_requests_count,
        "hide_collections": actor.hide_collections,
        "discoverable": actor.discoverable,
        "indexable": actor.indexable,
        "attribution_domains": list(actor.attribution_domains or []),
    }
    entity["role"] = serialize_role(role)
    return entity


def serialize_role(role: str) -> Entity:
    """Mastodon's Role of a local account's `role` (user, moderator, admin, owner)."""
    return {
        "id": {"user": "-99", "moderator": "2", "admin": "3", "owner": "3"}.get(
            role, "-99"
        ),
        "name": role.capitalize() if role != "user" else "",
        "permissions": _ROLE_PERMISSIONS.get(role, "0"),
        "color": "",
        "highlighted": role != "user",
    }


# What a Profile says as the Account does.
_FROM_ACCOUNT = (
    "id",
    "display_name",
    "locked",
    "bot",
    "hide_collections",
    "discoverable",
    "indexable",
)


def serialize_profile(
    actor: Actor, urls: Urls, featured: list[FeaturedTagStats]
) -> Entity:
    """Mastodon 4.6's Profile: what the owner may edit, as entered (the bio as plain
    text beside its HTML), with the avatar and header null while unset."""
    account = serialize_account(actor, urls)
    avatar = account["avatar"] if actor.avatar_url else None
    header = account["header"] if actor.header_url else None
    return {
        **{key: account[key] for key in _FROM_ACCOUNT},
        "fields": own_fields(actor),
        "note": text.html_to_text(actor.summary),
        "formatted_note": actor.summary,
        "formatted_fields": own_fields(actor),
        "avatar": avatar,
        "avatar_static": avatar,
        "header": header,
        "header_static": header,
        **display_settings(actor),
        "attribution_domains": list(actor.attribution_domains or []),
        "featured_tags": [serialize_featured_tag(i, actor, urls) for i in featured],
    }


def serialize_featured_tag(item: FeaturedTagStats, owner: Actor, urls: Urls) -> Entity:
    """Mastodon sends `statuses_count` as a string and `last_status_at` as a date."""
    return {
        "id": str(item.row.id),
        "name": item.name,
        "url": urls.account_tag(owner.username, item.name),
        "statuses_count": str(item.statuses_count),
        "last_status_at": day(item.last_status_at),
    }


def serialize_tag_for(
    tag: Tag, urls: Urls, *, following: bool | None, featuring: bool | None
) -> Entity:
    """A Tag with the viewer's `following` and `featuring` (Mastodon 4.4)."""
    return {
        **serialize_tag(tag.id, tag.name, urls),
        "following": following,
        "featuring": featuring,
    }


def serialize_suggestion(item: Suggestion, urls: Urls) -> Entity:
    return {
        "source": _SUGGESTION_SOURCE[item.source],
        "sources": [item.source],
        "account": serialize_account(item.account, urls),
    }


def serialize_familiar_followers(
    target: Actor, followers: list[Actor], urls: Urls
) -> Entity:
    return {
        "id": str(target.id),
        "accounts": [serialize_account(a, urls) for a in followers],
    }
