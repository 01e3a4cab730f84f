"""/api/v1/accounts/…: profiles, relationships, follows."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from multidict import MultiDict
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.api import params
from fedcity.api.accounts.profile import credential_account
from fedcity.api.auth import api_session, optional_account, require_account
from fedcity.api.entities.statuses import (
    relationship,
    serialize_account,
)
from fedcity.api.feeds.filters import filtered_page
from fedcity.api.pagination import paged_response
from fedcity.appkeys import FEDERATION, SETTINGS
from fedcity.errors import FedcityError, NotFound
from fedcity.federation.actors import resolve_handle, split_handle
from fedcity.services.accounts.accounts import account_by_id
from fedcity.services.feeds import timelines
from fedcity.services.social import follows, mutes, pins
from fedcity.storage.models import Actor, Follow, FollowState
from fedcity.storage.queries import actors as q
from fedcity.storage.queries import profiles as profile_q
from fedcity.storage.queries.lists import paged_rows

log = logging.getLogger(__name__)


async def load_account(
    session: AsyncSession, request: web.Request, name: str = "id"
) -> Actor:
    """The account named in the path (404 for gone or instance accounts)."""
    return await account_by_id(session, params.path_id(request, name))


async def verify_credentials(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        # As Mastodon's apps expect after sign-up: readable before confirmation.
        me = await require_account(request, session, "read:accounts", pending_ok=True)
        body = await credential_account(request, session, me)
    return web.json_response(body)


async def account_get(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        await optional_account(request, session)
        actor = await load_account(session, request)
    return web.json_response(serialize_account(actor, request.app[FEDERATION].urls))


async def lookup(request: web.Request) -> web.Response:
    acct = request.query.get("acct", "")
    username, domain = split_handle(acct)
    if domain == request.app[SETTINGS].instance.domain.lower():
        domain = None
    async with api_session(request) as session:
        actor = await q.get_actor_by_handle(session, username, domain)
        if actor is None and domain is not None:
            actor = await try_resolve(request, session, username, domain)
    if actor is None or actor.deleted_at is not None:
        raise NotFound("Record not found")
    return web.json_response(serialize_account(actor, request.app[FEDERATION].urls))


async def try_resolve(
    request: web.Request, session: AsyncSession, username: str, domain: str
) -> Actor | None:
    """`username@domain` found through WebFinger, or None if its server fails."""
    try:
        return await resolve_handle(request.app[FEDERATION], session, username, domain)
    except FedcityError as exc:
        log.info("resolving %s@%s failed: %s", username, domain, exc)
        return None


async def account_statuses(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        viewer = await optional_account(request, session)
        actor = await load_account(session, request)
        flt = timelines.AccountFilter(
            exclude_replies=params.boolean(p, "exclude_replies"),
            exclude_reblogs=params.boolean(p, "exclude_reblogs"),
            only_media=params.boolean(p, "only_media"),
            tagged=str(p["tagged"]) if p.get("tagged") else None,
            exclude_direct=params.boolean(p, "exclude_direct"),
        )
        if params.boolean(p, "pinned"):
            posts = await pins.pinned_posts(session, viewer, actor, params.page(p))
        else:
            posts = await timelines.account_statuses(
                session, viewer, actor, params.page(p), flt
            )
        return await filtered_page(request, session, posts, viewer, "account")


async def followers(request: web.Request) -> web.Response:
    return await _follow_list(request, followers=True)


async def following(request: web.Request) -> web.Response:
    return await _follow_list(request, followers=False)


async def _follow_list(request: web.Request, *, followers: bool) -> web.Response:
    p = await params.read_params(request)
    page = params.page(p, default_limit=40, max_limit=80)
    async with api_session(request) as session:
        viewer = await optional_account(request, session)
        actor = await load_account(session, request)
        if actor.hide_collections and (viewer is None or viewer.id != actor.id):
            return account_page(request, [])  # only the owner sees hidden lists
        mine, theirs = (
            (Follow.target_id, Follow.actor_id)
            if followers
            else (Follow.actor_id, Follow.target_id)
        )
        stmt = (
            select(Follow.id, Actor)
            .join(Actor, Actor.id == theirs)
            .where(mine == actor.id, Follow.state == FollowState.ACCEPTED)
        )
        rows = await paged_rows(session, stmt, Follow.id, page)
    return account_page(request, rows)


def account_page(request: web.Request, rows: list[Any]) -> web.Response:
    """A page of (link id, Actor) rows as Accounts, with the Link header on link ids."""
    urls = request.app[FEDERATION].urls
    return paged_response(
        request, [serialize_account(a, urls) for _, a in rows], [i for i, _ in rows]
    )


async def relationships(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    ids = params.found_ids(p, "id")
    async with api_session(request) as session:
        me = await require_account(request, session, "read:follows")
        targets = await q.list_actors_by_ids(session, ids)
        out = [
            await relationship_of(session, me, targets[i]) for i in ids if i in targets
        ]
    return web.json_response(out)


async def relationship_of(
    session: AsyncSession, me: Actor, target: Actor
) -> dict[str, object]:
    note = await profile_q.get_account_note(session, me.id, target.id)
    return relationship(
        target,
        following=await q.get_follow(session, me.id, target.id),
        followed_by=await q.get_follow(session, target.id, me.id),
        blocking=await q.get_block(session, me.id, target.id) is not None,
        blocked_by=await q.get_block(session, target.id, me.id) is not None,
        muting=await mutes.get_mute(session, me, target),
        domain_blocking=target.domain is not None
        and await mutes.is_domain_blocked(session, me, target.domain),
        endorsed=await profile_q.get_endorsement(session, me.id, target.id) is not None,
        note=note.comment if note is not None else "",
    )


async def follow(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:follows")
        target = await load_account(session, request)
        await follows.follow(
            session,
            request.app[FEDERATION].urls,
            me,
            target,
            reblogs=params.boolean(p, "reblogs") if "reblogs" in p else None,
            notify_posts=params.boolean(p, "notify") if "notify" in p else None,
            languages=_languages(p),
        )
        body = await relationship_of(session, me, target)
    return web.json_response(body)


def _languages(p: MultiDict[Any]) -> list[str] | None:
    """`languages[]` when sent (an empty value clears them), else None."""
    if "languages[]" not in p and "languages" not in p:
        return None
    return params.list_param(p, "languages")


async def unfollow(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:follows")
        target = await load_account(session, request)
        await follows.unfollow(session, me, target)
        body = await relationship_of(session, me, target)
    return web.json_response(body)
