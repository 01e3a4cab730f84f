"""/admin/emoji: the instance's custom emoji (`fedcity emoji` on the command
line): list, upload, change category and picker visibility, delete."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from fedcity import i18n
from fedcity.api.params import read_form as read_raw_form
from fedcity.appkeys import DB, FEDERATION, SETTINGS
from fedcity.errors import FedcityError, NotFound
from fedcity.services.moderation import action_log
from fedcity.services.statuses import custom_emojis
from fedcity.services.statuses.media import MediaStorage
from fedcity.storage.models import CustomEmoji
from fedcity.web.accounts.guard import admin_or_forbidden
from fedcity.web.admin.notices import notice_of
from fedcity.web.forms import read_form
from fedcity.web.templating import page_language, render_form

N_ = i18n.N_
LIST = "/admin/emoji"
NO_FILE = N_("Choose a PNG, GIF or WebP image")
# Which field a service's validation error is about (the image otherwise).
FIELD_OF = {
    "Validation failed: Shortcode must be at least 2 characters, "
    "alphanumeric characters and underscores only": "shortcode",
    "Validation failed: Shortcode has already been taken": "shortcode",
    "Validation failed: Category is too long (maximum is {count} characters)": (
        "category"
    ),
}


def _shown(request: web.Request, row: CustomEmoji) -> dict[str, Any]:
    urls = request.app[FEDERATION].urls
    return {
        "id": row.id,
        "shortcode": row.shortcode,
        "url": urls.media(row.file_path),
        "static_url": urls.media(row.static_path),
        "category": row.category or "",
        "visible_in_picker": row.visible_in_picker,
    }


async def _list_page(
    request: web.Request,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> web.Response:
    async with request.app[DB].session() as session:
        rows = await custom_emojis.list_local(session)
    return await render_form(
        request,
        "admin/emoji.html",
        {
            "emojis": [_shown(request, row) for row in rows],
            "values": values
            or {"shortcode": "", "category": "", "visible_in_picker": True},
            "notice": "" if errors else notice_of(request),
            "max_kib": custom_emojis.MAX_BYTES // 1024,
        },
        errors,
    )


async def index(request: web.Request) -> web.Response:
    admin_or_forbidden(request)
    return await _list_page(request)


async def upload(request: web.Request) -> web.Response:
    admin = admin_or_forbidden(request).actor
    raw = await read_raw_form(request)  # already read whole (the CSRF check)
    form = await read_form(request)
    language = page_language(request)
    shortcode = form.get("shortcode", "").strip().strip(":")
    category = form.get("category", "")
    visible = bool(form.get("visible_in_picker"))
    values = {
        "shortcode": shortcode,
        "category": category,
        "visible_in_picker": visible,
    }
    image = raw.get("image")
    if image is None or isinstance(image, str) or not image.filename:
        errors = {"image": i18n.translate(language, NO_FILE)}
        return await _list_page(request, values, errors)
    storage = MediaStorage(request.app[SETTINGS].media.root)
    try:
        async with request.app[DB].session() as session:
            row = await custom_emojis.add_local(
                session,
                storage,
                shortcode,
                image.file,
                category=category,
                visible_in_picker=visible,
            )
            await action_log.record_emoji(session, admin, "create", row)
    except FedcityError as exc:
        if exc.status not in (413, 415, 422):
            raise
        errors = {FIELD_OF.get(exc.template, "image"): exc.localized(language)}
        return await _list_page(request, values, errors)
    raise web.HTTPSeeOther(f"{LIST}?done=uploaded")


async def _get(request: web.Request) -> CustomEmoji:
    async with request.app[DB].session() as session:
        row = await custom_emojis.get_local(session, int(request.match_info["id"]))
    if row is None:
        raise NotFound("No such emoji")
    return row


async def edit(request: web.Request) -> web.Response:
    admin_or_forbidden(request)
    row = _shown(request, await _get(request))
    return await _edit_page(request, row, row)


async def _edit_page(
    request: web.Request,
    emoji: dict[str, Any],
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> web.Response:
    context = {"emoji": emoji, "values": values}
    return await render_form(request, "admin/emoji_edit.html", context, errors)


async def save(request: web.Request) -> web.Response:
    admin = admin_or_forbidden(request).actor
    form = await read_form(request)
    category = form.get("category", "")
    visible = bool(form.get("visible_in_picker"))
    values = {"category": category, "visible_in_picker": visible}
    try:
        async with request.app[DB].session() as session:
            row = await custom_emojis.update_local(
                session,
                int(request.match_info["id"]),
                category=category,
                visible_in_picker=visible,
            )
            await action_log.record_emoji(session, admin, "update", row)
    except FedcityError as exc:
        if exc.status != 422:
            raise
        errors = {"category": exc.localized(page_language(request))}
        return await _edit_page(
            request, _shown(request, await _get(request)), values, errors
        )
    raise web.HTTPSeeOther(f"{LIST}?done=saved")


async def delete(request: web.Request) -> web.Response:
    admin = admin_or_forbidden(request).actor
    row = await _get(request)
    async with request.app[DB].session() as session:
        await action_log.record_emoji(session, admin, "destroy", row)
        await custom_emojis.remove_local(session, row.shortcode)
    raise web.HTTPSeeOther(f"{LIST}?done=deleted")


def add_routes(app: web.Application) -> None:
    r = app.router
    one = LIST + "/{id:[0-9]{1,18}}"
    r.add_get(LIST, index)
    r.add_post(LIST, upload)
    r.add_get(one + "/edit", edit)
    r.add_post(one, save)
    r.add_post(one + "/delete", delete)
