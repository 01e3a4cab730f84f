"""One's own profile: PATCH /api/v1/accounts/update_credentials (with avatar and
header uploads and the `source[…]` posting defaults) answering a CredentialAccount,
GET and PATCH /api/v1/profile (Mastodon 4.6) answering a Profile, and DELETE
/api/v1/profile/avatar and /api/v1/profile/header.

A multipart body is streamed (`media.receive_multipart`), not held in memory, so
images are not bound by the app-wide body limit but by the profile image limit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

from aiohttp import web
from multidict import MultiDict
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity import text
from fedcity.api import params
from fedcity.api.auth import api_session, authenticate, require_account
from fedcity.api.entities.accounts import (
    serialize_credential_account,
    serialize_profile,
)
from fedcity.api.entities.formats import Entity
from fedcity.api.statuses.media import limits_of, receive_multipart, storage_of
from fedcity.appkeys import FEDERATION
from fedcity.i18n import N_
from fedcity.ids import parse_id
from fedcity.services.accounts import (
    accounts,
    featured_tags,
    preferences,
    profile_images,
)
from fedcity.services.accounts.profile_display import DisplayUpdate
from fedcity.services.accounts.profile_images import AVATAR, HEADER, ProfileImage
from fedcity.services.accounts.scopes import has_scope
from fedcity.services.limits import MAX_NOTE, check_length
from fedcity.services.statuses import media
from fedcity.services.statuses.media import IncomingFile
from fedcity.storage.models import Actor
from fedcity.storage.queries import actors as q
from fedcity.urls import Urls


async def credential_account(
    request: web.Request, session: AsyncSession, me: Actor
) -> Entity:
    """The signed-in account with `source` (its posting defaults) and `role`."""
    user = await q.get_user_by_actor_id(session, me.id)
    return serialize_credential_account(
        me,
        request.app[FEDERATION].urls,
        user.role if user else "user",
        preferences.defaults_of(user),
        await q.count_follow_requests(session, me.id),
    )


async def profile_entity(
    request: web.Request, session: AsyncSession, me: Actor
) -> Entity:
    """The signed-in account's Profile, with its featured hashtags."""
    featured = await featured_tags.featured_tags(session, me)
    return serialize_profile(me, request.app[FEDERATION].urls, featured)


Render = Callable[[web.Request, AsyncSession, Actor], Awaitable[Entity]]


