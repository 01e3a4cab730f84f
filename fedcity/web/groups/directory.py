"""/groups: the directory of this instance's groups (approved, not deleted), with
what each is about, who may read and post, and how many members it has; signed
in, the groups (here and elsewhere) the account belongs to or asked to join."""

from __future__ import annotations

from aiohttp import web

from fedcity import text
from fedcity.appkeys import DB
from fedcity.services.groups import reading
from fedcity.web.accounts.profile_page import handle_of
from fedcity.web.groups.group_page import group_path
from fedcity.web.media import account_for_page
from fedcity.web.sessions import viewer
from fedcity.web.templating import render


async def directory_page(request: web.Request) -> web.Response:
    signed = viewer(request)
    async with request.app[DB].session() as session:
        listed = await reading.directory(session)
        mine = await reading.groups_of(session, signed.actor) if signed else []
    listed_groups = [
        {
            "name": info.actor.display_name or info.actor.username,
            "handle": handle_of(request, info.actor),
            "path": group_path(info.actor),
            # Plain text: the directory shows it in a sentence, not as HTML.
            "description": text.html_to_text(info.actor.summary),
            "visibility": info.visibility,
            "policy": info.policy,
            "members_count": info.actor.followers_count,
        }
        for info in listed
    ]
    joined = [
        {
            "account": account_for_page(request, actor),
            "path": group_path(actor),
            "membership": membership,
        }
        for actor, membership in mine
    ]
    return await render(
        request, "groups/directory.html", {"listed": listed_groups, "joined": joined}
    )
