"""An item's page: `/library/case-studies/ID` and `/library/funding/ID`
(urls.library_item, the `url` of its Article). Every field of its document; a
case study's results as before/after bars; contacts with their verified
offices; attachments; "adapted from" and related items; its edit history; the
author with their office; the instance it came from when remote; for a funding
opportunity, who is applying (here and on the instances this one follows) and
the "I'm applying" form.

A server asking for ActivityPub JSON is sent to a local item's Article (its
post's URI). A withdrawn item answers 410 ("This item was withdrawn by its author"), an id
of the other kind 404 (services.library.items.find_item)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from fedcity.appkeys import DB, FEDERATION, SETTINGS
from fedcity.services.library import applying, browsing, reading
from fedcity.services.library.browsing import Contact
from fedcity.services.library.reading import ItemVersion, ItemView
from fedcity.services.library.summaries import Words, summary_of
from fedcity.storage.models import Actor, LibraryKind
from fedcity.storage.queries.posts import Page
from fedcity.web.accounts.profile_page import AS2, handle_of
from fedcity.web.library import item_parts as parts
from fedcity.web.library.sections import item_id_of, item_path, kind_of
from fedcity.web.media import account_for_page, page_urls
from fedcity.web.negotiation import wants_activity_json
from fedcity.web.sessions import viewer
from fedcity.web.templating import page_language, render

# Applicants an opportunity's page names (the API pages through all of them).
APPLICANTS_SHOWN = 40
DONE = ("saved", "published", "applying", "not_applying")


async def item_page(request: web.Request) -> web.Response:
    kind, item_id = kind_of(request), item_id_of(request)
    signed = viewer(request)
    me = signed.actor if signed else None
    domain = request.app[SETTINGS].instance.domain
    async with request.app[DB].session() as session:
        view = await reading.shown_item(session, me, kind, item_id)
        if wants_activity_json(request) and view.author.is_local:
            # A server resolving the page's address gets the Article (the
            # page also links it, for those that read HTML first).
            raise web.HTTPFound(view.item.uri)
        versions = await reading.item_history(session, kind, item_id)
        doc = view.item.document
        found = await browsing.contacts_of(session, doc.get("contacts") or [], domain)
        uris = [u for u in [doc.get("adapted_from"), *(doc.get("related") or ())] if u]
        known = await browsing.linked_items(session, uris)
        marks = (
            await applying.applicants(session, item_id, Page(limit=APPLICANTS_SHOWN))
            if kind == LibraryKind.FUNDING_OPPORTUNITY
            else []
        )
    context = item_context(request, view, versions, found, me)
    context["adapted_from"] = (
        parts.link(doc["adapted_from"], known) if doc.get("adapted_from") else None
    )
    context["related"] = [parts.link(u, known) for u in doc.get("related") or ()]
    context["applicants"] = [_person(request, actor) for _, actor in marks]
    return await render(request, "library/item.html", context)


def _person(request: web.Request, actor: Actor) -> dict[str, Any]:
    account = account_for_page(request, actor)
    return {"account": account, "offices": parts.verified_offices(account)}


def item_context(
    request: web.Request,
    view: ItemView,
    versions: list[ItemVersion],
    found: list[Contact],
    me: Actor | None,
) -> dict[str, Any]:
    """What library/item.html shows of an item (but its links and applicants)."""
    item, doc = view.item, view.item.document
    kind = LibraryKind(item.kind)
    say = Words(page_language(request))
    urls = page_urls(request)
    author = _person(request, view.author)
    page_url = request.app[FEDERATION].urls.library_item(item.kind, item.id)
    summary = summary_of(kind, doc)
    done = request.query.get("done", "")
    return {
        "kind": item.kind,
        "item": {
            "id": item.id,
            "title": item.title,
            "summary": summary,
            "path": item_path(kind, item.id),
            "uri": item.uri,
            "created_at": item.created_at,
            "updated_at": item.updated_at,
            "remote": not view.author.is_local,
            "origin": item.origin,
            "origin_url": item.url or item.uri,
            "mine": me is not None and me.id == item.actor_id,
            "open": applying.takes_applicants(item),
            "applicants_count": view.applicants_count,
            "applying": view.applying,
        },
        "author": author,
        "facts": (
            parts.case_study_facts(say, doc, urls)
            if kind == LibraryKind.CASE_STUDY
            else parts.funding_facts(say, doc)
        ),
        "texts": parts.long_texts(say, doc, urls),
        "results": parts.results(say, doc),
        "contacts": parts.contacts(request, found),
        "attachments": list(doc.get("attachments") or ()),
        "history": parts.history(say, kind, versions),
        "contact_url": parts.contact_link(author["account"]["acct"], found),
        "done": done if done in DONE else "",
        "page_url": page_url,
        "creator": handle_of(request, view.author),
        "alternates": [{"type": AS2, "href": item.uri, "title": ""}],
    }
