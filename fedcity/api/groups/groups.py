"""`/api/v1/fedcity/groups`: proposing, listing, showing and changing groups and
their moderators (issue 13), and `/api/v1/fedcity/admin/groups` for admins to
approve or reject proposed ones (docs/groups.md, "API")."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDict

from fedcity.api import params
from fedcity.api.auth import api_session, optional_account, require_account
from fedcity.api.auth import require_admin as require_admin_token
from fedcity.api.entities.groups import serialize_group
from fedcity.api.entities.statuses import serialize_account
from fedcity.api.moderation.action_log import serialize_action
from fedcity.api.pagination import paged_response
from fedcity.appkeys import FEDERATION, KEYPAIRS, SETTINGS
from fedcity.errors import Unprocessable
from fedcity.services.groups import hubs, members, moderation, proposals
from fedcity.services.groups.groups import GroupView, NewGroup
from fedcity.storage.models import Actor

DEFAULT_LIMIT = 40
MAX_LIMIT = 80


def group_name(request: web.Request) -> str:
    return request.match_info["name"]


def text(p: MultiDict[Any], key: str) -> str | None:
    """A text field as sent (None when absent; a blank one clears it)."""
    value = p.get(key)
    return None if value is None else str(value)


def account_id(p: MultiDict[Any]) -> int:
    """`account_id`: the Mastodon id of the account acted on.

    Raises:
        Unprocessable: absent. NotFound: malformed.
    """
    found = params.reference_id(p, "account_id")
    if found is None:
        raise Unprocessable("Validation failed: {key} can't be blank", key="account_id")
    return found


def _group(request: web.Request, view: GroupView) -> web.Response:
    return web.json_response(serialize_group(view, request.app[FEDERATION].urls))


def _accounts(request: web.Request, accounts: list[Actor]) -> web.Response:
    urls = request.app[FEDERATION].urls
    return web.json_response([serialize_account(a, urls) for a in accounts])


def _page(request: web.Request, views: list[GroupView]) -> web.Response:
    urls = request.app[FEDERATION].urls
    return paged_response(
        request,
        [serialize_group(view, urls) for view in views],
        [view.actor.id for view in views],
    )


async def index(request: web.Request) -> web.Response:
    """The approved groups, and the caller's own (proposed or moderated)."""
    p = await params.read_params(request)
    page = params.page(p, DEFAULT_LIMIT, MAX_LIMIT)
    async with api_session(request) as session:
        viewer = await optional_account(request, session)
        views = await proposals.listed_groups(session, viewer, page)
    return _page(request, views)


async def create(request: web.Request) -> web.Response:
    """Propose a group; the caller moderates it."""
    p = await params.read_params(request)
    settings = request.app[SETTINGS].groups
    cmd = NewGroup(
        name=text(p, "name") or "",
        display_name=text(p, "display_name") or "",
        description=text(p, "description") or "",
        visibility=text(p, "visibility") or "public",
        policy=text(p, "policy") or "open",
        quorum_guard=text(p, "quorum_guard") or "",
    )
    async with api_session(request) as session:
        me = await require_account(request, session, "write:accounts")
        view = await proposals.propose_group(
            session,
            request.app[FEDERATION].urls,
            me,
            cmd,
            request.app[KEYPAIRS](),
            rules=text(p, "rules") or "",
            require_approval=settings.require_approval,
            configured_guard=settings.quorum_guard,
        )
    return _group(request, view)


async def show(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        viewer = await optional_account(request, session)
        view = await proposals.shown_group(session, viewer, group_name(request))
    return _group(request, view)


async def update(request: web.Request) -> web.Response:
    """PATCH: change the settings sent; the others stay."""
    p = await params.read_params(request)
    changes = moderation.GroupChanges(
        display_name=text(p, "display_name"),
        description=text(p, "description"),
        rules=text(p, "rules"),
        visibility=text(p, "visibility"),
        policy=text(p, "policy"),
        quorum_guard=text(p, "quorum_guard"),
    )
    async with api_session(request) as session:
        me = await require_account(request, session, "write:accounts")
        view = await moderation.update_group(
            session, request.app[FEDERATION].urls, me, group_name(request), changes
        )
    return _group(request, view)


async def moderators(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        viewer = await optional_account(request, session)
        view = await proposals.shown_group(session, viewer, group_name(request))
    return _accounts(request, view.moderators)


async def add_moderator(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:accounts")
        found = await members.add_moderator(
            session, me, group_name(request), account_id(p)
        )
    return _accounts(request, found)


async def remove_moderator(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:accounts")
        found = await members.remove_moderator(
            session, me, group_name(request), params.path_id(request, "account_id")
        )
    return _accounts(request, found)


async def followed(request: web.Request) -> web.Response:
    """The groups this group follows (and relays to its members)."""
    async with api_session(request) as session:
        me = await require_account(request, session, "read:follows")
        found = await hubs.followed_groups(session, me, group_name(request))
    return _accounts(request, found)


async def follow_group(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:follows")
        target = await hubs.follow_group(
            session,
            request.app[FEDERATION].urls,
            me,
            group_name(request),
            account_id(p),
        )
    return _accounts(request, [target])


async def unfollow_group(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:follows")
        target = await hubs.unfollow_group(
            session, me, group_name(request), params.path_id(request, "account_id")
        )
    return _accounts(request, [target])


async def log(request: web.Request) -> web.Response:
    """The group's moderation log (its part of the admin action log)."""
    p = await params.read_params(request)
    page = params.page(p, DEFAULT_LIMIT, MAX_LIMIT)
    async with api_session(request) as session:
        me = await require_account(request, session, "read:accounts")
        entries = await moderation.group_log(session, me, group_name(request), page)
    return paged_response(
        request, [serialize_action(e) for e in entries], [e.id for e in entries]
    )


# --- admins ------------------------------------------------------------------------


async def awaiting(request: web.Request) -> web.Response:
    """Proposed groups waiting for approval."""
    p = await params.read_params(request)
    page = params.page(p, DEFAULT_LIMIT, MAX_LIMIT)
    async with api_session(request) as session:
        me = await require_admin_token(request, session, "admin:read")
        views = await proposals.awaiting_groups(session, me, page)
    return _page(request, views)


async def approve(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_admin_token(request, session, "admin:write")
        view = await proposals.approve_group(session, me, group_name(request))
    return _group(request, view)


async def reject(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_admin_token(request, session, "admin:write")
        await proposals.reject_group(session, me, group_name(request))
    return web.json_response({})
