"""This instance's custom emoji as ActivityPub `Emoji` objects, as Mastodon serves
them (a post's `tag` links to them)."""

from __future__ import annotations

from aiohttp import web

from fedcity.appkeys import DB, FEDERATION
from fedcity.errors import NotFound
from fedcity.federation.render.common import with_context
from fedcity.federation.render.statuses import render_emoji
from fedcity.ids import require_id
from fedcity.services.statuses import custom_emojis
from fedcity.web.negotiation import activity_response


async def emoji_get(request: web.Request) -> web.Response:
    """A custom emoji of this instance as an `Emoji` object, as Mastodon serves it."""
    emoji_id = require_id(request.match_info["emoji_id"])
    async with request.app[DB].session() as session:
        row = await custom_emojis.get_local(session, emoji_id)
    if row is None:
        raise NotFound("No such emoji")
    ref = custom_emojis.local_ref(row)
    return activity_response(
        with_context(render_emoji(ref, request.app[FEDERATION].urls))
    )
