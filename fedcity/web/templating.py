"""Server-rendered pages: Jinja2 through aiohttp-jinja2, in the visitor's language.

Templates live under `fedcity/web/templates/<domain>/`, extend `base.html` and
build their parts from the macros in `templates/macros/`; docs/web.md says how a
feature adds its pages. `render` gives every template the same context: the
gettext callables of the chosen language (so `{% trans %}` and `_()` work), the
signed-in account, the CSRF token for forms, and the instance's settings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from babel.dates import format_datetime
from babel.numbers import format_decimal

from fedcity import i18n
from fedcity.appkeys import SETTINGS
from fedcity.web.paths import STATIC_PREFIX
from fedcity.web.sessions import (
    csrf_token,
    keep_csrf_nonce,
    set_cookie,
    viewer,
)

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "assets"
LANGUAGE_COOKIE = "fedcity_lang"
# Each language's own name, as a language switcher shows it.
LANGUAGE_NAMES = {"en": "English", "es": "Español"}


def setup(app: web.Application) -> None:
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    app.router.add_static(STATIC_PREFIX, STATIC, name="assets")


def page_language(request: web.Request) -> str:
    """The `lang` parameter, the language chosen on the site (cookie), the
    account's setting, then Accept-Language; English otherwise."""
    signed = viewer(request)
    return i18n.pick_language(
        lang=request.query.get("lang") or request.cookies.get(LANGUAGE_COOKIE),
        account=signed.user.locale if signed else None,
        accept_language=request.headers.get("Accept-Language"),
    )


def remember_language(
    request: web.Request, response: web.StreamResponse, language: str
) -> None:
    set_cookie(request, response, LANGUAGE_COOKIE, language, 365 * 24 * 3600)


@cache
def _static_version(name: str) -> str:
    # A digest of the file, so that a new release's CSS is never read from cache.
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    return f"{STATIC_PREFIX}{name}?v={_static_version(name)}"


def _when(language: str) -> Callable[[datetime | None], str]:
    def when(moment: datetime | str | None) -> str:
        if not moment:
            return ""
        if isinstance(moment, str):  # an API entity's timestamp
            moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
        return format_datetime(moment, "medium", locale=language)

    return when


def _number(language: str) -> Callable[[int], str]:
    def number(value: int) -> str:
        return format_decimal(value, locale=language)

    return number


async def page_context(request: web.Request) -> dict[str, Any]:
    language = page_language(request)
    catalogue = i18n.translations(language)
    signed = viewer(request)
    return {
        "gettext": catalogue.gettext,
        "ngettext": catalogue.ngettext,
        "_": catalogue.gettext,
        "lang": language,
        "languages": LANGUAGE_NAMES,
        "instance": request.app[SETTINGS].instance,
        "viewer": signed,
        "me": signed.actor if signed else None,
        "is_admin": bool(signed and signed.user.role in ("admin", "owner")),
        # Whether anyone may sign up without an invite (issue 12).
        "sign_ups_open": request.app[SETTINGS].registration.mode
        in ("open", "approval"),
        "csrf_token": await csrf_token(request),
        "static": static_url,
        "when": _when(language),
        "number": _number(language),
        "path": request.path_qs,
        "alternates": [],
    }


async def render(
    request: web.Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
) -> web.Response:
    """`template` rendered in the visitor's language, as a complete answer."""
    values = await page_context(request)
    values.update(context or {})
    response = aiohttp_jinja2.render_template(template, request, values, status=status)
    # The same URL answers HTML or ActivityPub JSON, in one language or another,
    # signed in or not.
    response.headers["Vary"] = "Accept, Accept-Language, Cookie"
    if values["viewer"] is not None:
        response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Language"] = values["lang"]
    keep_csrf_nonce(request, response)
    return response


async def render_form(
    request: web.Request,
    template: str,
    context: Mapping[str, Any],
    errors: Mapping[str, str] | None = None,
) -> web.Response:
    """A form page: its `errors` (per field) in the context, and 422 when there
    are any, so that the form comes back with the values kept."""
    values = {**context, "errors": errors or {}}
    return await render(request, template, values, status=422 if errors else 200)
