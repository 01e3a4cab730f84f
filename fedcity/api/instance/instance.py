"""/api/v1/instance: what clients read to learn about the server."""

from __future__ import annotations

from html import escape

from aiohttp import web

from fedcity import __version__, i18n
from fedcity.api import params
from fedcity.api.auth import api_session, optional_account, require_account
from fedcity.api.entities.formats import Entity, serialize_history
from fedcity.api.entities.statuses import (
    serialize_account,
    serialize_emoji,
    serialize_statuses,
    serialize_tag,
)
from fedcity.api.instance.texts import serialize_rules
from fedcity.api.statuses.media import media_configuration
from fedcity.appkeys import FEDERATION, SETTINGS, VAPID
from fedcity.i18n import N_
from fedcity.services import limits
from fedcity.services.accounts.preferences import posting_defaults
from fedcity.services.discovery import trends
from fedcity.services.instance import instance as instance_service
from fedcity.services.sign_ups.registrations import Policy
from fedcity.services.statuses import custom_emojis as custom_emoji_service
from fedcity.web.middlewares import request_language

# Clients gate features on the Mastodon version they see; fedcity speaks 4.3's API.
MASTODON_COMPAT_VERSION = f"4.3.0 (compatible; fedcity {__version__})"

# The bounds of services/limits.py, where Mastodon's `configuration` reports them.
ACCOUNTS_CONFIGURATION = {
    "max_featured_tags": limits.MAX_FEATURED_TAGS,
    "max_pinned_statuses": limits.MAX_PINNED_STATUSES,
    "max_display_name_length": limits.MAX_DISPLAY_NAME,
    "max_note_length": limits.MAX_NOTE,
    "max_profile_fields": limits.MAX_PROFILE_FIELDS,
    "profile_field_name_limit": limits.MAX_PROFILE_FIELD_NAME,
    "profile_field_value_limit": limits.MAX_PROFILE_FIELD_VALUE,
}
STATUSES_CONFIGURATION = {
    "max_characters": limits.MAX_STATUS_CHARACTERS,
    "max_media_attachments": limits.MAX_MEDIA_ATTACHMENTS,
    "characters_reserved_per_url": 23,
}
POLLS_CONFIGURATION = {
    "max_options": limits.MAX_POLL_OPTIONS,
    "max_characters_per_option": limits.MAX_POLL_OPTION_CHARACTERS,
    "min_expiration": limits.MIN_POLL_EXPIRATION,
    "max_expiration": limits.MAX_POLL_EXPIRATION,
}


async def _usage_and_contact(
    request: web.Request,
) -> tuple[instance_service.Usage, Entity | None]:
    async with api_session(request) as session:
        usage = await instance_service.usage(session)
        contact = await instance_service.contact_account(session)
    urls = request.app[FEDERATION].urls
    return usage, serialize_account(contact, urls) if contact else None


