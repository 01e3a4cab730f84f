"""/admin/announcements: the announcements apps show to every local account
(`fedcity announcement` on the command line): list, write, edit, publish,
unpublish and delete."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from multidict import MultiDict

from fedcity import i18n
from fedcity.appkeys import DB, FEDERATION
from fedcity.errors import Unprocessable
from fedcity.services.instance import announcements
from fedcity.services.moderation import action_log
from fedcity.storage.models import Announcement
from fedcity.web.accounts.guard import admin_or_forbidden
from fedcity.web.admin.notices import notice_of
from fedcity.web.forms import read_form
from fedcity.web.templating import page_language, render, render_form

N_ = i18n.N_
LIST = "/admin/announcements"
BAD_MOMENT = N_("Enter a date and time, or leave it empty")
# Which field a service's validation error is about.
FIELD_OF = {
    "Validation failed: Text can't be blank": "text",
    "Validation failed: Ends at must be after the start": "ends_at",
}
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


def _moment_field(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime(LOCAL_FORMAT) if moment else ""


def _values_of(row: Announcement | None) -> dict[str, Any]:
    if row is None:
        return {"text": "", "starts_at": "", "ends_at": "", "all_day": False}
    return {
        "text": row.text,
        "starts_at": _moment_field(row.starts_at),
        "ends_at": _moment_field(row.ends_at),
        "all_day": row.all_day,
    }


def _parse_moment(value: str) -> datetime | None:
    """A datetime-local value, in UTC (the form says so); None when empty.

    Raises: ValueError: not a date and time."""
    if not value.strip():
        return None
    moment = datetime.fromisoformat(value.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _command(
    form: MultiDict[str], language: str
) -> tuple[announcements.NewAnnouncement | None, dict[str, str]]:
    errors: dict[str, str] = {}
    moments: dict[str, datetime | None] = {}
    for name in ("starts_at", "ends_at"):
        try:
            moments[name] = _parse_moment(form.get(name, ""))
        except ValueError:
            errors[name] = i18n.translate(language, BAD_MOMENT)
    if errors:
        return None, errors
    cmd = announcements.NewAnnouncement(
        form.get("text", ""),
        moments["starts_at"],
        moments["ends_at"],
        bool(form.get("all_day")),
    )
    return cmd, errors


def _form_values(form: MultiDict[str]) -> dict[str, Any]:
    return {
        "text": form.get("text", ""),
        "starts_at": form.get("starts_at", ""),
        "ends_at": form.get("ends_at", ""),
        "all_day": bool(form.get("all_day")),
    }


async def _form_page(
    request: web.Request,
    values: dict[str, Any],
    row_id: int | None = None,
    errors: dict[str, str] | None = None,
) -> web.Response:
    context = {"values": values, "row_id": row_id}
    return await render_form(request, "admin/announcement_form.html", context, errors)


async def index(request: web.Request) -> web.Response:
    admin_or_forbidden(request)
    async with request.app[DB].session() as session:
        rows = await announcements.list_all(session)
    listed = [(row, announcements.phase(row)) for row in reversed(rows)]
    return await render(
        request,
        "admin/announcements.html",
        {"announcements": listed, "notice": notice_of(request)},
    )


async def new(request: web.Request) -> web.Response:
    admin_or_forbidden(request)
    return await _form_page(request, _values_of(None))


async def edit(request: web.Request) -> web.Response:
    admin_or_forbidden(request)
    async with request.app[DB].session() as session:
        row = await announcements.get(session, _id(request))
    return await _form_page(request, _values_of(row), row.id)


async def save(request: web.Request) -> web.Response:
    """POST /admin/announcements (a new one) or /admin/announcements/{id}."""
    admin_or_forbidden(request)
    form = await read_form(request)
    language = page_language(request)
    row_id = _id(request) if "id" in request.match_info else None
    cmd, errors = _command(form, language)
    if cmd is not None:
        urls = request.app[FEDERATION].urls
        admin = admin_or_forbidden(request).actor
        try:
            async with request.app[DB].session() as session:
                if row_id is None:
                    row = await announcements.create(session, urls, cmd)
                else:
                    row = await announcements.update(session, urls, row_id, cmd)
                action = "create" if row_id is None else "update"
                await action_log.record_announcement(session, admin, action, row)
        except Unprocessable as exc:
            errors[FIELD_OF.get(exc.template, "text")] = exc.localized(language)
    if errors:
        return await _form_page(request, _form_values(form), row_id, errors)
    raise web.HTTPSeeOther(f"{LIST}?done={'created' if row_id is None else 'saved'}")


async def publish(request: web.Request) -> web.Response:
    return await _set_published(request, True)


async def unpublish(request: web.Request) -> web.Response:
    return await _set_published(request, False)


async def _set_published(request: web.Request, published: bool) -> web.Response:
    admin = admin_or_forbidden(request).actor
    async with request.app[DB].session() as session:
        row = await announcements.set_published(session, _id(request), published)
        action = "publish" if published else "unpublish"
        await action_log.record_announcement(session, admin, action, row)
    raise web.HTTPSeeOther(f"{LIST}?done={'published' if published else 'unpublished'}")


async def delete(request: web.Request) -> web.Response:
    admin = admin_or_forbidden(request).actor
    async with request.app[DB].session() as session:
        row = await announcements.get(session, _id(request))
        await action_log.record_announcement(session, admin, "destroy", row)
        await announcements.delete(session, row.id)
    raise web.HTTPSeeOther(f"{LIST}?done=deleted")


def _id(request: web.Request) -> int:
    return int(request.match_info["id"])  # the route allows digits only


def add_routes(app: web.Application) -> None:
    r = app.router
    one = LIST + "/{id:[0-9]{1,18}}"
    r.add_get(LIST, index)
    r.add_post(LIST, save)
    r.add_get(LIST + "/new", new)
    r.add_get(one + "/edit", edit)
    r.add_post(one, save)
    r.add_post(one + "/publish", publish)
    r.add_post(one + "/unpublish", unpublish)
    r.add_post(one + "/delete", delete)
