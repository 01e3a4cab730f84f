"""OAuth endpoints answer errors in RFC 6749's shape, not the client API's."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from fedcity.services.accounts import oauth
from fedcity.web.middlewares import request_language

OAuthHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def oauth_errors(handler: OAuthHandler) -> OAuthHandler:
    """OAuth endpoints answer errors in RFC 6749's shape, as Mastodon (Doorkeeper) does."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except oauth.OAuthError as exc:
            description = exc.localized(request_language(request))
            return web.json_response(
                {"error": exc.code, "error_description": description},
                status=exc.status,
            )

    return wrapped
