"""Request-wide concerns: errors as `{"error": …}`, CORS for API and discovery paths."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from fedcity.errors import FedcityError
from fedcity.storage.outages import is_database_unavailable

log = logging.getLogger(__name__)

CORS_PREFIXES = ("/api/", "/oauth/", "/.well-known/", "/nodeinfo/")
JSON_ERROR_PREFIXES = (*CORS_PREFIXES, "/users/", "/inbox", "/activities/", "/actor")
# What a 503 asks clients and peers to wait; Mastodon's delivery workers and most
# clients retry a 503 later, so nothing they sent is lost.
RETRY_AFTER_SECONDS = 10


def _wants_json_errors(path: str) -> bool:
    return path.startswith(JSON_ERROR_PREFIXES)


def error_response(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except FedcityError as exc:
        if exc.status >= 500 or exc.detail:
            log.info("%s %s → %s: %s", request.method, request.path, exc.status, exc)
        return error_response(exc.status, exc.message)
    except web.HTTPException as exc:
        if exc.status >= 400 and _wants_json_errors(request.path):
            message = "Record not found" if exc.status == 404 else exc.reason
            return error_response(exc.status, message)
        raise
    except Exception as exc:
        if is_database_unavailable(exc):
            return _database_unavailable(request, exc)
        log.exception("%s %s failed", request.method, request.path)
        return error_response(500, "Internal server error")


def _database_unavailable(request: web.Request, exc: Exception) -> web.Response:
    # One line, no traceback: during an outage every request lands here.
    log.warning(
        "%s %s → 503, database unavailable: %s: %s",
        request.method,
        request.path,
        type(exc).__name__,
        exc,
    )
    response = error_response(503, "Service temporarily unavailable")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


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
