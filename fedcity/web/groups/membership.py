"""Joining and leaving a group from its page: POST /@group/join and
/@group/leave (with the CSRF token), for a signed-in account. Joining is
following (FEP-1b12), through the follow service the client API uses, so the
group's policy decides: joined, a request waiting for a moderator (or for a
remote group's answer), or refused, with the reason shown on the group's page."""

from __future__ import annotations

from aiohttp import web

from fedcity.appkeys import DB, FEDERATION
from fedcity.errors import Forbidden, NotFound
from fedcity.services.groups import reading
from fedcity.services.social import follows
from fedcity.storage.models import FollowState
from fedcity.storage.queries import actors as actor_q
from fedcity.web.accounts.guard import signed_in_or_redirect
from fedcity.web.accounts.profile_page import shown_actor
from fedcity.web.groups.group_page import group_page, group_path
from fedcity.web.statuses.compose import account_of
from fedcity.web.templating import page_language


async def join(request: web.Request) -> web.StreamResponse:
    signed = signed_in_or_redirect(request)
    shown = await shown_actor(request)
    fed = request.app[FEDERATION]
    try:
        async with request.app[DB].session() as session:
            me = await account_of(session, signed)
            group = await reading.joinable_group(session, shown.id, me)
            row = await follows.follow(session, fed.urls, me, group)
            joined = row.state == FollowState.ACCEPTED
    except Forbidden as refused:
        # The group's policy said no (or a block): nothing was kept.
        message = refused.localized(page_language(request))
        return await group_page(request, shown, errors={"": message}, status=403)
    fed.wake_worker()
    done = "joined" if joined else "requested"
    raise web.HTTPSeeOther(f"{group_path(shown)}?done={done}")


async def leave(request: web.Request) -> web.StreamResponse:
    """Leave the group, or withdraw a request to join it (Undo Follow)."""
    signed = signed_in_or_redirect(request)
    shown = await shown_actor(request)
    async with request.app[DB].session() as session:
        me = await account_of(session, signed)
        group = await actor_q.get_actor_by_id(session, shown.id)
        if group is None or group.actor_type != "Group":
            raise NotFound()
        await follows.unfollow(session, me, group)
    request.app[FEDERATION].wake_worker()
    raise web.HTTPSeeOther(f"{group_path(shown)}?done=left")