async def profile_show(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        # Mastodon lets a token holding only the `profile` scope read it.
        auth = await authenticate(request, session)
        profile_only = auth is not None and has_scope(auth.scopes, "profile")
        scope = "profile" if profile_only else "read:accounts"
        me = await require_account(request, session, scope)
        body = await profile_entity(request, session, me)
    return web.json_response(body)


async def profile_update(request: web.Request) -> web.Response:
    """As update_credentials, less the posting defaults (Mastodon ignores
    `source` here), answering the Profile."""
    return await _update(request, profile_entity, posting=False)


async def update_credentials(request: web.Request) -> web.Response:
    return await _update(request, credential_account, posting=True)


async def _update(
    request: web.Request, render: Render, *, posting: bool
) -> web.Response:
    urls = request.app[FEDERATION].urls
    storage = storage_of(request)
    async with api_session(request) as session:  # refuse before reading uploads
        await require_account(request, session, "write:accounts")
    limits = profile_images.limits(limits_of(request))
    async with AsyncExitStack() as stack:
        uploads = {
            which: await stack.enter_async_context(IncomingFile(storage, limits))
            for which in (AVATAR, HEADER)
        }
        p = await _read_form(request, {w.name: f for w, f in uploads.items()})
        update = _profile_update(p, urls)
        defaults = (
            _posting_update(p) if posting else preferences.PostingDefaultsUpdate()
        )
        written: list[str | None] = []
        replaced: list[str | None] = []
        try:
            async with api_session(request) as session:
                me = await require_account(request, session, "write:accounts")
                for which, incoming in uploads.items():
                    if incoming.size:
                        replaced.append(
                            await profile_images.set_image(
                                storage, urls, me, which, incoming
                            )
                        )
                        written.append(_current(urls, me, which))
                if defaults != preferences.PostingDefaultsUpdate():
                    await preferences.update_posting_defaults(session, me, defaults)
                await accounts.update_profile(session, me, update)
                body = await render(request, session, me)
        except BaseException:
            await media.discard_files(storage, written)
            raise
    await media.discard_files(storage, replaced)
    return web.json_response(body)


def _current(urls: Urls, actor: Actor, which: ProfileImage) -> str | None:
    return profile_images.stored_path(urls, getattr(actor, which.attribute))


async def delete_avatar(request: web.Request) -> web.Response:
    return await _delete_image(request, AVATAR)


async def delete_header(request: web.Request) -> web.Response:
    return await _delete_image(request, HEADER)


async def _delete_image(request: web.Request, which: ProfileImage) -> web.Response:
    """Back to the default image; followers' servers hear an Update of the actor."""
    urls = request.app[FEDERATION].urls
    async with api_session(request) as session:
        me = await require_account(request, session, "write:accounts")
        had_one = getattr(me, which.attribute) is not None
        replaced = await profile_images.remove_image(session, urls, me, which)
        if had_one:
            await accounts.announce_profile_change(session, me)
        body = await credential_account(request, session, me)
    await media.discard_files(storage_of(request), [replaced])
    return web.json_response(body)


# --- reading the form -------------------------------------------------------------


async def _read_form(
    request: web.Request, files: dict[str, IncomingFile]
) -> MultiDict[Any]:
    """Query, form or JSON fields; from a multipart body, the images are streamed
    into `files` and every other part is a text field."""
    if not request.content_type.startswith("multipart/"):
        return await params.read_params(request)
    p: MultiDict[Any] = MultiDict(request.query)
    p.extend(
        await receive_multipart(
            request,
            files,
            keep=lambda _: True,
            discard_limit=profile_images.MAX_BYTES,
        )
    )
    return p


def _profile_update(p: MultiDict[Any], urls: Urls) -> accounts.ProfileUpdate:
    note = p.get("note")
    # Mastodon counts the bio the client wrote, not the HTML made of it.
    check_length(N_("Note"), None if note is None else str(note), MAX_NOTE)

    def flag(key: str) -> bool | None:
        return params.boolean(p, key) if key in p else None

    return accounts.ProfileUpdate(
        display_name=_text(p, "display_name"),
        note_html=(
            text.render_plain_text(
                str(note), mention_url=lambda _: None, tag_url=urls.tag
            )
            if note is not None
            else None
        ),
        locked=flag("locked"),
        bot=flag("bot"),
        discoverable=flag("discoverable"),
        indexable=flag("indexable"),
        hide_collections=flag("hide_collections"),
        fields=_profile_fields(p),
        attribution_domains=(
            [d for d in params.list_param(p, "attribution_domains") if d]
            if "attribution_domains" in p or "attribution_domains[]" in p
            else None
        ),
        display=_display_update(p),
    )


def _display_update(p: MultiDict[Any]) -> DisplayUpdate:
    """Alt texts (an empty one clears it) and the profile tabs."""
    return DisplayUpdate(
        avatar_description=_text(p, "avatar_description"),
        header_description=_text(p, "header_description"),
        show_media=params.optional_bool(p, "show_media"),
        show_media_replies=params.optional_bool(p, "show_media_replies"),
        show_featured=params.optional_bool(p, "show_featured"),
    )


def _text(p: MultiDict[Any], key: str) -> str | None:
    return str(p[key]) if key in p else None


def _posting_update(p: MultiDict[Any]) -> preferences.PostingDefaultsUpdate:
    """`source[privacy]`, `source[sensitive]`, `source[language]` (form), or a
    `source` object (JSON)."""
    nested = p.get("source")
    source = nested if isinstance(nested, dict) else {}

    def value(key: str) -> Any:
        return source[key] if key in source else p.get(f"source[{key}]")

    privacy, sensitive, language = (
        value(k) for k in ("privacy", "sensitive", "language")
    )
    return preferences.PostingDefaultsUpdate(
        privacy=None if privacy is None else str(privacy),
        sensitive=None if sensitive is None else params.as_bool(sensitive),
        language=None if language is None else str(language),
    )


def _profile_fields(p: MultiDict[Any]) -> list[dict[str, str]] | None:
    """fields_attributes[0][name]=…&fields_attributes[0][value]=… (form) or a JSON list."""
    found: dict[int, dict[str, str]] = {}
    listed = list(p.getall("fields_attributes[]", []))
    nested = p.get("fields_attributes")
    if isinstance(nested, dict):  # JSON {"0": {"name": …, "value": …}}
        listed += [nested[k] for k in sorted(nested, key=str)]
    for index, item in enumerate(listed):
        if isinstance(item, dict):
            found[index] = {k: str(item.get(k, "")) for k in ("name", "value")}
    for key, value in p.items():
        if not key.startswith("fields_attributes["):
            continue
        parts = key.replace("]", "").split("[")
        position = parse_id(parts[1]) if len(parts) == 3 else None
        if position is not None and parts[2] in ("name", "value"):
            found.setdefault(position, {})[parts[2]] = str(value)
    if not found:
        return None
    return [
        {"name": f.get("name", ""), "value": f.get("value", "")}
        for _, f in sorted(found.items())
        if f.get("name")
    ]
