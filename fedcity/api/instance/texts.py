"""/api/v1/instance/…: rules, extended description, privacy policy, terms of service,
translation languages and the moderated domains, all from `[instance]` and
`[federation]` settings (fedcity has no admin web interface to edit them); and the
languages a post may be tagged with."""

from __future__ import annotations

import asyncio

from aiohttp import web

from fedcity.api.auth import api_session, optional_account
from fedcity.api.entities.domains import serialize_domain_block
from fedcity.api.entities.formats import Entity, timestamp
from fedcity.appkeys import SETTINGS
from fedcity.config import Settings
from fedcity.errors import NotFound
from fedcity.services.instance import domain_policies
from fedcity.services.instance import texts as instance_texts
from fedcity.services.instance.languages import LANGUAGES
from fedcity.storage.types import utcnow


def serialize_rules(settings: Settings) -> list[Entity]:
    """Rule entities, as listed by /api/v1/instance/rules and in the Instance."""
    return [
        {"id": r.id, "text": r.text, "hint": r.hint}
        for r in instance_texts.rules(settings.instance)
    ]


async def rules(request: web.Request) -> web.Response:
    return web.json_response(serialize_rules(request.app[SETTINGS]))


async def _document(path: str) -> instance_texts.Document | None:
    return await asyncio.to_thread(instance_texts.read_document, path)


async def extended_description(request: web.Request) -> web.Response:
    """With no file configured, Mastodon's answer for an empty description."""
    found = await _document(request.app[SETTINGS].instance.extended_description)
    if found is None:
        return web.json_response({"updated_at": None, "content": ""})
    return web.json_response(
        {"updated_at": timestamp(found.updated_at), "content": found.content}
    )


async def privacy_policy(request: web.Request) -> web.Response:
    """The operators' policy; fedcity's default when none is configured (a
    configured file that cannot be read is 404, not silently replaced)."""
    settings = request.app[SETTINGS].instance
    found = await asyncio.to_thread(instance_texts.privacy_policy, settings)
    if found is None:
        raise NotFound()
    return web.json_response(
        {"updated_at": timestamp(found.updated_at), "content": found.content}
    )


async def terms_of_service(request: web.Request) -> web.Response:
    """The terms in force (or of `/{date}`); 404 when there are none, as Mastodon."""
    found = await asyncio.to_thread(
        instance_texts.terms_document,
        request.app[SETTINGS].instance,
        utcnow().date(),
        request.match_info.get("date"),
    )
    if found is None:
        raise NotFound()
    terms, document = found
    return web.json_response(
        {
            "effective_date": terms.version.effective_date.isoformat(),
            "effective": terms.effective,
            "content": document.content,
            "succeeded_by": terms.succeeded_by.isoformat()
            if terms.succeeded_by
            else None,
        }
    )


async def languages(request: web.Request) -> web.Response:
    """The languages a post may be tagged with, as Mastodon lists them."""
    return web.json_response([{"code": c, "name": n} for c, n in LANGUAGES])


async def translation_languages(request: web.Request) -> web.Response:
    """fedcity has no translation service: no language pair can be translated."""
    return web.json_response({})


async def domain_blocks(request: web.Request) -> web.Response:
    """The instance's domain blocks (`fedcity domain block`, the admin API, the
    config's seed), shown as `show_blocked_domains` allows (404 otherwise, as
    Mastodon's setting does), with their public comments."""
    federation = request.app[SETTINGS].federation
    shown = federation.show_blocked_domains
    async with api_session(request) as session:
        if shown == "users":
            viewer = await optional_account(request, session)
            shown = "all" if viewer is not None else "disabled"
        if shown != "all":
            raise NotFound()
        rows = await domain_policies.list_blocks(session)
    rows.sort(key=lambda row: row.domain)
    return web.json_response([serialize_domain_block(row) for row in rows])
