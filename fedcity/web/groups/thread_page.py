"""A group's thread: `/@group/threads/ROOT_ID` (`/@group@domain/threads/ROOT_ID`
for a remote group), the root post and the replies the group carries, in order,
with the thread's locked state and the places of removed posts. A visitor who
may not read the group's threads gets the group's "members only" page (403),
whether or not the thread exists, so that its existence does not leak. Its
moderators (and this server's admins) get a Remove form under each post and
the thread's Lock and Pin buttons (web.groups.moderation_posts)."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from fedcity.api.entities.formats import Entity
from fedcity.appkeys import DB
from fedcity.errors import NotFound
from fedcity.ids import require_id
from fedcity.services.groups import reading
from fedcity.storage.models import Actor, GroupVisibility
from fedcity.web.accounts.profile_page import AS2, shown_actor
from fedcity.web.groups.group_page import group_page, group_summary
from fedcity.web.groups.moderating import notice_of
from fedcity.web.media import statuses_for_page
from fedcity.web.sessions import viewer
from fedcity.web.templating import render


def _entries(
    shown: list[reading.ShownPost], statuses: dict[str, Entity]
) -> list[Entity]:
    """The thread's posts for the page: a removed post keeps its place (without
    its status); one the viewer's filters hide does not."""
    entries: list[Entity] = []
    for item in shown:
        if item.post is None:
            entries.append({"post_id": item.row.post_id, "status": None})
        elif (status := statuses.get(str(item.post.id))) is not None:
            entries.append({"post_id": item.post.id, "status": status})
    return entries


async def thread_page(request: web.Request) -> web.Response:
    actor = await shown_actor(request)
    return await render_thread(
        request, actor, require_id(request.match_info["post_id"])
    )


async def render_thread(
    request: web.Request,
    actor: Actor,
    root_id: int,
    *,
    errors: Mapping[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    """The page of group `actor`'s thread starting with post `root_id`;
    `errors` (with `status`) when a moderator's action on it was refused.

    Raises:
        NotFound: no such thread, or nothing of it left to show.
    """
    signed = viewer(request)
    me = signed.actor if signed else None
    async with request.app[DB].session() as session:
        info, standing = await reading.visit(session, actor, me)
        readable = reading.may_read_threads(info, standing)
        if readable:
            thread, shown = await reading.thread_posts(
                session, info, me, standing, root_id
            )
    if not readable:
        return await group_page(request, actor, status=403)
    posts = [item.post for item in shown if item.post is not None]
    statuses = await statuses_for_page(request, posts, me, "thread")
    entries = _entries(shown, {status["id"]: status for status in statuses})
    if not entries:
        raise NotFound()
    # The root is missing when its author deleted it.
    has_root = entries[0]["post_id"] == thread.root_post_id
    group = group_summary(request, info, standing)
    public = info.visibility == GroupVisibility.PUBLIC
    return await render(
        request,
        "groups/thread.html",
        {
            "group": group,
            "root": entries[0] if has_root else None,
            "root_id": thread.root_post_id,
            "replies": entries[1:] if has_root else entries,
            "locked": thread.locked_at is not None,
            "pinned": thread.pinned_at is not None,
            # A moderator (or an admin, for a group of this server) gets the
            # buttons of services.groups.moderation on the page.
            "moderate": standing.moderator or standing.staff,
            "notice": notice_of(request),
            "errors": errors or {},
            "alternates": (
                [{"type": AS2, "href": thread.context_uri, "title": ""}]
                if public and thread.context_uri
                else []
            ),
        },
        status=status,
    )
