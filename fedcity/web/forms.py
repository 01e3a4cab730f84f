"""Reading browser forms: text fields as strings, and where to go afterwards."""

from __future__ import annotations

from aiohttp import web
from multidict import MultiDict

from fedcity.api.params import read_form as read_raw_form
from fedcity.api.params import refuse_nul


async def read_form(request: web.Request) -> MultiDict[str]:
    """The form's text fields (files are left out; `files` reads them)."""
    raw = await read_raw_form(request)
    fields = MultiDict(
        (key, value) for key, value in raw.items() if isinstance(value, str)
    )
    refuse_nul(list(fields.items()))
    return fields


def safe_next(target: str | None, default: str = "/") -> str:
    """A path on this site to go to after a form; never another site, so a link
    cannot send someone elsewhere after signing in (an open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    return target


def see_other(location: str) -> web.Response:
    """303 See Other: where to go after a form (a response, not the exception,
    so that cookies can be set on it)."""
    return web.Response(status=303, headers={"Location": location})
