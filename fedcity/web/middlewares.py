"""Request-wide concerns: errors as `{"error": …}`, CORS for API and discovery paths,
the same-origin rule for browser forms, and the referrer policy of HTML pages."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler
from yarl import URL

from fedcity import i18n
from fedcity.appkeys import SETTINGS
from fedcity.errors import BadRequest, FedcityError
from fedcity.storage.outages import is_database_unavailable

log = logging.getLogger(__name__)

NOT_FOUND = i18n.N_("Record not found")
INTERNAL_ERROR = i18n.N_("Internal server error")
UNAVAILABLE = i18n.N_("Service temporarily unavailable")
# Paths that apps call from any origin (web clients such as Elk and Phanpy run on
# their own sites), with bearer tokens or client credentials, never cookies. As
# Mastodon's config/initializers/cors.rb: the consent page (/oauth/authorize) is not
# one of them.
CORS_PREFIXES = ("/api/", "/.well-known/", "/nodeinfo/")
CORS_PATHS = ("/oauth/token", "/oauth/revoke", "/oauth/userinfo")
JSON_ERROR_PREFIXES = (
    *CORS_PREFIXES,
    "/oauth/",
    "/users/",
    "/inbox",
    "/activities/",
    "/actor",
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Sec-Fetch-Site values of a request the site made itself, or the person typed.
OWN_FETCH_SITES = frozenset({"same-origin", "none"})
# What a 503 asks clients and peers to wait; Mastodon's delivery workers and most
# clients retry a 503 later, so nothing they sent is lost.
RETRY_AFTER_SECONDS = 10


def _wants_json_errors(path: str) -> bool:
    return path.startswith(JSON_ERROR_PREFIXES)


def is_cross_origin_api(path: str) -> bool:
    """True for the paths open to every origin (CORS), which never read cookies."""
    return path.startswith(CORS_PREFIXES) or path.rstrip("/") in CORS_PATHS


def _is_inbox(path: str) -> bool:
    # Server-to-server POSTs, authenticated by HTTP signatures, never by cookies.
    return path == "/inbox" or path.endswith("/inbox")


def error_response(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def request_language(request: web.Request) -> str:
    """The language to answer `request` in (`i18n.pick_language`): the `lang`
    parameter, else Accept-Language."""
    return i18n.pick_language(
        lang=request.query.get("lang"),
        accept_language=request.headers.get("Accept-Language"),
    )


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Errors as Mastodon's `{"error": …}`, in the request's language."""
    try:
        return await handler(request)
    except FedcityError as exc:
        if exc.status >= 500 or exc.detail:
            log.info("%s %s → %s: %s", request.method, request.path, exc.status, exc)
        return error_response(exc.status, exc.localized(request_language(request)))
    except web.HTTPException as exc:
        if exc.status >= 400 and _wants_json_errors(request.path):
            message = NOT_FOUND if exc.status == 404 else exc.reason
            language = request_language(request)
            return error_response(exc.status, i18n.translate(language, message))
        raise
    except Exception as exc:
        if is_database_unavailable(exc):
            return _database_unavailable(request, exc)
        log.exception("%s %s failed", request.method, request.path)
        message = i18n.translate(request_language(request), INTERNAL_ERROR)
        return error_response(500, message)


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
        or _is_inbox(request.path)
        or _same_origin(request)
    ):
        return await handler(request)
    log.info("%s %s refused: sent from another site", request.method, request.path)
    return error_response(403, "This form was sent from another site")


def _keep_referrer_here(response: web.StreamResponse) -> None:
    if response.content_type == "text/html" and not response.prepared:
        response.headers["Referrer-Policy"] = "same-origin"


@web.middleware
async def referrer_policy(request: web.Request, handler: Handler) -> web.StreamResponse:
    """`Referrer-Policy: same-origin` on every HTML answer, error pages included.

    Consent pages carry client ids, states and (out of band) codes in their URLs; a
    link or resource on a page must not hand those to another site in `Referer`.
    """
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        _keep_referrer_here(exc)
        raise
    _keep_referrer_here(response)
    return response


def add_route(app: web.Application, method: str, path: str, handler: Handler) -> None:
    """Register `path` with and without a trailing slash (toot, Mastodon.py add one)."""
    app.router.add_route(method, path, handler)
    if path != "/" and not path.endswith("/"):
        app.router.add_route(method, path + "/", handler)
