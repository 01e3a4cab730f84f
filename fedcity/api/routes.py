"""Every client-API route, one line each, grouped by resource."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from fedcity.api import (
    accounts,
    instance,
    oauth,
    relationships,
    search,
    static,
    statuses,
    timelines,
)
from fedcity.web.middlewares import add_route


def add_routes(app: web.Application) -> None:
    def get(path: str, handler: Handler) -> None:
        add_route(app, "GET", path, handler)

    def post(path: str, handler: Handler) -> None:
        add_route(app, "POST", path, handler)

    # OAuth 2 (Mastodon's flow)
    post("/api/v1/apps", oauth.apps_create)
    get("/api/v1/apps/verify_credentials", oauth.apps_verify_credentials)
    get("/oauth/authorize", oauth.authorize_get)
    post("/oauth/authorize", oauth.authorize_post)
    post("/oauth/token", oauth.token)
    post("/oauth/revoke", oauth.revoke)
    get("/oauth/userinfo", oauth.userinfo)
    post("/oauth/userinfo", oauth.userinfo)
    get("/.well-known/oauth-authorization-server", oauth.server_metadata)
    # instance
    get("/api/v1/instance", instance.instance_v1)
    get("/api/v2/instance", instance.instance_v2)
    # accounts
    get("/api/v1/accounts/verify_credentials", accounts.verify_credentials)
    get("/api/v1/accounts/relationships", accounts.relationships)
    get("/api/v1/accounts/lookup", accounts.lookup)
    get("/api/v1/accounts/{id}", accounts.account_get)
    get("/api/v1/accounts/{id}/statuses", accounts.account_statuses)
    get("/api/v1/accounts/{id}/followers", accounts.followers)
    get("/api/v1/accounts/{id}/following", accounts.following)
    post("/api/v1/accounts/{id}/follow", accounts.follow)
    post("/api/v1/accounts/{id}/unfollow", accounts.unfollow)
    post("/api/v1/accounts/{id}/block", relationships.block)
    post("/api/v1/accounts/{id}/unblock", relationships.unblock)
    post(
        "/api/v1/accounts/{id}/remove_from_followers",
        relationships.remove_from_followers,
    )
    add_route(
        app, "PATCH", "/api/v1/accounts/update_credentials", accounts.update_credentials
    )
    get("/api/v1/follow_requests", relationships.follow_requests)
    post(
        "/api/v1/follow_requests/{id}/authorize", relationships.authorize_follow_request
    )
    post("/api/v1/follow_requests/{id}/reject", relationships.reject_follow_request)
    get("/api/v1/blocks", relationships.blocks)
    get("/api/v1/favourites", statuses.favourites)
    # statuses
    post("/api/v1/statuses", statuses.create)
    get("/api/v1/statuses/{id}", statuses.show)
    add_route(app, "PUT", "/api/v1/statuses/{id}", statuses.edit)
    add_route(app, "DELETE", "/api/v1/statuses/{id}", statuses.delete)
    get("/api/v1/statuses/{id}/context", statuses.context)
    post("/api/v1/statuses/{id}/favourite", statuses.favourite)
    post("/api/v1/statuses/{id}/unfavourite", statuses.unfavourite)
    post("/api/v1/statuses/{id}/reblog", statuses.reblog)
    post("/api/v1/statuses/{id}/unreblog", statuses.unreblog)
    get("/api/v1/statuses/{id}/favourited_by", statuses.favourited_by)
    get("/api/v1/statuses/{id}/reblogged_by", statuses.reblogged_by)
    # timelines and notifications
    get("/api/v1/timelines/home", timelines.home)
    get("/api/v1/timelines/public", timelines.public)
    get("/api/v1/notifications", timelines.notifications)
    # search
    get("/api/v2/search", search.search_v2)
    # default images referenced by Account entities
    get("/static/{name}", static.image)
