"""/api/v1/polls/…: view a poll and vote in it; reading `poll` when posting."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web
from multidict import MultiDict
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.api import params
from fedcity.api.auth import api_session, optional_account, require_account
from fedcity.api.entities.statuses import serialize_poll
from fedcity.appkeys import FEDERATION
from fedcity.errors import BadRequest, Unprocessable
from fedcity.ids import parse_id
from fedcity.services.statuses import polls
from fedcity.storage.models import Actor
from fedcity.storage.queries import polls as poll_q


def new_poll(p: MultiDict[Any]) -> polls.NewPoll | None:
    """`poll` from a status form (`poll[options][]`, `poll[expires_in]`, …) or a
    JSON body (`"poll": {"options": [...], "expires_in": …}`); None if absent."""
    value = p.get("poll")
    if isinstance(value, Mapping):
        options = value.get("options")
        fields: Mapping[str, Any] = value
        titles = [str(o) for o in options] if isinstance(options, list) else []
    elif "poll[options][]" in p:
        titles = [str(o) for o in p.getall("poll[options][]")]
        fields = {k[5:-1]: v for k, v in p.items() if k.startswith("poll[")}
    else:
        return None
    flags: MultiDict[Any] = MultiDict(
        (k, fields[k]) for k in ("multiple", "hide_totals") if k in fields
    )
    return polls.NewPoll(
        options=tuple(titles),
        expires_in=_seconds(fields.get("expires_in")),
        multiple=params.boolean(flags, "multiple"),
        hide_totals=params.boolean(flags, "hide_totals"),
    )


def _seconds(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Unprocessable("Validation failed: Poll expires at is too soon") from None


async def show(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        viewer = await optional_account(request, session)
        poll, post = await polls.get_visible_poll(
            session, viewer, params.path_id(request)
        )
        own = await _own_votes(session, viewer, poll.id)
    urls = request.app[FEDERATION].urls
    return web.json_response(serialize_poll(poll, post, viewer, own, urls))


async def vote(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    sent = [c for c in params.list_param(p, "choices") if c != ""]
    choices = [c for c in map(parse_id, sent) if c is not None]
    if len(choices) != len(sent):
        raise Unprocessable("Validation failed: The chosen vote option does not exist")
    if not choices:
        raise BadRequest("param is missing or the value is empty: choices")
    async with api_session(request) as session:
        me = await require_account(request, session, "write:statuses")
        poll, post = await polls.get_visible_poll(session, me, params.path_id(request))
        await polls.vote(session, me, poll, post, choices)
        own = await _own_votes(session, me, poll.id)
        body = serialize_poll(poll, post, me, own, request.app[FEDERATION].urls)
    return web.json_response(body)


async def _own_votes(
    session: AsyncSession, viewer: Actor | None, poll_id: int
) -> list[int]:
    if viewer is None:
        return []
    return (await poll_q.list_own_votes(session, viewer.id, [poll_id])).get(poll_id, [])
