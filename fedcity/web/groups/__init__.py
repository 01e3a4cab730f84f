"""Discussion groups on the web (issue 13): for now the ActivityPub collections a
group actor links to beyond an account's (its moderators)."""

from __future__ import annotations

from aiohttp import web

from fedcity.web.groups import collections, threads


def add_routes(app: web.Application) -> None:
    app.router.add_get("/users/{username}/moderators", collections.moderators_get)
    app.router.add_get("/users/{username}/context/{thread_id}", threads.context_get)
