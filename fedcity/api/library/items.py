"""Case studies and funding opportunities: list, publish, show, edit, withdraw,
and an item's history. The kind is the path's section; the body of POST and PUT
is the JSON document of `schemas/<kind>.schema.json` (or an item entity sent
back, see `document_from_body`). An invalid document is a 422 whose `details`
name each field and what is wrong with it."""

from __future__ import annotations

from typing import Any, Final

from aiohttp import web
from multidict import MultiDict

from fedcity.api import params
from fedcity.api.auth import api_session, optional_account, require_account
from fedcity.api.entities.library import serialize_item, serialize_version
from fedcity.api.pagination import paged_response
from fedcity.appkeys import FEDERATION, SETTINGS
from fedcity.services.library import items, reading
from fedcity.services.library.reading import ItemView
from fedcity.storage.models import LibraryKind
from fedcity.storage.queries.library import ItemFilter

DEFAULT_LIMIT = 20
MAX_LIMIT = 40
WRITE = "write:statuses"
SECTIONS: Final = {
    "case_studies": LibraryKind.CASE_STUDY,
    "funding_opportunities": LibraryKind.FUNDING_OPPORTUNITY,
}
# What an item entity adds to its document: left out of a body sent back.
ENTITY_ONLY: Final = frozenset(
    {
        "id", "type", "uri", "origin", "status_id", "author", "author_verified",
        "created_at",
        "updated_at", "withdrawn_at", "versions_count", "summary_generated",
        "applicants_count", "applying", "apply_url",
    }
)  # fmt: skip


def kind_of(request: web.Request) -> LibraryKind:
    return SECTIONS[request.match_info["section"]]


def document_from_body(kind: LibraryKind, body: Any) -> Any:
    """The document a POST or PUT body means. A body may be an item entity sent
    back: its own fields are dropped, a generated `summary` is not taken as the
    author's, `url` is the item's page unless the body is a funding
    opportunity without `apply_url` (then it is where to apply, as in the
    schema), and `apply_url` is a funding opportunity's `url`."""
    if not isinstance(body, dict):
        return body  # the schema says what is wrong with it
    doc = {k: v for k, v in body.items() if k not in ENTITY_ONLY}
    if body.get("summary_generated") is True:
        doc.pop("summary", None)
    entity_shaped = "apply_url" in body or kind == LibraryKind.CASE_STUDY
    if entity_shaped:
        doc.pop("url", None)
    if kind == LibraryKind.FUNDING_OPPORTUNITY and body.get("apply_url") is not None:
        doc["url"] = body["apply_url"]
    return doc


def item_filter(p: MultiDict[Any]) -> ItemFilter:
    def word(key: str) -> str | None:
        value = p.get(key)
        return str(value) if value not in (None, "") else None

    return ItemFilter(
        topic=word("topic"),
        state=word("state"),
        status=word("status"),
        evidence_level=word("evidence_level"),
        origin=word("origin"),
        author_id=params.filter_id(p, "account_id"),
    )


async def read_document(request: web.Request, kind: LibraryKind) -> Any:
    """The document the request's JSON body means (`document_from_body`)."""
    return document_from_body(kind, await params.json_document(request))


def _item(request: web.Request, view: ItemView) -> web.Response:
    return web.json_response(serialize_item(view, request.app[FEDERATION].urls))


async def index(request: web.Request) -> web.Response:
    """Items of the kind, newest first, with the filters asked."""
    p = await params.read_params(request)
    page = params.page(p, DEFAULT_LIMIT, MAX_LIMIT)
    async with api_session(request) as session:
        viewer = await optional_account(request, session)
        views = await reading.list_items(
            session,
            viewer,
            kind_of(request),
            item_filter(p),
            page,
            include_closed=params.boolean(p, "include_closed"),
        )
    urls = request.app[FEDERATION].urls
    return paged_response(
        request, [serialize_item(v, urls) for v in views], [v.item.id for v in views]
    )


async def create(request: web.Request) -> web.Response:
    kind = kind_of(request)
    async with api_session(request) as session:
        me = await require_account(request, session, WRITE)
        item = await items.create_item(
            session,
            request.app[FEDERATION].urls,
            me,
            kind,
            await read_document(request, kind),
            default_license=request.app[SETTINGS].library.license,
        )
        view = (await reading.views_of(session, me, [item]))[0]
    return _item(request, view)


async def show(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        viewer = await optional_account(request, session)
        view = await reading.shown_item(
            session, viewer, kind_of(request), params.path_id(request)
        )
    return _item(request, view)


async def update(request: web.Request) -> web.Response:
    """PUT: the whole new document (fields left out are gone)."""
    kind = kind_of(request)
    async with api_session(request) as session:
        me = await require_account(request, session, WRITE)
        item = await items.own_item(session, me, kind, params.path_id(request))
        await items.update_item(
            session,
            request.app[FEDERATION].urls,
            me,
            item,
            await read_document(request, kind),
            default_license=request.app[SETTINGS].library.license,
        )
        view = (await reading.views_of(session, me, [item]))[0]
    return _item(request, view)


async def withdraw(request: web.Request) -> web.Response:
    """DELETE: withdraw the item; the answer is the item as it was withdrawn."""
    async with api_session(request) as session:
        me = await require_account(request, session, WRITE)
        item = await items.own_item(
            session, me, kind_of(request), params.path_id(request)
        )
        await items.withdraw_item(session, me, item)
        view = (await reading.views_of(session, me, [item]))[0]
    return _item(request, view)


async def history(request: web.Request) -> web.Response:
    """Every version of the item's document, oldest first, the current one last."""
    async with api_session(request) as session:
        versions = await reading.item_history(
            session, kind_of(request), params.path_id(request)
        )
    return web.json_response([serialize_version(v) for v in versions])
