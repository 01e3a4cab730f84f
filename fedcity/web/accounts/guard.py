"""Who may see a page: `signed_in_or_redirect` for pages that need someone signed
in, `admin_or_forbidden` for the admin's pages (docs/web.md, "Pages that need
sign-in")."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from fedcity.errors import Forbidden
from fedcity.services.accounts.sessions import SignedIn
from fedcity.web.sessions import viewer

SIGN_IN_PATH = "/auth/sign_in"
ADMIN_ROLES = ("admin", "owner")


def sign_in_url(next_path: str) -> str:
    """The sign-in page, coming back to `next_path` afterwards."""
    return f"{SIGN_IN_PATH}?{urlencode({'next': next_path})}"


def signed_in_or_redirect(request: web.Request) -> SignedIn:
    """Who is signed in; if nobody, a 303 to the sign-in page that comes back here
    (for a POST, to the page's GET: the form is sent again from there)."""
    signed = viewer(request)
    if signed is None:
        back = request.path_qs if request.method in ("GET", "HEAD") else request.path
        raise web.HTTPSeeOther(sign_in_url(back))
    return signed


def admin_or_forbidden(request: web.Request) -> SignedIn:
    """Who is signed in, if an admin or the owner; nobody signed in is sent to sign
    in, anyone else gets 403."""
    signed = signed_in_or_redirect(request)
    if signed.user.role not in ADMIN_ROLES:
        raise Forbidden("Only the instance's administrators may see this page")
    return signed


def see_other(location: str) -> web.Response:
    """A 303 to `location` to return (not raise) when the answer sets cookies:
    returning an HTTPException is deprecated in aiohttp."""
    return web.Response(status=303, headers={"Location": location})
