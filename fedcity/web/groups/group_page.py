"""A group's page: `/@name` of a `Group` actor (and `/@name@domain` for a remote
group known here), where its actor's `url` points and Mastodon apps link. It shows
the group's name, handle, description, rules, moderators, members count and its
threads by newest activity (pinned first), paged with `?page=N`; a `members`
group shows its threads only to those who may read them (services.groups.reading).
Servers asking for ActivityPub JSON at the same URL get the actor
(`web.activitypub`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aiohttp import web

from fedcity import text
from fedcity.api.entities.formats import Entity
from fedcity.appkeys import DB, SETTINGS
from fedcity.ids import parse_id
from fedcity.services.groups import reading
from fedcity.storage.models import Actor, GroupThread, Post
from fedcity.urls import Urls
from fedcity.web.accounts.profile_page import AS2, handle_of, origin_of
from fedcity.web.media import account_for_page, profile_path, statuses_for_page
from fedcity.web.sessions import viewer
from fedcity.web.templating import render

# Past this page there is nothing worth an OFFSET (and no integer overflow).
LAST_PAGE = 10_000
# What the page says after a join or leave form (`?done=`).
DONE = ("joined", "requested", "left")


def group_path(actor: Actor) -> str:
    """The group's page here: `/@name`, or `/@name@domain` for a remote group."""
    return profile_path(
        actor.username if actor.is_local else f"{actor.username}@{actor.domain}"
    )


def plain_html(request: web.Request, value: str) -> str:
    """Text a local group keeps (its description, its rules) as HTML: escaped,
    with paragraphs and links, so nothing its proposer typed runs as HTML. A
    group made from the command line keeps them as typed; one whose description
    was stored as HTML paragraphs (as accounts' notes are) is read as text
    first."""
    tag_url = Urls(request.app[SETTINGS].instance.base_url).tag
    if value.lstrip().startswith("<p>"):
        value = text.html_to_text(value)
    return text.render_plain_text(value, mention_url=lambda _: None, tag_url=tag_url)


def description_html(request: web.Request, actor: Actor) -> str:
    """A local group's description as typed; a remote one's as sanitised when
    its actor arrived."""
    if not actor.summary:
        return ""
    return plain_html(request, actor.summary) if actor.is_local else actor.summary


def page_number(request: web.Request) -> int:
    return min(max(1, parse_id(request.query.get("page")) or 1), LAST_PAGE)


async def thread_items(
    request: web.Request,
    rows: Sequence[tuple[GroupThread, Post]],
    me: Actor | None,
    path: str,
) -> list[Entity]:
    """Each thread with its root post's Status entity, for the page; a root the
    viewer's filters hide leaves its thread out."""
    statuses = await statuses_for_page(
        request, [post for _, post in rows], me, "account"
    )
    by_id = {status["id"]: status for status in statuses}
    return [
        {
            "status": by_id[str(post.id)],
            "path": f"{path}/threads/{post.id}",
            "posts_count": thread.posts_count,
            "last_activity_at": thread.last_activity_at,
            "pinned": thread.pinned_at is not None,
            "locked": thread.locked_at is not None,
        }
        for thread, post in rows
        if str(post.id) in by_id
    ]


def group_summary(
    request: web.Request, info: reading.GroupInfo, standing: reading.Standing
) -> dict[str, Any]:
    """What every group page (the group's, a thread's) says of the group."""
    actor = info.actor
    account = account_for_page(request, actor)
    return {
        "actor": actor,
        "account": account,
        "name": actor.display_name or actor.username,
        "handle": handle_of(request, actor),
        "origin": origin_of(actor),
        "path": group_path(actor),
        "visibility": info.visibility,
        "policy": info.policy,
        "approved": info.approved,
        "standing": standing,
        "may_read": reading.may_read_threads(info, standing),
        "members_count": actor.followers_count,
    }


async def group_page(
    request: web.Request,
    actor: Actor,
    *,
    errors: Mapping[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    """The page of group `actor`; `errors` (with `status`) when a join was refused.

    Raises:
        NotFound: not a group, or one awaiting approval that the viewer may not see.
    """
    signed = viewer(request)
    me = signed.actor if signed else None
    page = page_number(request)
    async with request.app[DB].session() as session:
        info, standing = await reading.visit(session, actor, me)
        threads = await reading.threads_page(session, info, me, standing, page)
    group = group_summary(request, info, standing)
    path = group["path"]
    settings = request.app[SETTINGS].instance
    done = request.query.get("done", "")
    context = {
        "group": group,
        "description": description_html(request, actor),
        "bio": text.html_to_text(actor.summary),
        "rules": plain_html(request, info.group.rules) if info.group else "",
        "moderators": [account_for_page(request, m) for m in info.moderators],
        "pinned": await thread_items(request, threads.pinned, me, path),
        "threads": await thread_items(request, threads.threads, me, path),
        "newer": (path if page == 2 else f"{path}?page={page - 1}") if page > 1 else "",
        "older": f"{path}?page={page + 1}" if threads.more else "",
        "done": done if done in DONE else "",
        "errors": errors or {},
        "page_url": settings.base_url + path,
        "alternates": [{"type": AS2, "href": actor.uri, "title": ""}],
    }
    return await render(request, "groups/group.html", context, status=status)
