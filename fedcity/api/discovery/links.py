"""/api/v1/trends/links and /api/v1/timelines/link: links shared in public posts."""

from __future__ import annotations

from aiohttp import web

from fedcity.api import params
from fedcity.api.auth import api_session, optional_account
from fedcity.api.entities.cards import serialize_trend
from fedcity.api.feeds.filters import filtered_page
from fedcity.appkeys import FEDERATION
from fedcity.errors import NotFound
from fedcity.services.discovery import trends
from fedcity.services.feeds import timelines
from fedcity.storage.queries import cards as card_q


async def trends_links(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    limit = max(1, min(params.optional_int(p, "limit") or 10, 20))
    offset = params.offset(p)
    urls = request.app[FEDERATION].urls
    async with api_session(request) as session:
        trending = await trends.trending_links(session, limit, offset)
    return web.json_response([serialize_trend(t, urls) for t in trending])


async def link_timeline(request: web.Request) -> web.Response:
    """Public posts whose card is that of `url`, newest first. 404 for a link with no
    card here (Mastodon also requires the link to be trending; fedcity does not)."""
    p = await params.read_params(request)
    async with api_session(request) as session:
        viewer = await optional_account(request, session)
        card = await card_q.get_card_by_url(session, str(p.get("url") or ""))
        if card is None:
            raise NotFound()
        posts = await timelines.public(
            session,
            params.page(p),
            viewer_id=viewer.id if viewer else None,
            card_id=card.id,
        )
        return await filtered_page(request, session, posts, viewer, "public")
