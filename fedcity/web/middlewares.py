"""Request-wide concerns: errors (`{"error": …}` for apps and peers, an error page
for browsers), CORS for API and discovery paths, and the same-origin rule for
browser forms."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler
from yarl import URL

from fedcity import i18n
from fedcity.appkeys import SETTINGS
from fedcity.errors import BadRequest, FedcityError
from fedcity.storage.outages import is_database_unavailable
from fedcity.web import error_pages
from fedcity.web.negotiation import wants_activity_json
from fedcity.web.paths import (
    SAFE_METHODS,
    is_cross_origin_api,
    is_inbox,
    wants_json_errors,
)

log = logging.getLogger(__name__)

NOT_FOUND = i18n.N_("Record not found")
INTERNAL_ERROR = i18n.N_("Internal server error")
UNAVAILABLE = i18n.N_("Service temporarily unavailable")
# Sec-Fetch-Site values of a request the site made itself, or the person typed.
OWN_FETCH_SITES = frozenset({"same-origin", "none"})
# What a 503 asks clients and peers to wait; Mastodon's delivery workers and most
# clients retry a 503 later, so nothing they sent is lost.
RETRY_AFTER_SECONDS = 10


def error_response(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def request_language(request: web.Request) -> str:
    """The language to answer `request` in (`i18n.pick_language`): the `lang`
    parameter, else Accept-Language."""
    return i18n.pick_language(
        lang=request.query.get("lang"),
        accept_language=request.headers.get("Accept-Language"),
    )


def _for_browser(request: web.Request) -> bool:
    return not wants_json_errors(request.path) and not wants_activity_json(request)


async def _error(request: web.Request, status: int, message: str) -> web.Response:
    """The error in the request's language: an error page for a browser, else
    Mastodon's `{"error": …}`."""
    if _for_browser(request):
        return await error_pages.render_error(request, status, message)
    return error_response(status, i18n.translate(request_language(request), message))


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Errors as Mastodon's `{"error": …}` or as a page, never a stack trace."""
    try:
        return await handler(request)
    except FedcityError as exc:
        if exc.status >= 500 or exc.detail:
            log.info("%s %s → %s: %s", request.method, request.path, exc.status, exc)
        if _for_browser(request):
            message = exc.localized(error_pages.page_language(request))
            return await error_pages.render_error(
                request, exc.status, message, translated=True
            )
        language = request_language(request)
        return web.json_response(
            {"error": exc.localized(language), **exc.extra_fields(language)},
            status=exc.status,
        )
    except web.HTTPException as exc:
        if exc.status >= 400 and (
            wants_json_errors(request.path) or _for_browser(request)
        ):
            message = NOT_FOUND if exc.status == 404 else exc.reason
            return await _error(request, exc.status, message)
        raise
    except Exception as exc:
        if is_database_unavailable(exc):
            return _database_unavailable(request, exc)
        log.exception("%s %s failed", request.method, request.path)
        return await _error(request, 500, INTERNAL_ERROR)


@web.middleware
async def refuse_nul(request: web.Request, handler: Handler) -> web.StreamResponse:
    """400 for a NUL character in the path or the query (a decoded %00): no route
    names one and no database column can hold one (PostgreSQL refuses it in text),
    so it would otherwise fail deep inside whichever handler looked it up. Bodies
    are checked where they are read (`fedcity.api.params.read_params`)."""
    query = request.query
    if "\x00" in request.path or any(
        "\x00" in key or "\x00" in value for key, value in query.items()
    ):
        raise BadRequest("The URL must not contain NUL characters")
    return await handler(request)


def _database_unavailable(request: web.Request, exc: Exception) -> web.Response:
    # One line, no traceback: during an outage every request lands here.
    log.warning(
        "%s %s → 503, database unavailable: %s: %s",
        request.method,
        request.path,
        type(exc).__name__,
        exc,
    )
    message = i18n.translate(request_language(request), UNAVAILABLE)
    response = error_response(503, message)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@web.middleware
async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not is_cross_origin_api(request.path):
        return await handler(request)
    if (
        request.method == "OPTIONS"
        and "Access-Control-Request-Method" in request.headers
    ):
        response: web.StreamResponse = web.Response(status=204)
        response.headers["Access-Control-Allow-Methods"] = (
            "GET, POST, PUT, PATCH, DELETE, OPTIONS"
        )
        response.headers["Access-Control-Allow-Headers"] = request.headers.get(
            "Access-Control-Request-Headers", "Authorization, Content-Type"
        )
        response.headers["Access-Control-Max-Age"] = "86400"
    else:
        response = await handler(request)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = (
        "Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, "
        "X-Request-Id, Idempotency-Key"
    )
    return response


def _same_origin(request: web.Request) -> bool:
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in OWN_FETCH_SITES:
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    own = URL(request.app[SETTINGS].instance.base_url)
    sent = URL(origin)
    return (sent.scheme, sent.host, sent.port) == (own.scheme, own.host, own.port)


@web.middleware
async def same_origin_forms(
    request: web.Request, handler: Handler
) -> web.StreamResponse:
    """Refuse a state-changing browser request sent from another site.

    Cookie-authenticated routes (the consent page now, the web pages to come) would
    otherwise act on a form another site submits in the person's browser. As Rails'
    forgery protection origin check does for Mastodon: refused when `Sec-Fetch-Site`
    says another site, or `Origin` is not this instance's; a request with neither
    header (old browsers, non-browser clients) is let through to the CSRF token check.
    The client API and inboxes read no cookies and are open to every origin.
    """
    if (
        request.method in SAFE_METHODS
        or is_cross_origin_api(request.path)
        or is_inbox(request.path)
        or _same_origin(request)
    ):
        return await handler(request)
    log.info("%s %s refused: sent from another site", request.method, request.path)
    return error_response(403, "This form was sent from another site")


def add_route(app: web.Application, method: str, path: str, handler: Handler) -> None:
    """Register `path` with and without a trailing slash (toot, Mastodon.py add one)."""
    app.router.add_route(method, path, handler)
    if path != "/" and not path.endswith("/"):
        app.router.add_route(method, path + "/", handler)
