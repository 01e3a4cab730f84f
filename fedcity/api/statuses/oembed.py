"""GET /api/oembed?url=: how other sites embed a local public status (oEmbed 1.0,
Mastodon's shape). The embed is the status's embed page (`/@name/ID/embed`, which
other sites may frame) in an iframe; fedcity has no embed script."""

from __future__ import annotations

import re
from html import escape
from urllib.parse import unquote, urlsplit

from aiohttp import web

from fedcity.api import params
from fedcity.appkeys import DB, FEDERATION, SETTINGS
from fedcity.errors import NotFound
from fedcity.ids import parse_id
from fedcity.storage.models import Actor, Post, Visibility

DEFAULT_WIDTH = 400  # Mastodon's
CACHE_AGE = 86_400
# The status page (/@name/ID) and the status id (/users/name/statuses/ID).
_STATUS_PATH = re.compile(r"/(?:@([^/]+)|users/([^/]+)/statuses)/(\d+)/?")


def _status_ref(url: str, base: str) -> tuple[str, int] | None:
    parts, ours = urlsplit(url), urlsplit(base)
    if (parts.scheme, parts.netloc) != (ours.scheme, ours.netloc):
        return None
    found = _STATUS_PATH.fullmatch(parts.path)
    if found is None:
        return None
    post_id = parse_id(found.group(3))
    if post_id is None:
        return None
    return unquote(found.group(1) or found.group(2)), post_id


async def _public_status(request: web.Request, url: str) -> tuple[Post, Actor]:
    ref = _status_ref(url, request.app[FEDERATION].urls.base)
    if ref is None:
        raise NotFound()
    username, post_id = ref
    async with request.app[DB].session() as session:
        post = await session.get(Post, post_id)
        author = await session.get(Actor, post.actor_id) if post else None
    if (
        post is None
        or author is None
        or not post.local
        or post.reblog_of_id is not None
        or post.deleted_at is not None
        or post.visibility not in (Visibility.PUBLIC, Visibility.UNLISTED)
        or author.username.lower() != username.lower()
    ):
        raise NotFound()
    return post, author


async def oembed(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    post, author = await _public_status(request, str(p.get("url") or ""))
    settings = request.app[SETTINGS].instance
    max_width = params.optional_int(p, "maxwidth")
    width = min(DEFAULT_WIDTH, max_width) if max_width else DEFAULT_WIDTH
    page = post.url or request.app[FEDERATION].urls.status_page(
        author.username, post.id
    )
    return web.json_response(
        {
            "type": "rich",
            "version": "1.0",
            "title": f"New status by {author.username}",
            "author_name": author.display_name or author.username,
            "author_url": author.url or author.uri,
            "provider_name": settings.domain,
            "provider_url": f"{settings.base_url}/",
            "cache_age": CACHE_AGE,
            "html": (
                f'<iframe src="{escape(page)}/embed" class="mastodon-embed" '
                f'style="max-width: 100%; border: 0" width="{width}" '
                'allowfullscreen="allowfullscreen"></iframe>'
            ),
            "width": width,
            "height": None,
        }
    )
