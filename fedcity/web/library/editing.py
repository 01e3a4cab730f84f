"""Writing in the library from the web: `/library/case-studies/new` and
`/library/funding/new` (compose), `…/ID/edit`, `…/ID/withdraw` (a confirmation,
then the withdrawal).

New items are for accounts holding an office verified today, and this
instance's administrators (`browsing.may_publish`); editing and withdrawing
for the item's author only (`items.own_item`). The forms are drawn from
`form_spec`; a refused document comes back (422) with each problem the
validation names next to its field and an error summary at the top; an "Add
another" button comes back (200) with one more row, nothing saved. The item is
written by the services behind the API's POST and PUT, so it federates the
same way."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from fedcity import i18n
from fedcity.appkeys import DB, FEDERATION, SETTINGS
from fedcity.errors import DocumentInvalid, Forbidden, Problem
from fedcity.i18n import N_
from fedcity.services.accounts.sessions import SignedIn
from fedcity.services.library import browsing, items, validation
from fedcity.storage.models import Actor, LibraryItem, LibraryKind
from fedcity.web.accounts.guard import ADMIN_ROLES, signed_in_or_redirect
from fedcity.web.forms import read_form
from fedcity.web.library import form_values
from fedcity.web.library.form_values import FormValues
from fedcity.web.library.form_view import FormView
from fedcity.web.library.sections import LIBRARY, item_id_of, item_path, kind_of
from fedcity.web.statuses.compose import account_of
from fedcity.web.templating import page_language, render

NOT_AN_OFFICIAL = N_(
    "Only accounts holding a verified office, and this server's administrators, "
    "may publish in the library from here"
)
HEADINGS = {
    ("new", LibraryKind.CASE_STUDY): N_("New case study"),
    ("new", LibraryKind.FUNDING_OPPORTUNITY): N_("New funding opportunity"),
    ("edit", LibraryKind.CASE_STUDY): N_("Edit case study"),
    ("edit", LibraryKind.FUNDING_OPPORTUNITY): N_("Edit funding opportunity"),
}


async def _publisher(session: Any, signed: SignedIn) -> Actor:
    """The signed-in account, if it may publish new items.

    Raises:
        Forbidden: no verified office, and not an administrator.
    """
    me = await account_of(session, signed)
    if not browsing.may_publish(me, admin=signed.user.role in ADMIN_ROLES):
        raise Forbidden(NOT_AN_OFFICIAL)
    return me


async def _own(request: web.Request, signed: SignedIn) -> LibraryItem:
    """The item of the path, if the signed-in account wrote it (404, 410, 403)."""
    async with request.app[DB].session() as session:
        me = await account_of(session, signed)
        return await items.own_item(session, me, kind_of(request), item_id_of(request))


async def form_page(
    request: web.Request,
    values: FormValues,
    *,
    item: LibraryItem | None,
    problems: list[Problem] | None = None,
    added: str = "",
) -> web.Response:
    """The compose or edit form with `values`; with `problems`, 422 and each
    one next to its field."""
    kind = kind_of(request)
    language = page_language(request)
    view = FormView(kind, values, language)
    errors = view.errors(problems or [])
    heading = HEADINGS[("edit" if item else "new", kind)]
    context = {
        "kind": kind.value,
        "heading": i18n.translate(language, heading),
        "sections": view.sections,
        "errors": errors.inline,
        "summary": errors.summary,
        "action": request.path,
        "cancel": item_path(kind, item.id) if item else LIBRARY,
        "editing": item is not None,
        "autofocus": _new_row(view.sections, added),
    }
    status = 422 if problems else 200
    return await render(request, "library/form.html", context, status=status)


def _new_row(sections: list[dict[str, Any]], added: str) -> str:
    """The first field of the row "Add another" just added (it takes focus)."""
    for section in sections:
        for part in section["parts"]:
            if part["type"] == "group" and part["name"] == added and part["rows"]:
                return str(part["rows"][-1]["fields"][0]["name"])
    return ""


async def new_page(request: web.Request) -> web.Response:
    signed = signed_in_or_redirect(request)
    async with request.app[DB].session() as session:
        await _publisher(session, signed)
    values = form_values.blank(kind_of(request), page_language(request))
    return await form_page(request, values, item=None)


async def edit_page(request: web.Request) -> web.Response:
    signed = signed_in_or_redirect(request)
    item = await _own(request, signed)
    values = form_values.from_document(kind_of(request), item.document)
    return await form_page(request, values, item=item)


def problems_of(
    request: web.Request, doc: dict[str, Any], found: list[Problem]
) -> list[Problem]:
    """What the form found wrong with the document, and what the validation
    finds (every problem at once)."""
    license = request.app[SETTINGS].library.license
    try:
        validation.validate_document(kind_of(request), doc, default_license=license)
    except DocumentInvalid as invalid:
        return [*found, *invalid.problems]
    return found


async def _checked(
    request: web.Request, item: LibraryItem | None
) -> dict[str, Any] | web.Response:
    """The document the POSTed form makes, or the form to answer with: one row
    more after "Add another", or the problems (422)."""
    kind = kind_of(request)
    values, added = form_values.from_form(kind, await read_form(request))
    if added:
        return await form_page(request, values, item=item, added=added)
    doc, found = form_values.to_document(kind, values)
    problems = problems_of(request, doc, found)
    if problems:
        return await form_page(request, values, item=item, problems=problems)
    return doc


async def _write(
    request: web.Request, signed: SignedIn, doc: dict[str, Any], item_id: int | None
) -> web.StreamResponse:
    """Publish `doc` as a new item, or as item `item_id`'s new version; 303 to
    its page."""
    fed = request.app[FEDERATION]
    kind = kind_of(request)
    license = request.app[SETTINGS].library.license
    async with request.app[DB].session() as session:
        if item_id is None:
            me = await _publisher(session, signed)
            item = await items.create_item(
                session, fed.urls, me, kind, doc, default_license=license
            )
        else:
            me = await account_of(session, signed)
            item = await items.own_item(session, me, kind, item_id)
            await items.update_item(
                session, fed.urls, me, item, doc, default_license=license
            )
    fed.wake_worker()
    done = "published" if item_id is None else "saved"
    raise web.HTTPSeeOther(f"{item_path(kind, item.id)}?done={done}")


async def create(request: web.Request) -> web.StreamResponse:
    """POST …/new: publish the item, then 303 to its page."""
    signed = signed_in_or_redirect(request)
    async with request.app[DB].session() as session:
        await _publisher(session, signed)
    checked = await _checked(request, None)
    if isinstance(checked, web.Response):
        return checked
    return await _write(request, signed, checked, None)


async def save(request: web.Request) -> web.StreamResponse:
    """POST …/ID/edit: the whole new document replaces the former one."""
    signed = signed_in_or_redirect(request)
    item = await _own(request, signed)
    checked = await _checked(request, item)
    if isinstance(checked, web.Response):
        return checked
    return await _write(request, signed, checked, item.id)


async def withdraw_page(request: web.Request) -> web.Response:
    """The confirmation: what withdrawing does, and the button."""
    signed = signed_in_or_redirect(request)
    item = await _own(request, signed)
    context = {
        "item": {"title": item.title, "path": item_path(item.kind, item.id)},
        "action": request.path,
    }
    return await render(request, "library/withdraw.html", context)


async def withdraw(request: web.Request) -> web.StreamResponse:
    """POST …/ID/withdraw: the item's post is deleted (a Delete federates)."""
    signed = signed_in_or_redirect(request)
    async with request.app[DB].session() as session:
        me = await account_of(session, signed)
        item = await items.own_item(session, me, kind_of(request), item_id_of(request))
        await items.withdraw_item(session, me, item)
    request.app[FEDERATION].wake_worker()
    raise web.HTTPSeeOther(f"{LIBRARY}?done=withdrawn")
