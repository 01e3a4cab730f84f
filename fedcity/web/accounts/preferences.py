"""/settings/preferences: the language of the pages, and the posting defaults
that apps see as `source[privacy|sensitive|language]` (services/accounts/
preferences.py, the same rules as update_credentials)."""

from __future__ import annotations

from functools import cache
from typing import Any

from aiohttp import web
from babel import Locale

from fedcity import i18n
from fedcity.api.auth import api_session
from fedcity.errors import Unprocessable
from fedcity.i18n import N_
from fedcity.services.accounts import preferences
from fedcity.services.accounts.sessions import SignedIn
from fedcity.storage.models import Visibility
from fedcity.web.accounts.guard import signed_in_or_redirect
from fedcity.web.forms import read_form, see_other
from fedcity.web.templating import (
    LANGUAGE_COOKIE,
    page_language,
    remember_language,
    render,
)

PAGE = "/settings/preferences"
SAVED = N_("Your preferences are saved.")
PRIVACIES = {
    Visibility.PUBLIC: N_("Public: anyone, on every timeline"),
    Visibility.UNLISTED: N_("Quiet public: anyone, but not on public timelines"),
    Visibility.PRIVATE: N_("Followers only"),
}


@cache
def posting_languages(language: str) -> list[tuple[str, str]]:
    """The two-letter languages, named in `language`, sorted by name."""
    names = Locale.parse(language).languages
    found = {code: name for code, name in names.items() if len(code) == 2}
    return sorted(found.items(), key=lambda item: item[1].casefold())


def _values_of(signed: SignedIn) -> dict[str, Any]:
    defaults = preferences.defaults_of(signed.user)
    return {
        "interface_language": signed.user.locale or "",
        "privacy": str(defaults.privacy),
        "sensitive": defaults.sensitive,
        "posting_language": defaults.language or "",
    }


async def _page(
    request: web.Request,
    values: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    language = page_language(request)
    saved = request.query.get("saved") == "1" and not errors
    return await render(
        request,
        "accounts/preferences.html",
        {
            "values": values,
            "errors": errors or {},
            "saved": i18n.translate(language, SAVED) if saved else None,
            "privacies": [
                (str(v), i18n.translate(language, label))
                for v, label in PRIVACIES.items()
            ],
            "posting_languages": posting_languages(language),
        },
        status=status,
    )


async def preferences_page(request: web.Request) -> web.StreamResponse:
    return await _page(request, _values_of(signed_in_or_redirect(request)))


async def preferences_save(request: web.Request) -> web.StreamResponse:
    signed = signed_in_or_redirect(request)
    form = await read_form(request)
    values: dict[str, Any] = {
        "interface_language": form.get("interface_language", ""),
        "privacy": form.get("privacy", str(Visibility.PUBLIC)),
        "sensitive": form.get("sensitive") == "1",
        "posting_language": form.get("posting_language", ""),
    }
    interface = values["interface_language"] or None
    try:
        async with api_session(request) as session:
            await preferences.update_posting_defaults(
                session,
                signed.actor,
                preferences.PostingDefaultsUpdate(
                    privacy=values["privacy"],
                    sensitive=values["sensitive"],
                    language=values["posting_language"],
                ),
            )
            await preferences.set_interface_language(session, signed.actor, interface)
    except Unprocessable as exc:
        field = "privacy" if "privacy" in exc.template else "posting_language"
        if "not available" in exc.template:
            field = "interface_language"
        message = exc.localized(page_language(request))
        return await _page(request, values, errors={field: message}, status=422)
    response = see_other(PAGE + "?saved=1")
    if interface is None:
        response.del_cookie(LANGUAGE_COOKIE, path="/")
    else:
        remember_language(request, response, interface)
    return response


def add_routes(app: web.Application) -> None:
    app.router.add_get(PAGE, preferences_page)
    app.router.add_post(PAGE, preferences_save)
