"""The line an admin page shows after a change (`?done=…` of its redirect)."""

from __future__ import annotations

from aiohttp import web

from fedcity import i18n
from fedcity.web.templating import page_language

N_ = i18n.N_
NOTICES = {
    "created": N_("Created."),
    "saved": N_("Changes saved."),
    "deleted": N_("Deleted."),
    "published": N_("Published: apps show it to every account."),
    "unpublished": N_("Unpublished: apps no longer show it."),
    "uploaded": N_("Emoji added."),
    "assigned": N_("You took the report on."),
    "unassigned": N_("The report is back in the queue."),
    "resolved": N_("Report resolved."),
    "reopened": N_("Report reopened."),
    "acted": N_("Action taken on the account."),
    "undone": N_("The restriction is lifted."),
}


def notice_of(request: web.Request) -> str:
    """The translated notice of `?done=`, or "" for none (or an unknown one)."""
    message = NOTICES.get(request.query.get("done", ""))
    return i18n.translate(page_language(request), message) if message else ""
