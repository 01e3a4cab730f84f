"""Bearer tokens → the signed-in account, and scope checks (Mastodon's scope rules)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.appkeys import DB, FEDERATION
from fedcity.errors import Forbidden, Unauthorized, Unprocessable
from fedcity.services.accounts import accounts
from fedcity.services.accounts.scopes import has_scope
from fedcity.services.accounts.sign_in import NOT_APPROVED, login_gate
from fedcity.storage.models import AccessToken, Actor
from fedcity.storage.queries.actors import get_user_by_actor_id

# The roles Mastodon's admin API admits (fedcity's moderators do not hold
# `admin:*` rights).
ADMIN_ROLES = ("admin", "owner")


@dataclass(frozen=True)
class Auth:
    account: Actor | None  # None for an app's own (client_credentials) token
    token: AccessToken
    # Why the account may not act yet (a sign-up's token before confirmation or
    # approval): Mastodon's 403 message. Only its own credentials are readable.
    gate: Forbidden | None = None

    @property
    def scopes(self) -> frozenset[str]:
        return frozenset(self.token.scopes.split())


AUTH = web.RequestKey("auth", Auth)


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return request.query.get("access_token") or None


async def authenticate(request: web.Request, session: AsyncSession) -> Auth | None:
    token = bearer_token(request)
    if token is None:
        return None
    actor, row = await accounts.authenticate_token(session, token)
    auth = Auth(actor, row, await sign_up_gate(session, actor, row))
    request[AUTH] = auth
    return auth


async def sign_up_gate(
    session: AsyncSession, actor: Actor | None, row: AccessToken
) -> Forbidden | None:
    """A sign-up's token is checked against its login until the account may act;
    then the mark is cleared (written with the request's transaction), so other
    tokens never cost this query."""
    if not row.pending_sign_up or actor is None:
        return None
    user = await get_user_by_actor_id(session, actor.id)
    gate = Forbidden(NOT_APPROVED) if user is None else login_gate(user)
    if gate is None:
        row.pending_sign_up = False
    return gate


async def optional_account(request: web.Request, session: AsyncSession) -> Actor | None:
    auth = await authenticate(request, session)
    return auth.account if auth else None


async def require_token(
    request: web.Request, session: AsyncSession, scope: str, *, pending_ok: bool = False
) -> Auth:
    """`pending_ok`: a sign-up's token whose account may not act yet is let
    through (its own credentials, resending the confirmation)."""
    auth = await authenticate(request, session)
    if auth is None:
        raise Unauthorized("The access token is invalid")
    if not has_scope(auth.scopes, scope):
        raise Forbidden("This action is outside the authorized scopes")
    if auth.gate is not None and not pending_ok:
        raise auth.gate
    return auth


async def require_account(
    request: web.Request, session: AsyncSession, scope: str, *, pending_ok: bool = False
) -> Actor:
    auth = await require_token(request, session, scope, pending_ok=pending_ok)
    if auth.account is None:
        raise Unprocessable("This method requires an authenticated user")
    return auth.account


async def require_admin(
    request: web.Request, session: AsyncSession, scope: str
) -> Actor:
    """The signed-in account, when the token has `scope` (`admin:read` or
    `admin:write`) and the account is an admin or the owner; 403 otherwise."""
    me = await require_account(request, session, scope)
    user = await get_user_by_actor_id(session, me.id)
    if user is None or user.role not in ADMIN_ROLES:
        raise Forbidden()
    return me


@asynccontextmanager
async def api_session(request: web.Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request; after a write commits, the worker is woken so
    that federation starts at once rather than at the next poll."""
    async with request.app[DB].session() as session:
        yield session
    if request.method != "GET":
        request.app[FEDERATION].wake_worker()
