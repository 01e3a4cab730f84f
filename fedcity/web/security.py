"""The security headers of every answer a browser may show (HTML pages, error
pages, static files): what it may load, embed and send along."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from fedcity.appkeys import SETTINGS
from fedcity.web.paths import STATIC_PREFIX

# No inline script and no other origin: scripts, styles, fonts and images come from
# the instance itself (remote media through its proxy). `form-action` stays 'self'
# but for the pages whose form redirects to another origin (OPEN_FORM_ACTION_PATHS).
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; font-src 'self'; connect-src 'self'; manifest-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The embed page is meant to be framed by other sites (as Mastodon's /embed).
EMBEDDABLE_POLICY = CONTENT_SECURITY_POLICY.replace(
    "frame-ancestors 'none'", "frame-ancestors *"
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)
HSTS = "max-age=31536000; includeSubDomains"
EMBEDDABLE = web.RequestKey("embeddable", bool)
# Chromium applies CSP's form-action to the redirects that answer a form, too: the
# consent page redirects the browser to the app's registered URI (any scheme), and
# the remote-interaction form (/interact) to the visitor's own server.
OPEN_FORM_ACTION_PATHS = ("/oauth/authorize", "/interact")


def _policy(request: web.Request) -> str:
    policy = EMBEDDABLE_POLICY if request.get(EMBEDDABLE) else CONTENT_SECURITY_POLICY
    if request.path.rstrip("/") in OPEN_FORM_ACTION_PATHS:
        policy = policy.replace("form-action 'self'", "form-action *")
    return policy


def _protect(request: web.Request, response: web.StreamResponse) -> None:
    if response.prepared:
        return
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if request.app[SETTINGS].instance.scheme == "https":
        headers.setdefault("Strict-Transport-Security", HSTS)
    if request.path.startswith(STATIC_PREFIX):
        if "v" in request.query:  # versioned URLs (templating.static_url) never change
            headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return
    if response.content_type == "text/html":
        headers["Content-Security-Policy"] = _policy(request)
        headers["Referrer-Policy"] = "same-origin"
        headers["Permissions-Policy"] = PERMISSIONS_POLICY
        if not request.get(EMBEDDABLE):
            headers["X-Frame-Options"] = "DENY"


@web.middleware
async def security_headers(
    request: web.Request, handler: Handler
) -> web.StreamResponse:
    """Content-Security-Policy (no inline scripts, nothing from other origins),
    Referrer-Policy: same-origin, Permissions-Policy, nosniff, no framing but the
    embed page, and HSTS under https, on every HTML answer, error pages included.

    Consent pages carry client ids, states and (out of band) codes in their URLs; a
    link or resource on a page must not hand those to another site in `Referer`.
    """
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        _protect(request, exc)
        raise
    _protect(request, response)
    return response
