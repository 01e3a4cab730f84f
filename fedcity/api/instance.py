"""/api/v1/instance: what clients read to learn about the server."""

from __future__ import annotations

from aiohttp import web

from fedcity import __version__
from fedcity.api.auth import api_session
from fedcity.appkeys import FEDERATION, SETTINGS
from fedcity.services import instance as instance_service
from fedcity.services.posts import MAX_CHARACTERS

# Clients gate features on the Mastodon version they see; fedcity speaks 4.3's API.
MASTODON_COMPAT_VERSION = f"4.3.0 (compatible; fedcity {__version__})"


async def instance_v1(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    base = request.app[FEDERATION].urls.base
    async with api_session(request) as session:
        usage = await instance_service.usage(session)
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
        "registrations": False,
        "approval_required": True,
        "invites_enabled": False,
        "configuration": {
            "accounts": {"max_featured_tags": 10},
            "statuses": {
                "max_characters": MAX_CHARACTERS,
                "max_media_attachments": 4,
                "characters_reserved_per_url": 23,
            },
            "media_attachments": {
                "supported_mime_types": [],
                "image_size_limit": 0,
                "image_matrix_limit": 0,
                "video_size_limit": 0,
                "video_frame_rate_limit": 0,
                "video_matrix_limit": 0,
            },
            "polls": {
                "max_options": 4,
                "max_characters_per_option": 50,
                "min_expiration": 300,
                "max_expiration": 2629746,
            },
        },
        "contact_account": None,
        "rules": [],
    }
    return web.json_response(body)


async def instance_v2(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    base = request.app[FEDERATION].urls.base
    async with api_session(request) as session:
        usage = await instance_service.usage(session)
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
            "vapid": {"public_key": ""},
            "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
            "statuses": {
                "max_characters": MAX_CHARACTERS,
                "max_media_attachments": 4,
                "characters_reserved_per_url": 23,
            },
            "media_attachments": {
                "supported_mime_types": [],
                "description_limit": 1500,
                "image_size_limit": 0,
                "image_matrix_limit": 0,
                "video_size_limit": 0,
                "video_frame_rate_limit": 0,
                "video_matrix_limit": 0,
            },
            "polls": {
                "max_options": 4,
                "max_characters_per_option": 50,
                "min_expiration": 300,
                "max_expiration": 2629746,
            },
            "translation": {"enabled": False},
        },
        "registrations": {"enabled": False, "approval_required": True, "message": None},
        "api_versions": {"mastodon": 1},
        "contact": {"email": settings.instance.contact_email, "account": None},
        "rules": [],
    }
    return web.json_response(body)
