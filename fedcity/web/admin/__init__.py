"""The administrators' pages (`/admin`): the dashboard, announcements, custom
emoji, reports, the officials' audit log, the admin action log and sign-ups, for accounts
whose role is admin or owner."""

from __future__ import annotations

from aiohttp import web

from fedcity.web.admin import (
    action_log,
    announcements,
    audit,
    dashboard,
    emoji,
    reports,
    sign_ups,
)


def add_routes(app: web.Application) -> None:
    dashboard.add_routes(app)
    announcements.add_routes(app)
    emoji.add_routes(app)
    audit.add_routes(app)
    reports.add_routes(app)
    action_log.add_routes(app)
    sign_ups.add_routes(app)
