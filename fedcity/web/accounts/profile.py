"""/settings/profile: name, bio, profile fields, avatar and header with their
descriptions, the account's flags, and the capacity it speaks in (issue 11).

It saves through the same services as PATCH /api/v1/accounts/update_credentials
(`profile_images.set_image`, `accounts.update_profile`), so followers' servers
hear the same Update of the actor whichever way the profile changed.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Any

from aiohttp import web
from multidict import MultiDict

from fedcity import i18n, text
from fedcity.api.auth import api_session
from fedcity.api.statuses.media import limits_of, storage_of
from fedcity.appkeys import FEDERATION
from fedcity.errors import FedcityError, Unprocessable
from fedcity.i18n import N_
from fedcity.services import limits
from fedcity.services.accounts import accounts, profile_images, sign_in
from fedcity.services.accounts.profile_display import DisplayUpdate
from fedcity.services.accounts.profile_images import AVATAR, HEADER, ProfileImage
from fedcity.services.accounts.sessions import SignedIn
from fedcity.services.offices import attestations as offices
from fedcity.services.offices.vocabulary import CAPACITIES
from fedcity.services.statuses import media
from fedcity.storage.models import Actor
from fedcity.web.accounts.guard import signed_in_or_redirect
from fedcity.web.sessions import CSRF_FIELD, check_csrf, streams_its_form
from fedcity.web.templating import page_language, render
from fedcity.web.uploads import Upload, receive_form

PAGE = "/settings/profile"
FLAGS = ("locked", "bot", "discoverable", "indexable")
TOO_LONG = N_("This is too long: at most {count} characters")
FIELD_NEEDS_LABEL = N_("A field with content needs a label too")
SAVED = N_("Your profile is saved.")
NO_SUCH_CAPACITY = N_("Choose official, personal or campaign")


def _values_of(actor: Actor) -> dict[str, Any]:
    fields = [dict(f) for f in actor.fields][: limits.MAX_PROFILE_FIELDS]
    fields += [{"name": "", "value": ""}] * (limits.MAX_PROFILE_FIELDS - len(fields))
    return {
        "display_name": actor.display_name,
        "note": text.html_to_text(actor.summary),
        "fields": fields,
        "avatar_description": actor.avatar_description,
        "header_description": actor.header_description,
        **{flag: getattr(actor, flag) for flag in FLAGS},
        "capacity": actor.capacity,
    }


def _values_from(form: Any) -> dict[str, Any]:
    return {
        "display_name": form.get("display_name", ""),
        "note": form.get("note", ""),
        "fields": [
            {
                "name": form.get(f"field_name_{i}", "").strip(),
                "value": form.get(f"field_value_{i}", "").strip(),
            }
            for i in range(limits.MAX_PROFILE_FIELDS)
        ],
        "avatar_description": form.get("avatar_description", ""),
        "header_description": form.get("header_description", ""),
        **{flag: form.get(flag) == "1" for flag in FLAGS},
        "capacity": form.get("capacity", "personal"),
    }


async def _page(
    request: web.Request,
    actor: Actor,
    values: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    saved = request.query.get("saved") == "1" and not errors
    language = page_language(request)
    return await render(
        request,
        "accounts/edit_profile.html",
        {
            "values": values,
            "avatar_url": actor.avatar_url,
            "header_url": actor.header_url,
            "errors": errors or {},
            "saved": i18n.translate(language, SAVED) if saved else None,
            "max_note": limits.MAX_NOTE,
        },
        status=status,
    )


async def profile_page(request: web.Request) -> web.StreamResponse:
    signed = signed_in_or_redirect(request)
    return await _page(request, signed.actor, _values_of(signed.actor))


def _problems(language: str, values: dict[str, Any]) -> dict[str, str]:
    def too_long(count: int) -> str:
        return i18n.translate(language, TOO_LONG, {"count": count})

    errors: dict[str, str] = {}
    if len(values["display_name"]) > limits.MAX_DISPLAY_NAME:
        errors["display_name"] = too_long(limits.MAX_DISPLAY_NAME)
    if len(values["note"]) > limits.MAX_NOTE:
        errors["note"] = too_long(limits.MAX_NOTE)
    for i, item in enumerate(values["fields"]):
        if len(item["name"]) > limits.MAX_PROFILE_FIELD_NAME:
            errors[f"field_name_{i}"] = too_long(limits.MAX_PROFILE_FIELD_NAME)
        elif item["value"] and not item["name"]:
            errors[f"field_name_{i}"] = i18n.translate(language, FIELD_NEEDS_LABEL)
        if len(item["value"]) > limits.MAX_PROFILE_FIELD_VALUE:
            errors[f"field_value_{i}"] = too_long(limits.MAX_PROFILE_FIELD_VALUE)
    for name in ("avatar_description", "header_description"):
        if len(values[name]) > limits.MAX_MEDIA_DESCRIPTION:
            errors[name] = too_long(limits.MAX_MEDIA_DESCRIPTION)
    if values["capacity"] not in CAPACITIES:
        errors["capacity"] = i18n.translate(language, NO_SUCH_CAPACITY)
    return errors


def _update(request: web.Request, values: dict[str, Any]) -> accounts.ProfileUpdate:
    urls = request.app[FEDERATION].urls
    return accounts.ProfileUpdate(
        display_name=values["display_name"],
        note_html=text.render_plain_text(
            values["note"], mention_url=lambda _: None, tag_url=urls.tag
        ),
        fields=[f for f in values["fields"] if f["name"]],
        display=DisplayUpdate(
            avatar_description=values["avatar_description"],
            header_description=values["header_description"],
        ),
        **{flag: values[flag] for flag in FLAGS},
    )


class ImageProblem(Exception):
    def __init__(self, which: ProfileImage, error: FedcityError) -> None:
        super().__init__(error.message)
        self.which = which
        self.error = error


async def _save(
    request: web.Request,
    signed: SignedIn,
    values: dict[str, Any],
    uploads: dict[ProfileImage, Upload],
) -> None:
    urls = request.app[FEDERATION].urls
    storage = storage_of(request)
    written: list[str | None] = []
    replaced: list[str | None] = []
    try:
        async with api_session(request) as session:
            found = await sign_in.login_of(session, signed.actor.id)
            if found is None:
                raise web.HTTPSeeOther(PAGE)
            me = found.actor
            for which, upload in uploads.items():
                try:
                    if upload.error is not None:
                        raise upload.error
                    replaced.append(
                        await profile_images.set_image(storage, urls, me, which, upload)
                    )
                except FedcityError as exc:
                    raise ImageProblem(which, exc) from exc
                written.append(
                    profile_images.stored_path(urls, getattr(me, which.attribute))
                )
            await accounts.update_profile(session, me, _update(request, values))
            if values["capacity"] != me.capacity:
                await offices.set_capacity(session, me, values["capacity"])
    except BaseException:
        await media.discard_files(storage, written)
        raise
    await media.discard_files(storage, replaced)


@streams_its_form
async def profile_save(request: web.Request) -> web.StreamResponse:
    signed = signed_in_or_redirect(request)
    limit = profile_images.limits(limits_of(request))
    language = page_language(request)
    async with AsyncExitStack() as stack:
        files = {
            which: Upload(storage_of(request), limit) for which in (AVATAR, HEADER)
        }
        for upload in files.values():
            await stack.enter_async_context(upload)

        async def csrf_first(fields: MultiDict[str]) -> None:
            # The token comes before the files: a forged form writes nothing.
            await check_csrf(request, fields.get(CSRF_FIELD, ""))

        form = await receive_form(
            request, {which.name: f for which, f in files.items()}, csrf_first
        )
        await check_csrf(request, form.get(CSRF_FIELD, ""))
        values = _values_from(form)
        errors = _problems(language, values)
        if not errors:
            chosen = {which: f for which, f in files.items() if f.filename}
            try:
                await _save(request, signed, values, chosen)
            except ImageProblem as exc:
                errors[exc.which.name] = exc.error.localized(language)
            except Unprocessable as exc:
                errors["display_name"] = exc.localized(language)
    if errors:
        return await _page(request, signed.actor, values, errors=errors, status=422)
    raise web.HTTPSeeOther(PAGE + "?saved=1")


def add_routes(app: web.Application) -> None:
    app.router.add_get(PAGE, profile_page)
    app.router.add_post(PAGE, profile_save)
