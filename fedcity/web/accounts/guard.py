"""Pages that need someone signed in, or an administrator."""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from fedcity.errors import Forbidden
from fedcity.services.accounts.sessions import SignedIn
from fedcity.web.sessions import viewer


def signed_in_or_redirect(request: web.Request) -> SignedIn:
    """Who is signed in; else a 303 to the sign-in page that comes back here."""
    signed = viewer(request)
    if signed is None:
        raise web.HTTPSeeOther(f"/auth/sign_in?next={quote(request.path_qs, safe='')}")
    return signed


def admin_or_forbidden(request: web.Request) -> SignedIn:
    signed = signed_in_or_redirect(request)
    if signed.user.role not in ("admin", "owner"):
        raise Forbidden("Only administrators may see this page")
    return signed
