"""The browser's side of signing in: the session cookie, the CSRF token, and the
middleware that reads both for every page.

`web_session` finds who is signed in (`request[SIGNED_IN]`, None when nobody) for
every path but the client API and the inboxes, which read no cookies. Every
state-changing request to those paths must carry the form's `csrf_token`: a random
nonce kept in an HttpOnly cookie, signed with a key derived from the instance's
own key (the double-submit pattern of OWASP's cheat sheet). The same-origin check
of `middlewares.same_origin_forms` runs before it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import TypeVar

from aiohttp import web
from aiohttp.typedefs import Handler

from fedcity.api.params import read_form
from fedcity.appkeys import DB, FEDERATION, SETTINGS, WEB_SECRETS
from fedcity.errors import Forbidden
from fedcity.services.accounts.sessions import (
    SESSION_DAYS,
    SignedIn,
    signed_in,
)
from fedcity.storage.queries import actors as actor_q
from fedcity.web.paths import SAFE_METHODS, uses_cookies

SESSION_COOKIE = "fedcity_session"
CSRF_COOKIE = "fedcity_csrf"
CSRF_FIELD = "csrf_token"
SIGNED_IN: web.RequestKey[SignedIn | None] = web.RequestKey("signed_in")
# Set when this request made a new CSRF nonce, which the response must keep.
NEW_CSRF_NONCE = web.RequestKey("new_csrf_nonce", str)
# Marks a handler that reads its own multipart body as a stream (uploads larger
# than the app-wide body limit) and checks the form's token itself.
STREAMS_ITS_FORM = "_fedcity_streams_its_form"
H = TypeVar("H")


def streams_its_form(handler: H) -> H:
    """Let `handler` read its multipart form as a stream: the middleware leaves
    the body unread, and the handler must call `check_csrf` before it acts."""
    setattr(handler, STREAMS_ITS_FORM, True)
    return handler


async def web_secret(request: web.Request) -> bytes:
    # Derived from the instance actor's private key: stable across restarts, never
    # sent anywhere, and one less secret for operators to configure.
    secrets_ = request.app[WEB_SECRETS]
    if "csrf" not in secrets_:
        async with request.app[DB].session() as session:
            actor = await actor_q.get_actor_by_uri(
                session, request.app[FEDERATION].urls.instance_actor
            )
        assert actor is not None
        assert actor.private_key_pem is not None
        secrets_["csrf"] = hashlib.sha256(
            b"fedcity web csrf\n" + actor.private_key_pem.encode()
        ).digest()
    return secrets_["csrf"]


def _sign(secret: bytes, value: str) -> str:
    mac = hmac.new(secret, value.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


async def csrf_token(request: web.Request) -> str:
    """The token every form of this page carries in `csrf_token`."""
    nonce = request.cookies.get(CSRF_COOKIE) or request.get(NEW_CSRF_NONCE)
    if not nonce:
        nonce = secrets.token_urlsafe(16)
        request[NEW_CSRF_NONCE] = nonce
    return f"{nonce}.{_sign(await web_secret(request), 'csrf:' + nonce)}"


async def csrf_ok(request: web.Request, sent: str) -> bool:
    nonce = request.cookies.get(CSRF_COOKIE, "")
    if not nonce:
        return False
    expected = f"{nonce}.{_sign(await web_secret(request), 'csrf:' + nonce)}"
    return hmac.compare_digest(sent.encode(), expected.encode())


def is_https(request: web.Request) -> bool:
    return request.app[SETTINGS].instance.scheme == "https"


def set_cookie(
    request: web.Request,
    response: web.StreamResponse,
    name: str,
    value: str,
    max_age: int | None = None,
) -> None:
    """A cookie as every fedcity cookie is: HttpOnly, SameSite=Lax, whole site,
    Secure under https."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=is_https(request),
    )


def keep_session(
    request: web.Request, response: web.StreamResponse, token: str
) -> None:
    """Give the browser the cookie of a session just started."""
    set_cookie(request, response, SESSION_COOKIE, token, SESSION_DAYS * 24 * 3600)


def forget_session(response: web.StreamResponse) -> None:
    response.del_cookie(SESSION_COOKIE, path="/")


def viewer(request: web.Request) -> SignedIn | None:
    """Who is signed in on this request, if anyone."""
    return request.get(SIGNED_IN)


async def _csrf_checked(request: web.Request) -> None:
    if request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        sent = str((await read_form(request)).get(CSRF_FIELD) or "")
    else:
        sent = request.headers.get("X-CSRF-Token", "")
    await check_csrf(request, sent)


async def check_csrf(request: web.Request, sent: str) -> None:
    """Refuse (403) a form whose `csrf_token` is not this browser's."""
    if not await csrf_ok(request, sent):
        raise Forbidden(
            "The form has expired or was sent from elsewhere; reload the page and try again"
        )


@web.middleware
async def web_session(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not uses_cookies(request.path):
        return await handler(request)
    request[SIGNED_IN] = await _signed_in(request)
    if request.method not in SAFE_METHODS and not _streamed(request):
        await _csrf_checked(request)
    response = await handler(request)
    keep_csrf_nonce(request, response)
    return response


async def _signed_in(request: web.Request) -> SignedIn | None:
    # Peers fetching actors and posts, feed readers and most visitors send no
    # session cookie: they cost no database session here.
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        return None
    async with request.app[DB].session() as session:
        return await signed_in(session, token)


def _streamed(request: web.Request) -> bool:
    return request.content_type == "multipart/form-data" and bool(
        getattr(request.match_info.handler, STREAMS_ITS_FORM, False)
    )


def keep_csrf_nonce(request: web.Request, response: web.StreamResponse) -> None:
    """Give the browser the CSRF nonce this page's forms were signed with, if the
    page made a new one (error pages too: they carry the language form)."""
    if (nonce := request.get(NEW_CSRF_NONCE)) and not response.prepared:
        set_cookie(request, response, CSRF_COOKIE, nonce)
