"""Between the password and the second factor: a short-lived cookie saying whose
password was right, signed (HMAC) with the key the CSRF tokens use, so that the
code page knows whom to ask for a code without a session existing yet."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import urlencode

from aiohttp import web

from fedcity.web.sessions import set_cookie, web_secret

PENDING_COOKIE = "fedcity_two_factor"
PENDING_SECONDS = 5 * 60
TWO_FACTOR_PATH = "/auth/two_factor"


def _mac(secret: bytes, actor_id: int, expires: int) -> str:
    message = f"two-factor sign-in:{actor_id}:{expires}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


async def remember_password_ok(
    request: web.Request, response: web.StreamResponse, actor_id: int
) -> None:
    """The browser may now give `actor_id`'s second factor, for five minutes."""
    expires = int(time.time()) + PENDING_SECONDS
    value = f"{actor_id}.{expires}.{_mac(await web_secret(request), actor_id, expires)}"
    set_cookie(request, response, PENDING_COOKIE, value, PENDING_SECONDS)


async def password_ok_for(request: web.Request) -> int | None:
    """The account whose password this browser gave in the last five minutes."""
    actor_id, _, rest = request.cookies.get(PENDING_COOKIE, "").partition(".")
    expires, _, mac = rest.partition(".")
    if not (actor_id.isdigit() and expires.isdigit() and mac):
        return None
    if int(expires) < time.time():
        return None
    expected = _mac(await web_secret(request), int(actor_id), int(expires))
    if not hmac.compare_digest(mac.encode(), expected.encode()):
        return None
    return int(actor_id)


def forget_password_ok(response: web.StreamResponse) -> None:
    response.del_cookie(PENDING_COOKIE, path="/")


def two_factor_url(next_path: str) -> str:
    return f"{TWO_FACTOR_PATH}?{urlencode({'next': next_path})}"
