"""A group's posts and threads as its moderators handle them on the web:
`/@NAME/moderation/removals` (the posts removed from the group),
`/@NAME/moderation/reports` (the instance's reports that name the group's posts,
read-only), and the forms of the thread page: Remove a post (with a reason),
Lock / Unlock and Pin / Unpin its thread (services.groups.moderation)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from fedcity import text
from fedcity.appkeys import DB
from fedcity.ids import parse_id, require_id
from fedcity.services.groups import moderation, review
from fedcity.storage.models import Actor, Post
from fedcity.web.accounts.profile_page import shown_actor
from fedcity.web.forms import read_form
from fedcity.web.groups.group_page import page_number
from fedcity.web.groups.moderating import (
    PER_PAGE,
    act,
    group_name,
    moderating,
    moderation_page,
    moderation_path,
)
from fedcity.web.groups.thread_page import render_thread
from fedcity.web.media import account_for_page

MARKS = {
    "lock": (moderation.LOCK, "locked"),
    "unlock": (moderation.UNLOCK, "unlocked"),
    "pin": (moderation.PIN, "pinned"),
    "unpin": (moderation.UNPIN, "unpinned"),
}
EXCERPT = 200  # characters of a post's text the lists show


def _account(request: web.Request, actor: Actor | None) -> dict[str, Any] | None:
    return None if actor is None else dict(account_for_page(request, actor))


def _post(request: web.Request, name: str, post: Post, root_id: int) -> dict[str, Any]:
    """A post as the lists show it: where it is in its thread, and its text
    (none left once its author or a removal deleted it)."""
    return {
        "id": post.id,
        "path": f"/@{name}/threads/{root_id}#post-{post.id}",
        "thread_path": f"/@{name}/threads/{root_id}",
        "excerpt": text.html_to_text(post.content or "")[:EXCERPT],
        "deleted": post.deleted_at is not None,
        "url": post.url or post.uri,
    }


# --- removed posts -----------------------------------------------------------------


async def removals_page(
    request: web.Request,
    errors: Mapping[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    page = page_number(request)
    async with request.app[DB].session() as session:
        mod = await moderating(session, request)
        name = mod.actor.username
        rows = await review.removals(
            session, mod.me, name, (page - 1) * PER_PAGE, PER_PAGE + 1
        )
    removed = [
        {
            "post": _post(request, name, item.post, item.root_post_id),
            "author": _account(request, item.author),
            "removed_by": _account(request, item.removed_by),
            "removed_at": item.row.removed_at,
            "reason": item.row.removal_reason,
        }
        for item in rows[:PER_PAGE]
    ]
    base = moderation_path(name, "/removals")
    context = {
        "tab": "removals",
        "removed": removed,
        "newer": f"{base}?page={page - 1}" if page > 1 else "",
        "older": f"{base}?page={page + 1}" if len(rows) > PER_PAGE else "",
    }
    return await moderation_page(
        request,
        mod,
        "groups/moderation/removals.html",
        context,
        errors=errors,
        status=status,
    )


async def remove(request: web.Request) -> web.StreamResponse:
    """POST …/posts/ID/remove (`reason`; `root`: the thread the form is on, where
    the moderator comes back, unless the post removed is its first)."""
    post_id = require_id(request.match_info["post_id"])
    form = await read_form(request)
    root = parse_id(form.get("root"))
    name = group_name(request)

    async def step(session: Any, me: Actor, group: str) -> object:
        return await moderation.remove_post(
            session, me, group, post_id, form.get("reason", "")
        )

    async def refused(errors: dict[str, str]) -> web.Response:
        if root is None:
            return await removals_page(request, errors, 422)
        actor = await shown_actor(request)
        return await render_thread(request, actor, root, errors=errors, status=422)

    back = (
        f"/@{name}/threads/{root}"
        if root is not None and root != post_id
        else moderation_path(name, "/removals")
    )
    return await act(request, step, done="removed", then=back, refused=refused)


# --- threads -----------------------------------------------------------------------


async def mark(request: web.Request) -> web.StreamResponse:
    """POST …/threads/ID/lock|unlock|pin|unpin (ID: any post of the thread);
    back to the thread's page."""
    post_id = require_id(request.match_info["post_id"])
    how, done = MARKS[request.match_info["mark"]]
    async with request.app[DB].session() as session:
        mod = await moderating(session, request)
        thread = await moderation.mark_thread(
            session, mod.me, mod.actor.username, post_id, how
        )
        root = thread.root_post_id
    raise web.HTTPSeeOther(f"/@{group_name(request)}/threads/{root}?done={done}")


# --- reports -----------------------------------------------------------------------


async def reports_page(request: web.Request) -> web.Response:
    max_id = parse_id(request.query.get("max_id"))
    async with request.app[DB].session() as session:
        mod = await moderating(session, request)
        name = mod.actor.username
        found = await review.group_reports(session, mod.me, name, max_id, PER_PAGE)
    reports = [
        {
            "id": item.report.id,
            "created_at": item.report.created_at,
            "resolved": item.report.action_taken_at is not None,
            "category": item.report.category,
            "comment": item.report.comment,
            "target": _account(request, item.target),
            "reporter": _account(request, item.reporter),
            "posts": [_post(request, name, post, root) for post, root in item.posts],
        }
        for item in found.reports
    ]
    older = ""
    if found.next_max_id is not None:
        older = f"{moderation_path(name, '/reports')}?max_id={found.next_max_id}"
    context = {"tab": "reports", "reports": reports, "older": older}
    return await moderation_page(
        request, mod, "groups/moderation/reports.html", context
    )
