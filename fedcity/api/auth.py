"""Bearer tokens → the signed-in account, and scope checks (Mastodon's scope rules)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.appkeys import DB, FEDERATION
from fedcity.errors import Forbidden, Unauthorized
from fedcity.services import accounts
from fedcity.storage.models import Actor

# The legacy `follow` scope stands for these granular ones.
_FOLLOW_IMPLIES = frozenset(
    {
        "read:follows",
        "write:follows",
        "read:blocks",
        "write:blocks",
        "read:mutes",
        "write:mutes",
    }
)


@dataclass(frozen=True)
class Auth:
    account: Actor
    scopes: frozenset[str]


AUTH = web.RequestKey("auth", Auth)


def has_scope(granted: frozenset[str], needed: str) -> bool:
    top = needed.split(":", 1)[0]
    return (
        needed in granted
        or top in granted
        or (needed in _FOLLOW_IMPLIES and "follow" in granted)
    )


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return request.query.get("access_token") or None


async def optional_account(request: web.Request, session: AsyncSession) -> Actor | None:
    token = _bearer(request)
    if token is None:
        return None
    actor, scopes = await accounts.authenticate_token(session, token)
    request[AUTH] = Auth(actor, scopes)
    return actor


async def require_account(
    request: web.Request, session: AsyncSession, scope: str
) -> Actor:
    token = _bearer(request)
    if token is None:
        raise Unauthorized("The access token is invalid")
    actor, scopes = await accounts.authenticate_token(session, token)
    if not has_scope(scopes, scope):
        raise Forbidden("This action is outside the authorized scopes")
    request[AUTH] = Auth(actor, scopes)
    return actor


@asynccontextmanager
async def api_session(request: web.Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request; after a write commits, the worker is woken so
    that federation starts at once rather than at the next poll."""
    async with request.app[DB].session() as session:
        yield session
    if request.method != "GET":
        request.app[FEDERATION].wake_worker()
