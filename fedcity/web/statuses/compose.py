"""/compose: write a post (text, content warning, visibility, language, media with
alt text, a poll), or a reply with `?in_reply_to=ID`. The same form heads /home.

Uploads are stored by the media service POST /api/v2/media uses, and the post is
published by the use case behind POST /api/v1/statuses (`publishing`), so a post
from the browser federates exactly as one from an app. Uploads are kept when the
form comes back with an error (422), so nobody has to choose their files again.
"""

from __future__ import annotations

import re
from contextlib import AsyncExitStack
from typing import Any

from aiohttp import web
from multidict import MultiDict, MultiMapping

from fedcity import i18n
from fedcity.api.entities.formats import Entity
from fedcity.api.entities.statuses import serialize_media, serialize_one_status
from fedcity.api.statuses.media import limits_of, storage_of
from fedcity.appkeys import DB, FEDERATION
from fedcity.errors import FedcityError, NotFound
from fedcity.federation.actors import mention_resolver
from fedcity.ids import parse_id
from fedcity.services import limits
from fedcity.services.accounts.preferences import defaults_of
from fedcity.services.accounts.sessions import SignedIn
from fedcity.services.statuses import media, publishing
from fedcity.services.statuses.visibility import get_visible_post
from fedcity.storage.models import Actor, Post
from fedcity.storage.queries import actors as actor_q
from fedcity.web.accounts.guard import signed_in_or_redirect
from fedcity.web.sessions import check_csrf, streams_its_form
from fedcity.web.statuses import form as compose_form
from fedcity.web.templating import page_language, render
from fedcity.web.uploads import Upload, receive_form

# Visibilities from the most open; a reply is never more open than its post.
OPENNESS = ("public", "unlisted", "private", "direct")
# `?mention=` of a message: `name` or `name@domain`, at most ten of them.
HANDLE = re.compile(
    r"[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?(@[A-Za-z0-9.-]+(:[0-9]{1,5})?)?"
)
MAX_MENTIONS = 10


# `session` below: an AsyncSession from `request.app[DB].session()` (the web
# layer names no SQLAlchemy type, see the import-linter contract).


async def account_of(session: Any, signed: SignedIn) -> Actor:
    """The signed-in account, loaded in `session` (the one the session middleware
    read belongs to a transaction that has ended)."""
    actor = await actor_q.get_actor_by_id(session, signed.actor.id)
    if actor is None:
        raise NotFound()
    return actor


def compose_context(
    request: web.Request,
    form: compose_form.ComposeForm,
    errors: dict[str, str] | None = None,
    reply_to: Entity | None = None,
) -> dict[str, Any]:
    """What templates/statuses/compose_form.html needs to draw the form."""
    language = page_language(request)

    def translated(pairs: Any) -> list[tuple[str, str]]:
        return [(str(v), i18n.translate(language, text)) for v, text in pairs]

    return {
        "form": form,
        "errors": errors or {},
        "reply_to": reply_to,
        "max_characters": limits.MAX_STATUS_CHARACTERS,
        "visibilities": translated(compose_form.VISIBILITIES),
        "poll_durations": translated(compose_form.POLL_DURATIONS),
        "post_languages": compose_form.language_choices(language),
        "missing_alt": [m for m in form.media if not m.description],
    }


def new_form(signed: SignedIn) -> compose_form.ComposeForm:
    defaults = defaults_of(signed.user)
    return compose_form.ComposeForm(
        visibility=defaults.privacy.value,
        sensitive=defaults.sensitive,
        language=defaults.language or "",
    )


async def compose_page(request: web.Request) -> web.Response:
    signed = signed_in_or_redirect(request)
    form = new_form(signed)
    reply_to = None
    if (target := parse_id(request.query.get("in_reply_to"))) is not None:
        async with request.app[DB].session() as session:
            me = await account_of(session, signed)
            post = await get_visible_post(session, me, target)
            reply_to = await serialize_one_status(
                session, post, me, request.app[FEDERATION].urls
            )
        _prefill_reply(form, reply_to, signed.actor)
    else:
        _prefill_message(form, request.query)
    return await _page(request, form, reply_to=reply_to)


def _prefill_message(form: compose_form.ComposeForm, query: MultiMapping[str]) -> None:
    """`?mention=HANDLE` (repeated) and `?visibility=`: a message to those
    accounts, as the library's "contact the author" links ask (a direct one)."""
    handles = [h.lstrip("@") for h in query.getall("mention", [])]
    kept = [h for h in dict.fromkeys(handles) if HANDLE.fullmatch(h)][:MAX_MENTIONS]
    form.status = "".join(f"@{handle} " for handle in kept)
    if query.get("visibility") in OPENNESS:
        form.visibility = query["visibility"]


