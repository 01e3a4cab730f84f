"""The consent page's cookies: a signed session, so that a second app need not ask
for the password again, and a CSRF nonce signed into the form."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import Any

from aiohttp import web
from multidict import MultiDict
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.appkeys import FEDERATION
from fedcity.ids import parse_id
from fedcity.storage.models import Actor
from fedcity.storage.queries import actors as q

SESSION_COOKIE = "fedcity_session"
CSRF_COOKIE = "fedcity_csrf"
SESSION_SECONDS = 14 * 24 * 3600


async def cookie_secret(session: AsyncSession, request: web.Request) -> bytes:
    # Derived from the instance actor's private key: stable across restarts, never
    # sent anywhere, and one less secret for operators to configure.
    actor = await q.get_actor_by_uri(
        session, request.app[FEDERATION].urls.instance_actor
    )
    assert actor is not None
    assert actor.private_key_pem is not None
    return hashlib.sha256(
        b"fedcity web session\n" + actor.private_key_pem.encode()
    ).digest()


def _sign(secret: bytes, value: str) -> str:
    mac = hmac.new(secret, value.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def session_value(secret: bytes, actor: Actor) -> str:
    payload = f"{actor.id}.{int(time.time()) + SESSION_SECONDS}"
    return f"{payload}.{_sign(secret, payload)}"


async def session_actor(
    request: web.Request, session: AsyncSession, secret: bytes
) -> Actor | None:
    raw = request.cookies.get(SESSION_COOKIE, "")
    raw_id, _, rest = raw.partition(".")
    raw_expires, _, mac = rest.partition(".")
    actor_id, expires = parse_id(raw_id), parse_id(raw_expires)
    if actor_id is None or expires is None or expires < time.time():
        return None
    if not hmac.compare_digest(mac, _sign(secret, f"{raw_id}.{raw_expires}")):
        return None
    actor = await q.get_actor_by_id(session, actor_id)
    return actor if actor is not None and actor.deleted_at is None else None


def csrf_pair(secret: bytes, request: web.Request) -> tuple[str, str]:
    nonce = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(16)
    return nonce, f"{nonce}.{_sign(secret, 'csrf:' + nonce)}"


def csrf_ok(secret: bytes, request: web.Request, form: MultiDict[Any]) -> bool:
    nonce = request.cookies.get(CSRF_COOKIE, "")
    sent = str(form.get("csrf_token", ""))
    return bool(nonce) and hmac.compare_digest(
        sent, f"{nonce}.{_sign(secret, 'csrf:' + nonce)}"
    )
