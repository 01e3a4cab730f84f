"""/api/v1/announcements: the admins' announcements, dismissals and reactions."""

from __future__ import annotations

from aiohttp import web

from fedcity import text
from fedcity.api import params
from fedcity.api.auth import api_session, require_account
from fedcity.api.entities.formats import Entity, timestamp
from fedcity.api.entities.statuses import acct_of, serialize_emoji, serialize_emojis
from fedcity.appkeys import FEDERATION
from fedcity.services.instance import announcements
from fedcity.urls import Urls


def serialize_announcement(shown: announcements.Shown, urls: Urls) -> Entity:
    row = shown.announcement
    return {
        "id": str(row.id),
        "content": row.content,
        "starts_at": timestamp(row.starts_at),
        "ends_at": timestamp(row.ends_at),
        "all_day": row.all_day,
        "published_at": timestamp(row.published_at),
        "updated_at": timestamp(row.updated_at),
        "read": shown.read,
        "mentions": [
            {
                "id": str(a.id),
                "username": a.username,
                "url": a.url or a.uri,
                "acct": acct_of(a),
            }
            for a in shown.mentions
        ],
        "statuses": [],
        "tags": [
            {"name": name, "url": urls.tag(name)}
            for name in dict.fromkeys(text.extract_hashtags(row.text))
        ],
        "emojis": serialize_emojis(shown.emojis, urls),
        "reactions": [serialize_reaction(r, urls) for r in shown.reactions],
    }


def serialize_reaction(reaction: announcements.Reaction, urls: Urls) -> Entity:
    """A Reaction; one with a custom emoji carries its images, as in Mastodon."""
    entity: Entity = {"name": reaction.name, "count": reaction.count, "me": reaction.me}
    if reaction.emoji is not None:
        emoji = serialize_emoji(reaction.emoji, urls)
        entity.update(url=emoji["url"], static_url=emoji["static_url"])
    return entity


async def index(request: web.Request) -> web.Response:
    urls = request.app[FEDERATION].urls
    async with api_session(request) as session:
        me = await require_account(request, session, "read")
        shown = await announcements.list_for(session, me)
    return web.json_response([serialize_announcement(s, urls) for s in shown])


async def dismiss(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:accounts")
        await announcements.dismiss(session, me, params.path_id(request))
    return web.json_response({})


def _name(request: web.Request) -> str:
    return request.match_info["name"]  # aiohttp has percent-decoded it


async def react(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:favourites")
        await announcements.add_reaction(
            session, me, params.path_id(request), _name(request)
        )
    return web.json_response({})


async def unreact(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:favourites")
        await announcements.remove_reaction(
            session, me, params.path_id(request), _name(request)
        )
    return web.json_response({})
