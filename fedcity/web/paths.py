"""Which kind of caller a path serves: apps from any origin (CORS, bearer tokens,
no cookies), peers' inboxes (HTTP signatures), JSON answers, or people's browsers
(everything else: cookies, CSRF tokens, HTML error pages)."""

from __future__ import annotations

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
STATIC_PREFIX = "/assets/"  # the web front's CSS, script and icons


def wants_json_errors(path: str) -> bool:
    return path.startswith(JSON_ERROR_PREFIXES)


def is_cross_origin_api(path: str) -> bool:
    """True for the paths open to every origin (CORS), which never read cookies."""
    return path.startswith(CORS_PREFIXES) or path.rstrip("/") in CORS_PATHS


def is_inbox(path: str) -> bool:
    # Server-to-server POSTs, authenticated by HTTP signatures, never by cookies.
    return path == "/inbox" or path.endswith("/inbox")


def uses_cookies(path: str) -> bool:
    """The browser's paths: the web pages and the OAuth consent page."""
    return not (
        is_cross_origin_api(path) or is_inbox(path) or path.startswith(STATIC_PREFIX)
    )