def _prefill_reply(form: compose_form.ComposeForm, parent: Entity, me: Actor) -> None:
    """Mention the post's author and the people it mentions (not oneself), keep
    its content warning, and answer no more openly than it was posted."""
    handles = [parent["account"]["acct"]]
    handles += [m["acct"] for m in parent.get("mentions", [])]
    seen: list[str] = []
    for handle in handles:
        if handle != me.username and handle not in seen:
            seen.append(handle)
    form.in_reply_to_id = str(parent["id"])
    form.status = "".join(f"@{handle} " for handle in seen)
    form.spoiler_text = parent.get("spoiler_text") or ""
    if OPENNESS.index(parent["visibility"]) > OPENNESS.index(form.visibility):
        form.visibility = parent["visibility"]


async def _page(
    request: web.Request,
    form: compose_form.ComposeForm,
    errors: dict[str, str] | None = None,
    reply_to: Entity | None = None,
    status: int = 200,
) -> web.Response:
    context = compose_context(request, form, errors, reply_to)
    return await render(request, "statuses/compose.html", context, status=status)


@streams_its_form
async def publish(request: web.Request) -> web.StreamResponse:
    """POST /compose: store the uploads, then post; 303 to the new post's page,
    or the form again (422) with what was wrong."""
    signed = signed_in_or_redirect(request)
    language = page_language(request)
    storage, media_limits = storage_of(request), limits_of(request)
    fed = request.app[FEDERATION]
    async with AsyncExitStack() as stack:
        uploads = {
            f"file_{i}": Upload(storage, media_limits)
            for i in range(1, compose_form.SLOTS + 1)
        }
        for upload in uploads.values():
            await stack.enter_async_context(upload)  # removes its temporary file

        async def csrf_checked(fields: MultiDict[str]) -> None:
            await check_csrf(request, fields.get("csrf_token", ""))

        fields = await receive_form(request, uploads, before_files=csrf_checked)
        await csrf_checked(fields)
        form = compose_form.read(fields)
        errors = await _store_media(request, signed, form, fields, uploads)
    errors = compose_form.check(form, language) | errors
    if not errors:
        try:  # outside the transaction: a refused post leaves nothing behind
            async with request.app[DB].session() as session:
                me = await account_of(session, signed)
                post = await publishing.publish_status(
                    session,
                    fed.urls,
                    me,
                    compose_form.command(form, [int(m.id) for m in form.media]),
                    resolve=mention_resolver(fed),
                )
                assert isinstance(post, Post)  # nothing is scheduled from here
                target = fed.urls.status_page(me.username, post.id)
        except FedcityError as exc:
            errors[""] = exc.localized(language)
    if errors:
        reply_to = await _reply_target(request, signed, form.in_reply_to_id)
        return await _page(request, form, errors, reply_to, status=422)
    fed.wake_worker()
    raise web.HTTPSeeOther(target)


async def _reply_target(
    request: web.Request, signed: SignedIn, post_id: str
) -> Entity | None:
    """The post a reply answers, to show again above the form; None if none."""
    target = parse_id(post_id)
    if target is None:
        return None
    async with request.app[DB].session() as session:
        me = await account_of(session, signed)
        try:
            post = await get_visible_post(session, me, target)
        except FedcityError:
            return None
        return await serialize_one_status(
            session, post, me, request.app[FEDERATION].urls
        )


async def _store_media(
    request: web.Request,
    signed: SignedIn,
    form: compose_form.ComposeForm,
    fields: Any,
    uploads: dict[str, Upload],
) -> dict[str, str]:
    """Keep the earlier uploads still checked (with their descriptions as now
    written), and store the new files; errors by file field."""
    language = page_language(request)
    urls = request.app[FEDERATION].urls
    errors: dict[str, str] = {}
    storage = storage_of(request)
    async with request.app[DB].session() as session:
        me = await account_of(session, signed)
        for media_id in compose_form.kept_media_ids(fields):
            description = fields.get(f"media_description_{media_id}", "").strip()
            try:
                row = await media.update_media(
                    session, me, media_id, description=description
                )
            except FedcityError:
                continue  # not one's own, or already posted: dropped
            form.media.append(_kept(row, urls))
    for slot, (name, upload) in enumerate(uploads.items()):
        if upload.error is not None:
            errors[name] = upload.error.localized(language)
        elif upload.size and len(form.media) < compose_form.SLOTS:
            try:
                async with request.app[DB].session() as session:
                    me = await account_of(session, signed)
                    row = await media.create_media(
                        session,
                        storage,
                        me,
                        upload,
                        description=form.descriptions[slot] or None,
                    )
                    form.media.append(_kept(row, urls))
            except FedcityError as exc:
                errors[name] = exc.localized(language)
    form.descriptions = [""] * compose_form.SLOTS
    return errors


def _kept(row: Any, urls: Any) -> compose_form.KeptMedia:
    entity = serialize_media(row, urls)
    return compose_form.KeptMedia(
        id=str(entity["id"]),
        preview_url=str(entity.get("preview_url") or entity.get("url") or ""),
        description=str(entity.get("description") or ""),
        kind=str(entity.get("type") or "unknown"),
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/compose", compose_page)
    app.router.add_post("/compose", publish)
