"""Mastodon's sign-up API (issue 12): POST /api/v1/accounts with an app's own
token (client_credentials), and POST /api/v1/emails/confirmations to send the
confirmation link again.

The answer to a sign-up is a token for the new account, usable at once for its
own credentials (GET /api/v1/accounts/verify_credentials); anything else answers
403 with Mastodon's reason until the address is confirmed and, where needed, an
admin approved the account (`api.auth`)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDict

from fedcity.api import params
from fedcity.api.auth import api_session, require_account, require_token
from fedcity.appkeys import FEDERATION, KEYPAIRS, SETTINGS
from fedcity.errors import Forbidden, SignUpInvalid
from fedcity.i18n import N_
from fedcity.services.accounts.accounts import mint_token
from fedcity.services.accounts.sign_in import login_gate
from fedcity.services.sign_ups import registrations
from fedcity.services.sign_ups.registrations import Policy, SignUp
from fedcity.storage.queries import actors as actor_q
from fedcity.web import rate_limits
from fedcity.web.middlewares import request_language

CLIENT_ONLY = N_("This method requires an client credentials authentication")


def _text(p: MultiDict[Any], key: str) -> str:
    value = p.get(key)
    return "" if value is None else str(value).strip()


def invalid_response(request: web.Request, exc: SignUpInvalid) -> web.Response:
    """Mastodon's 422: the summary, and per field its codes and descriptions."""
    return web.json_response(
        {
            "error": exc.localized(request_language(request)),
            "details": {
                name: [{"error": code, "description": text} for code, text in found]
                for name, found in exc.details.items()
            },
        },
        status=422,
    )


def _sign_up(request: web.Request, p: MultiDict[Any]) -> SignUp:
    return SignUp(
        username=_text(p, "username"),
        email=_text(p, "email"),
        password=str(p.get("password") or ""),
        agreement=params.boolean(p, "agreement"),
        locale=_text(p, "locale") or None,
        reason=_text(p, "reason") or None,
        invite_code=_text(p, "invite_code") or None,
        ip=rate_limits.address(request),
    )


async def register(request: web.Request) -> web.Response:
    """POST /api/v1/accounts: the Token entity of the new account."""
    limits = request.app[rate_limits.RATE_LIMITS]
    checks = [(limits.sign_up_ip, rate_limits.address(request))]
    if refused := rate_limits.refusal(checks):
        return rate_limits.too_many_requests(refused)
    rate_limits.count(checks)
    p = await params.read_params(request)
    settings = request.app[SETTINGS]
    try:
        async with api_session(request) as session:
            auth = await require_token(request, session, "write:accounts")
            if auth.account is not None:
                raise Forbidden(CLIENT_ONLY)
            signed = await registrations.sign_up(
                session,
                request.app[FEDERATION].urls,
                Policy.of(settings),
                _sign_up(request, p),
                request.app[KEYPAIRS],
            )
            row, plain = await mint_token(
                session,
                signed.actor.id,
                auth.token.app_id,
                auth.token.scopes,
                pending_sign_up=login_gate(signed.user) is not None,
            )
            body = {
                "access_token": plain,
                "token_type": "Bearer",
                "scope": row.scopes,
                "created_at": int(row.created_at.timestamp()),
            }
    except SignUpInvalid as exc:
        return invalid_response(request, exc)
    response = web.json_response(body)
    response.headers["Cache-Control"] = "no-store"
    return response


async def resend_confirmation(request: web.Request) -> web.Response:
    """POST /api/v1/emails/confirmations (`email`: a corrected address), for the
    app the account signed up with, while the address awaits confirmation."""
    limits = request.app[rate_limits.RATE_LIMITS]
    p = await params.read_params(request)
    try:
        async with api_session(request) as session:
            me = await require_account(
                request, session, "write:accounts", pending_ok=True
            )
            checks = [(limits.reset_account, f"confirm|{me.id}")]
            if refused := rate_limits.refusal(checks):
                return rate_limits.too_many_requests(refused)
            rate_limits.count(checks)
            user = await actor_q.get_user_by_actor_id(session, me.id)
            if user is None:
                raise Forbidden()
            await registrations.send_confirmation(
                session,
                Policy.of(request.app[SETTINGS]),
                me,
                user,
                _text(p, "email") or None,
            )
    except SignUpInvalid as exc:
        return invalid_response(request, exc)
    return web.json_response({})