async def instance_v1(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    policy = Policy.of(settings)
    base = request.app[FEDERATION].urls.base
    usage, contact_entity = await _usage_and_contact(request)
    ws = base.replace("http", "ws", 1)
    body = {
        "uri": settings.instance.domain,
        "title": settings.instance.name,
        "short_description": settings.instance.description,
        "description": settings.instance.description,
        "email": settings.instance.contact_email,
        "version": MASTODON_COMPAT_VERSION,
        "urls": {"streaming_api": ws},
        "stats": {
            "user_count": usage.users,
            "status_count": usage.local_posts,
            "domain_count": usage.domains,
        },
        "thumbnail": None,
        "languages": ["en"],
        "registrations": policy.enabled,
        "approval_required": policy.approval_required,
        "invites_enabled": policy.mode != "closed",
        "configuration": {
            "accounts": {"max_featured_tags": limits.MAX_FEATURED_TAGS},
            "statuses": STATUSES_CONFIGURATION,
            "media_attachments": media_configuration(request, v2=False),
            "polls": POLLS_CONFIGURATION,
        },
        "contact_account": contact_entity,
        "rules": serialize_rules(settings),
    }
    return web.json_response(body)


REGISTRATION_MESSAGES = {
    "invite": N_("Sign-up on this instance is by invitation: ask its administrators."),
    "closed": N_("Sign-up on this instance is closed."),
}


def registrations_v2(request: web.Request) -> dict[str, object]:
    """Mastodon's `registrations`: whether anyone may sign up, whether an admin
    approves, and a message when sign-up is by invitation or closed."""
    policy = Policy.of(request.app[SETTINGS])
    message = REGISTRATION_MESSAGES.get(policy.mode)
    return {
        "enabled": policy.enabled,
        "approval_required": policy.approval_required,
        "reason_required": False,
        "message": None
        if message is None
        else f"<p>{escape(i18n.translate(request_language(request), message))}</p>",
        "url": None,
    }


async def instance_v2(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    base = request.app[FEDERATION].urls.base
    usage, contact_entity = await _usage_and_contact(request)
    body = {
        "domain": settings.instance.domain,
        "title": settings.instance.name,
        "version": MASTODON_COMPAT_VERSION,
        "source_url": "https://github.com/fedcity/fedcity",
        "description": settings.instance.description,
        "usage": {"users": {"active_month": usage.active_month}},
        "thumbnail": {"url": f"{base}/static/header.png"},
        "icon": [],
        "languages": ["en"],
        "configuration": {
            "urls": {"streaming": base.replace("http", "ws", 1), "status": None},
            "vapid": {"public_key": request.app[VAPID].server_key},
            "accounts": ACCOUNTS_CONFIGURATION,
            "statuses": STATUSES_CONFIGURATION,
            "media_attachments": media_configuration(request),
            "polls": POLLS_CONFIGURATION,
            "translation": {"enabled": False},
        },
        "registrations": registrations_v2(request),
        # 2: grouped notifications (/api/v2/notifications) are served.
        "api_versions": {"mastodon": 2},
        "contact": {
            "email": settings.instance.contact_email,
            "account": contact_entity,
        },
        "rules": serialize_rules(settings),
    }
    return web.json_response(body)


async def peers(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        return web.json_response(await instance_service.peers(session))


async def activity(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        weeks = await instance_service.weekly_activity(session)
    return web.json_response(
        [
            {
                "week": str(int(w.start.timestamp())),
                "statuses": str(w.statuses),
                "logins": str(w.logins),
                "registrations": str(w.registrations),
            }
            for w in weeks
        ]
    )


async def custom_emojis(request: web.Request) -> web.Response:
    """The instance's custom emoji (added with `fedcity emoji add`), by shortcode;
    public, as in Mastodon."""
    async with api_session(request) as session:
        rows = await custom_emoji_service.list_local(session)
    urls = request.app[FEDERATION].urls
    return web.json_response(
        [serialize_emoji(custom_emoji_service.local_ref(r), urls) for r in rows]
    )


async def preferences(request: web.Request) -> web.Response:
    """The account's posting defaults (set with update_credentials' `source`); the
    reading preferences are not kept, so Mastodon's defaults are reported."""
    async with api_session(request) as session:
        me = await require_account(request, session, "read:accounts")
        defaults = await posting_defaults(session, me)
    return web.json_response(
        {
            "posting:default:visibility": defaults.privacy.value,
            "posting:default:sensitive": defaults.sensitive,
            "posting:default:language": defaults.language,
            "reading:expand:media": "default",
            "reading:expand:spoilers": False,
            "reading:autoplay:gifs": False,
        }
    )


async def trends_tags(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    limit = max(1, min(params.optional_int(p, "limit") or 10, 20))
    offset = params.offset(p)
    urls = request.app[FEDERATION].urls
    async with api_session(request) as session:
        trending = await trends.trending_tags(session, limit, offset)
    body = []
    for item in trending:
        entity = serialize_tag(item.tag.id, item.tag.name, urls)
        entity["history"] = serialize_history(item.history)
        body.append(entity)
    return web.json_response(body)


async def trends_statuses(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    limit = max(1, min(params.optional_int(p, "limit") or 20, 40))
    offset = params.offset(p)
    async with api_session(request) as session:
        viewer = await optional_account(request, session)
        found = await trends.trending_statuses(session, limit, offset)
        body = await serialize_statuses(
            session, found, viewer, request.app[FEDERATION].urls
        )
    return web.json_response(body)
