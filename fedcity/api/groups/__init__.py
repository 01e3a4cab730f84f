"""fedcity's group endpoints (issue 13), `/api/v1/fedcity/groups` and
`/api/v1/fedcity/admin/groups`: every route here, one line each, registered by
`api.routes` (docs/groups.md, "API")."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from fedcity.api.groups import groups, moderation
from fedcity.web.middlewares import add_route

BASE = "/api/v1/fedcity/groups"
ONE = BASE + "/{name}"


def add_routes(app: web.Application) -> None:
    def route(method: str, path: str, handler: Handler) -> None:
        add_route(app, method, path, handler)

    route("GET", BASE, groups.index)
    route("POST", BASE, groups.create)
    route("GET", ONE, groups.show)
    route("PATCH", ONE, groups.update)
    route("GET", ONE + "/moderators", groups.moderators)
    route("POST", ONE + "/moderators", groups.add_moderator)
    route("DELETE", ONE + "/moderators/{account_id}", groups.remove_moderator)
    route("GET", ONE + "/log", groups.log)
    route("GET", ONE + "/following", groups.followed)
    route("POST", ONE + "/following", groups.follow_group)
    route("DELETE", ONE + "/following/{account_id}", groups.unfollow_group)
    route("GET", ONE + "/pending", moderation.pending)
    route("POST", ONE + "/pending/{account_id}/approve", moderation.approve)
    route("POST", ONE + "/pending/{account_id}/reject", moderation.reject)
    route("GET", ONE + "/bans", moderation.bans)
    route("POST", ONE + "/bans", moderation.ban)
    route("DELETE", ONE + "/bans/{account_id}", moderation.unban)
    route("POST", ONE + "/posts/{status_id}/remove", moderation.remove_post)
    route("POST", ONE + "/threads/{status_id}/lock", moderation.lock)
    route("POST", ONE + "/threads/{status_id}/unlock", moderation.unlock)
    route("POST", ONE + "/threads/{status_id}/pin", moderation.pin)
    route("POST", ONE + "/threads/{status_id}/unpin", moderation.unpin)
    # Admins: proposed groups waiting for approval (`[groups] require_approval`).
    route("GET", "/api/v1/fedcity/admin/groups", groups.awaiting)
    route("POST", "/api/v1/fedcity/admin/groups/{name}/approve", groups.approve)
    route("POST", "/api/v1/fedcity/admin/groups/{name}/reject", groups.reject)
