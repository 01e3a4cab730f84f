"""The groups' pages (issue 13; docs/web.md): the directory, a thread, joining
and leaving. A group's own page is `/@name`, which `web.activitypub` answers
(`actor_get` hands a `Group` actor to `group_page`)."""

from __future__ import annotations

from aiohttp import web

from fedcity.web.groups import directory, membership, thread_page


def add_routes(app: web.Application) -> None:
    app.router.add_get("/groups", directory.directory_page)
    app.router.add_get("/@{username}/threads/{post_id:[0-9]+}", thread_page.thread_page)
    app.router.add_post("/@{username}/join", membership.join)
    app.router.add_post("/@{username}/leave", membership.leave)
