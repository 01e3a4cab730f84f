"""OAuth 2 as Mastodon runs it: apps, consent codes (with PKCE), tokens, scopes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import FedcityError, Unprocessable
from fedcity.i18n import N_
from fedcity.services import limits
from fedcity.services.accounts.accounts import (
    authenticate_password,
    mint_token,
    token_digest,
)
from fedcity.services.accounts.scopes import parse_scopes, scopes_within
from fedcity.services.limits import check_length
from fedcity.storage.models import AccessToken, Actor, AuthorizationCode, OAuthApp
from fedcity.storage.types import utcnow

OOB = "urn:ietf:wg:oauth:2.0:oob"
CODE_LIFETIME = timedelta(minutes=10)
_INVALID_GRANT = N_(
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)


class OAuthError(FedcityError):
    """An error in OAuth's own shape: {"error": code, "error_description": text}."""

    status = 400

    def __init__(self, code: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.code = code
        self.status = status


class CodeReplayed(OAuthError):
    """An authorization code presented after it was spent: refused as invalid_grant,
    and the tokens it issued are to be revoked (`revoke_tokens_of_code`) in a
    transaction of their own, since the refusal's rolls back."""

    def __init__(self, code_id: int) -> None:
        super().__init__("invalid_grant", _INVALID_GRANT)
        self.code_id = code_id


def split_redirect_uris(raw: str | list[str] | None) -> list[str]:
    items = raw if isinstance(raw, list) else (raw or "").replace("\r", "").split("\n")
    uris = [u.strip() for u in items if u and u.strip()]
    if not uris:
        raise Unprocessable("Validation failed: Redirect URI can't be blank")
    for uri in uris:
        if uri != OOB and (
            not is_absolute_uri(uri) or uri.startswith(("javascript:", "data:"))
        ):
            raise Unprocessable(
                "Validation failed: Redirect URI {uri!r} is not valid", uri=uri
            )
    return uris


def is_absolute_uri(uri: str, schemes: tuple[str, ...] | None = None) -> bool:
    """Whether `uri` has a scheme (one of `schemes`, if given) and, for the web's
    schemes, a host: what the Application entity promises for `website` and
    `redirect_uris` (custom schemes like `com.example.app:/callback` are apps')."""
    try:
        parts = urlsplit(uri)
    except ValueError:  # an unclosed IPv6 bracket
        return False
    if not parts.scheme or (schemes is not None and parts.scheme not in schemes):
        return False
    if parts.scheme in ("http", "https"):
        return bool(parts.netloc)
    return bool(parts.netloc or parts.path)


async def register_app(
    session: AsyncSession,
    name: str,
    redirect_uris: list[str],
    scopes: list[str],
    website: str | None,
) -> OAuthApp:
    if not name.strip():
        raise Unprocessable("Validation failed: Application name can't be blank")
    joined_uris = "\n".join(redirect_uris)
    check_length(N_("Application name"), name.strip(), limits.MAX_APP_NAME)
    check_length(N_("Website"), website, limits.MAX_APP_WEBSITE)
    check_length(N_("Redirect URI"), joined_uris, limits.MAX_REDIRECT_URI)
    # Mastodon's URLValidator: an http(s) URL with a host, or nothing.
    if website and not is_absolute_uri(website, ("http", "https")):
        raise Unprocessable("Validation failed: Website is invalid")
    app = OAuthApp(
        name=name.strip(),
        website=website or None,
        redirect_uris=joined_uris,
        scopes=" ".join(scopes),
        client_id=secrets.token_urlsafe(32),
        client_secret=secrets.token_urlsafe(32),
    )
    session.add(app)
    await session.flush()
    return app


async def get_app(session: AsyncSession, client_id: str | None) -> OAuthApp | None:
    if not client_id:
        return None
    return await session.scalar(select(OAuthApp).where(OAuthApp.client_id == client_id))


async def authenticate_client(
    session: AsyncSession, client_id: str | None, client_secret: str | None
) -> OAuthApp:
    app = await get_app(session, client_id)
    if app is None or not hmac.compare_digest(app.client_secret, client_secret or ""):
        raise OAuthError(
            "invalid_client",
            "Client authentication failed due to unknown client, no client authentication "
            "included, or unsupported authentication method.",
            401,
        )
    return app


@dataclass(frozen=True)
class AuthorizationRequest:
    app: OAuthApp
    redirect_uri: str
    scopes: list[str]
    state: str | None
    code_challenge: str | None
    code_challenge_method: str | None


async def check_authorization_request(
    session: AsyncSession,
    client_id: str | None,
    redirect_uri: str | None,
    scope: str | None,
    state: str | None,
    code_challenge: str | None,
    code_challenge_method: str | None,
) -> AuthorizationRequest:
    app = await get_app(session, client_id)
    if app is None:
        raise OAuthError(
            "invalid_client", "Client authentication failed: unknown client.", 401
        )
    uri = redirect_uri or (
        app.redirect_uri_list[0] if len(app.redirect_uri_list) == 1 else ""
    )
    if uri not in app.redirect_uri_list:
        raise OAuthError(
            "invalid_redirect_uri", "The redirect uri included is not valid."
        )
    scopes = _granted_scopes(app, scope)
    if code_challenge and (code_challenge_method or "plain") != "S256":
        raise OAuthError(
            "invalid_request", "Only the S256 code challenge method is supported."
        )
    return AuthorizationRequest(
        app, uri, scopes, state, code_challenge, "S256" if code_challenge else None
    )


async def issue_code(
    session: AsyncSession, request: AuthorizationRequest, actor: Actor
) -> str:
    code = secrets.token_urlsafe(32)
    session.add(
        AuthorizationCode(
            code_digest=token_digest(code),
            app_id=request.app.id,
            actor_id=actor.id,
            redirect_uri=request.redirect_uri,
            scopes=" ".join(request.scopes),
            code_challenge=request.code_challenge,
            code_challenge_method=request.code_challenge_method,
            expires_at=utcnow() + CODE_LIFETIME,
        )
    )
    return code


def _pkce_matches(challenge: str, verifier: str) -> bool:
    digest = hashlib.sha256(verifier.encode()).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return hmac.compare_digest(expected, challenge)


async def exchange_code(
    session: AsyncSession,
    app: OAuthApp,
    code: str,
    redirect_uri: str | None,
    code_verifier: str | None,
) -> tuple[AccessToken, str]:
    row = await session.scalar(
        select(AuthorizationCode).where(
            AuthorizationCode.code_digest == token_digest(code)
        )
    )
    now = utcnow()
    if row is not None and row.used_at is not None:
        raise CodeReplayed(row.id)
    if (
        row is None
        or row.app_id != app.id
        or row.expires_at < now
        or (redirect_uri or row.redirect_uri) != row.redirect_uri
    ):
        raise OAuthError("invalid_grant", _INVALID_GRANT)
    if row.code_challenge and not (
        code_verifier and _pkce_matches(row.code_challenge, code_verifier)
    ):
        raise OAuthError("invalid_grant", _INVALID_GRANT)
    # Spend the code at once: a replayed code must not mint a second token.
    spent = await session.execute(
        update(AuthorizationCode)
        .where(AuthorizationCode.id == row.id, AuthorizationCode.used_at.is_(None))
        .values(used_at=now)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise CodeReplayed(row.id)  # spent meanwhile by a concurrent exchange
    token, plain = await mint_token(session, row.actor_id, app.id, row.scopes)
    token.code_id = row.id
    return token, plain


async def revoke_tokens_of_code(session: AsyncSession, code_id: int) -> None:
    """Revoke every token issued from an authorization code that was presented
    again: the code leaked, so whoever exchanged it first may not be the app
    (RFC 6749 §4.1.2)."""
    await session.execute(
        update(AccessToken)
        .where(
            AccessToken.code_id == code_id,
            AccessToken.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )


async def client_credentials_token(
    session: AsyncSession, app: OAuthApp, scope: str | None
) -> tuple[AccessToken, str]:
    scopes = _granted_scopes(app, scope)
    return await mint_token(session, None, app.id, " ".join(scopes))


async def password_token(
    session: AsyncSession,
    app: OAuthApp,
    username: str,
    password: str,
    scope: str | None,
) -> tuple[AccessToken, str]:
    scopes = _granted_scopes(app, scope)
    try:
        actor = await authenticate_password(session, username, password)
    except FedcityError:
        raise OAuthError("invalid_grant", _INVALID_GRANT) from None
    return await mint_token(session, actor.id, app.id, " ".join(scopes))


def _granted_scopes(app: OAuthApp, scope: str | None) -> list[str]:
    try:
        scopes = parse_scopes(scope, default=app.scopes)
    except Unprocessable:
        raise OAuthError(
            "invalid_scope", "The requested scope is invalid, unknown, or malformed."
        ) from None
    if not scopes_within(scopes, app.scopes.split()):
        raise OAuthError(
            "invalid_scope", "The requested scope is invalid, unknown, or malformed."
        )
    return scopes


async def revoke(session: AsyncSession, app: OAuthApp, token: str) -> None:
    """Revoke a token issued to `app` (RFC 7009: unknown tokens are not an error)."""
    await session.execute(
        update(AccessToken)
        .where(
            AccessToken.token_digest == token_digest(token),
            AccessToken.app_id == app.id,
            AccessToken.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )
