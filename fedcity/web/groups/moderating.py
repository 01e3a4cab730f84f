"""What the moderators' pages of a group share (issue 13; docs/web.md, "Groups'
pages"): `/@NAME/moderation/…`, for the group's moderators and this instance's
admins (services.groups.moderation.moderated_group: anyone else gets the 403
page, someone signed out the sign-in page).

Every action is a POST form with the CSRF token that answers 303 to a page with
`?done=…`, whose notice says what was done; an action the rules refuse comes
back as its page with the reason (422). The group itself not found, or a viewer
who may not moderate it, is the 404 or 403 page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from fedcity import i18n
from fedcity.appkeys import DB, FEDERATION
from fedcity.errors import FedcityError, NotFound, Unprocessable
from fedcity.ids import parse_id
from fedcity.services.groups import moderation
from fedcity.storage.models import Actor, Group
from fedcity.storage.queries.posts import Page
from fedcity.web.accounts.guard import signed_in_or_redirect
from fedcity.web.accounts.profile_page import handle_of
from fedcity.web.groups.group_page import group_path
from fedcity.web.statuses.compose import account_of
from fedcity.web.templating import page_language, render

N_ = i18n.N_
PER_PAGE = 40
# What a page says after an action (`?done=`).
NOTICES = {
    "approved": N_("Request approved: the account is a member now."),
    "rejected": N_("Request refused."),
    "banned": N_("The account is banned from the group."),
    "unbanned": N_("The ban is lifted."),
    "saved": N_("Changes saved."),
    "removed": N_("The post is removed from the group."),
    "locked": N_("The thread is locked: it takes no new replies."),
    "unlocked": N_("The thread is unlocked: it takes replies again."),
    "pinned": N_("The thread is pinned to the top of the group."),
    "unpinned": N_("The thread is no longer pinned."),
}


@dataclass(frozen=True)
class Moderating:
    """Who moderates which group, on one of its moderation pages."""

    me: Actor
    actor: Actor  # the group's
    group: Group
    admin: bool  # an admin of this instance (sees who reported)


def group_name(request: web.Request) -> str:
    return request.match_info["username"]


def moderation_path(name: str, rest: str = "") -> str:
    """`/@NAME/moderation` and the pages under it."""
    return f"/@{name}/moderation{rest}"


def notice_of(request: web.Request) -> str:
    """The translated notice of `?done=`, or "" for none (or an unknown one)."""
    message = NOTICES.get(request.query.get("done", ""))
    return i18n.translate(page_language(request), message) if message else ""


def page_of(request: web.Request) -> Page:
    """`?max_id=` of a list paged newest first."""
    return Page(max_id=parse_id(request.query.get("max_id")), limit=PER_PAGE)


async def moderating(session: Any, request: web.Request) -> Moderating:
    """The signed-in moderator and the group of the path.

    Raises:
        HTTPSeeOther: nobody is signed in (to the sign-in page).
        NotFound: no such group here. Forbidden: not its moderator nor an admin.
    """
    signed = signed_in_or_redirect(request)
    me = await account_of(session, signed)
    group, actor = await moderation.moderated_group(session, me, group_name(request))
    return Moderating(me, actor, group, await moderation.is_admin(session, me))


async def moderation_page(
    request: web.Request,
    mod: Moderating,
    template: str,
    context: Mapping[str, Any],
    *,
    errors: Mapping[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    """One of the moderation pages, with the group it is about, the notice of
    the last action and the errors of a refused one."""
    actor = mod.actor
    path = group_path(actor)
    values = {
        "group": {
            "name": actor.display_name or actor.username,
            "handle": handle_of(request, actor),
            "path": path,
            "base": f"{path}/moderation",
            "admin": mod.admin,
        },
        "notice": notice_of(request),
        "errors": errors or {},
        **context,
    }
    return await render(request, template, values, status=status)


def refusal(
    request: web.Request, error: FedcityError, fields: Mapping[str, str]
) -> dict[str, str]:
    """A refused action's reason, under the form field it is about: `fields`
    maps a message's English template, or a length error's field label, to the
    field's name ("" for the form as a whole)."""
    label = str(error.params.get("field", ""))
    field = fields.get(error.template, fields.get(label, ""))
    return {field: error.localized(page_language(request))}


Action = Callable[[Any, Actor, str], Awaitable[object]]
# The page a refused action answers with, given the errors by field.
Refused = Callable[[dict[str, str]], Awaitable[web.Response]]


def with_id(
    step: Callable[[Any, Actor, str, int], Awaitable[object]], record_id: int
) -> Action:
    """`step` (session, moderator, group name, an account's or post's id) as an
    `Action` on record `record_id`."""

    async def run(session: Any, me: Actor, name: str) -> object:
        return await step(session, me, name, record_id)

    return run


async def act(
    request: web.Request,
    action: Action,
    *,
    done: str,
    then: str,
    refused: Refused,
    fields: Mapping[str, str] | None = None,
) -> web.StreamResponse:
    """Run `action` (session, moderator, group name) in one transaction, then
    303 to `then` with `?done=done`. An action the rules refuse (422), or whose
    account or post is not found, answers `refused` (422) with the reason, under
    its field by `fields` (see `refusal`)."""
    signed = signed_in_or_redirect(request)
    try:
        async with request.app[DB].session() as session:
            me = await account_of(session, signed)
            await action(session, me, group_name(request))
    except (Unprocessable, NotFound) as error:
        return await refused(refusal(request, error, fields or {}))
    request.app[FEDERATION].wake_worker()
    raise web.HTTPSeeOther(f"{then}?done={done}")
