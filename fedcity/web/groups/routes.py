"""The groups' pages (issue 13; docs/web.md): the directory, a thread, joining
and leaving, and the moderators' pages under `/@NAME/moderation`. A group's own
page is `/@name`, which `web.activitypub` answers (`actor_get` hands a `Group`
actor to `group_page`)."""

from __future__ import annotations

from aiohttp import web

from fedcity.web.groups import (
    directory,
    membership,
    moderation_members,
    moderation_posts,
    moderation_settings,
    thread_page,
)

MODERATION = "/@{username}/moderation"


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/groups", directory.directory_page)
    r.add_get("/@{username}/threads/{post_id:[0-9]+}", thread_page.thread_page)
    r.add_post("/@{username}/join", membership.join)
    r.add_post("/@{username}/leave", membership.leave)
    add_moderation_routes(app)


def add_moderation_routes(app: web.Application) -> None:
    r = app.router
    account = "{account_id:[0-9]{1,19}}"
    post = "{post_id:[0-9]{1,19}}"
    r.add_get(MODERATION, moderation_members.pending_page)
    r.add_post(f"{MODERATION}/pending/{account}/approve", moderation_members.approve)
    r.add_post(f"{MODERATION}/pending/{account}/reject", moderation_members.reject)
    r.add_get(f"{MODERATION}/bans", moderation_members.bans_page)
    r.add_post(f"{MODERATION}/bans", moderation_members.ban)
    r.add_post(f"{MODERATION}/bans/{account}/unban", moderation_members.unban)
    r.add_get(f"{MODERATION}/removals", moderation_posts.removals_page)
    r.add_post(f"{MODERATION}/posts/{post}/remove", moderation_posts.remove)
    marks = "{mark:lock|unlock|pin|unpin}"
    r.add_post(f"{MODERATION}/threads/{post}/{marks}", moderation_posts.mark)
    r.add_get(f"{MODERATION}/reports", moderation_posts.reports_page)
    r.add_get(f"{MODERATION}/settings", moderation_settings.settings_page)
    r.add_post(f"{MODERATION}/settings", moderation_settings.save_settings)
    r.add_get(f"{MODERATION}/log", moderation_settings.log_page)
