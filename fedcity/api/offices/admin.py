"""`/api/v1/fedcity/admin/offices`: what `fedcity official verify|revoke|list` do,
for admins' apps (issue 11). Admins and the owner only, with `admin:read` to read
and `admin:write` to change, as Mastodon's admin API; the same service calls as
the CLI (`services.offices.attestations`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiohttp import web
from multidict import MultiDict

from fedcity.api import params
from fedcity.api.auth import api_session, require_admin
from fedcity.api.entities.formats import Entity
from fedcity.api.entities.offices import serialize_office
from fedcity.api.entities.statuses import serialize_account
from fedcity.api.pagination import paged_response
from fedcity.appkeys import FEDERATION, SETTINGS
from fedcity.errors import Unprocessable
from fedcity.federation.attestations.subjects import find_or_resolve
from fedcity.services.moderation import action_log
from fedcity.services.offices import attestations as offices
from fedcity.storage.queries.posts import Page

DEFAULT_LIMIT = 40
MAX_LIMIT = 80


def _issuer(request: web.Request) -> offices.Issuer:
    return offices.Issuer(
        request.app[FEDERATION].urls, request.app[SETTINGS].instance.name
    )


def _entity(request: web.Request, listed: offices.Listed) -> Entity:
    account = serialize_account(listed.subject, request.app[FEDERATION].urls)
    return serialize_office(listed, account)


def _text(p: MultiDict[Any], key: str) -> str | None:
    value = p.get(key)
    return None if value is None or str(value).strip() == "" else str(value).strip()


def _required(p: MultiDict[Any], key: str) -> str:
    value = _text(p, key)
    if value is None:
        raise Unprocessable("Validation failed: {key} can't be blank", key=key)
    return value


def _date(p: MultiDict[Any], key: str) -> date | None:
    value = _text(p, key)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Unprocessable(
            "Validation failed: {key} must be a date (YYYY-MM-DD)", key=key
        ) from None


def _claim(p: MultiDict[Any]) -> offices.Claim:
    return offices.Claim(
        role=_required(p, "role"),
        jurisdiction=_required(p, "jurisdiction"),
        title=_text(p, "title"),
        ocd_id=_text(p, "ocd_id"),
        population=params.optional_int(p, "population"),
        seats=params.optional_int(p, "seats"),
        term_start=_date(p, "term_start"),
        term_end=_date(p, "term_end"),
        seeking=_text(p, "seeking"),
        election_date=_date(p, "election_date"),
    )


def _paged(found: list[offices.Listed], page: Page) -> list[offices.Listed]:
    """Newest first, Mastodon's max_id / since_id / min_id over attestation ids."""
    rows = sorted(found, key=lambda item: item.attestation.id, reverse=True)
    if page.max_id is not None:
        rows = [r for r in rows if r.attestation.id < page.max_id]
    if page.since_id is not None:
        rows = [r for r in rows if r.attestation.id > page.since_id]
    if page.min_id is not None:
        above = [r for r in rows if r.attestation.id > page.min_id]
        return above[-page.limit :]
    return rows[: page.limit]


async def index(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    page = params.page(p, DEFAULT_LIMIT, MAX_LIMIT)
    domain = request.app[SETTINGS].instance.domain
    async with api_session(request) as session:
        await require_admin(request, session, "admin:read")
        account = _text(p, "account")
        subject = (
            None
            if account is None
            else await offices.find_account(session, account, domain)
        )
        found = await offices.list_offices(
            session,
            remote=params.boolean(p, "remote"),
            state=_text(p, "state"),
            role=_text(p, "role"),
            subject=subject,
        )
        shown = _paged(found, page)
        body = [_entity(request, item) for item in shown]
    return paged_response(request, body, [item.attestation.id for item in shown])


async def create(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_admin(request, session, "admin:write")
        claim = _claim(p)
        subject = await find_or_resolve(
            request.app[FEDERATION], session, _required(p, "account")
        )
        attestation = await offices.verify(session, _issuer(request), subject, claim)
        listed = await offices.find_listed(session, attestation.id)
        await action_log.record_attestation(
            session, me, "verify", listed.attestation, listed.subject
        )
        body = _entity(request, listed)
    return web.json_response(body)


async def show(request: web.Request) -> web.Response:
    attestation_id = params.path_id(request)
    async with api_session(request) as session:
        await require_admin(request, session, "admin:read")
        body = _entity(request, await offices.find_listed(session, attestation_id))
    return web.json_response(body)


async def revoke(request: web.Request) -> web.Response:
    attestation_id = params.path_id(request)
    async with api_session(request) as session:
        me = await require_admin(request, session, "admin:write")
        listed = await offices.revoke_attestation(
            session, _issuer(request), attestation_id
        )
        await action_log.record_attestation(
            session, me, "revoke", listed.attestation, listed.subject
        )
        body = _entity(request, listed)
    return web.json_response(body)
