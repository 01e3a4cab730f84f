"""Error pages for browsers (404, 410, 403, 429, 500 …) in the site's layout and
the visitor's language: a title, what happened, where to go next; never a stack
trace."""

from __future__ import annotations

import logging

from aiohttp import web

from fedcity import i18n
from fedcity.web.templating import page_language, render

log = logging.getLogger(__name__)

N_ = i18n.N_
TITLES = {
    400: N_("That request could not be understood"),
    401: N_("Please sign in"),
    403: N_("You may not do that"),
    404: N_("Page not found"),
    405: N_("That request could not be understood"),
    410: N_("This page is gone"),
    413: N_("That upload is too large"),
    422: N_("That request could not be understood"),
    429: N_("Too many requests"),
    500: N_("Something went wrong"),
    503: N_("Service temporarily unavailable"),
}
DEFAULT_TITLE = N_("Something went wrong")

__all__ = ["page_language", "render_error"]


async def render_error(
    request: web.Request, status: int, message: str, *, translated: bool = False
) -> web.Response:
    """The error page of `status`; `message` is an English source string unless
    `translated`."""
    language = page_language(request)
    title = i18n.translate(language, TITLES.get(status, DEFAULT_TITLE))
    text = message if translated else i18n.translate(language, message)
    try:
        return await render(
            request,
            "errors/error.html",
            {"status": status, "title": title, "message": text},
            status=status,
        )
    except Exception:
        # The layout itself failed (a broken template, no database): plain text,
        # still no trace.
        log.exception("error page for %s failed", status)
        return web.Response(status=status, text=f"{status} {title}\n\n{text}\n")
