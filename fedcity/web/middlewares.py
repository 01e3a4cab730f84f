"""Request-wide concerns: errors as `{"error": …}`, CORS for API and discovery paths."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from fedcity import i18n
from fedcity.errors import FedcityError

log = logging.getLogger(__name__)

NOT_FOUND = i18n.N_("Record not found")
INTERNAL_ERROR = i18n.N_("Internal server error")
CORS_PREFIXES = ("/api/", "/oauth/", "/.well-known/", "/nodeinfo/")
JSON_ERROR_PREFIXES = (*CORS_PREFIXES, "/users/", "/inbox", "/activities/", "/actor")


def _wants_json_errors(path: str) -> bool:
    return path.startswith(JSON_ERROR_PREFIXES)


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
    except Exception:
        log.exception("%s %s failed", request.method, request.path)
        message = i18n.translate(request_language(request), INTERNAL_ERROR)
        return error_response(500, message)


@web.middleware
async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith(CORS_PREFIXES) and request.path not in (
        "/.well-known/webfinger",
    ):
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


def add_route(app: web.Application, method: str, path: str, handler: Handler) -> None:
    """Register `path` with and without a trailing slash (toot, Mastodon.py add one)."""
    app.router.add_route(method, path, handler)
    if path != "/" and not path.endswith("/"):
        app.router.add_route(method, path + "/", handler)
