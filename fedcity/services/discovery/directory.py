"""Finding people: the profile directory, follow suggestions and familiar followers.

Only accounts that opted into discovery are listed, and accounts with a verified
office (issue 11) unless they opted out; verified officials come first. Suggestions are local
accounts the viewer does not follow yet: those other local accounts endorse come
first (most endorsed first, Mastodon's "featured" source), then the most followed;
accounts the viewer dismissed, muted or blocked, or that block it, are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    false,
    func,
    nulls_last,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.services.offices.listing import (
    OfficeFilter,
    has_verified_office,
    matches,
)
from fedcity.storage.models import (
    Actor,
    Block,
    Endorsement,
    Follow,
    SuggestionDismissal,
)
from fedcity.storage.queries import feeds
from fedcity.storage.queries import profiles as q
from fedcity.storage.types import utcnow

DirectoryOrder = Literal["active", "new"]


async def directory(
    session: AsyncSession,
    viewer: Actor | None,
    *,
    offset: int,
    limit: int,
    order: DirectoryOrder = "active",
    local: bool = False,
    offices: OfficeFilter | None = None,
) -> list[Actor]:
    """Listed accounts with verified officials first, then recently active first
    ("active", never-posting ones last) or newest first ("new"); for a viewer,
    without those it silenced. `offices` holds fedcity's filters (role, state,
    jurisdiction, OCD id prefix, capacity).

    Raises:
        Unprocessable: an unknown role, state or capacity in `offices`.
    """
    today = utcnow().date()
    verified = has_verified_office(today)
    stmt = select(Actor).where(*_listed(verified))
    if offices is not None:
        stmt = stmt.where(*matches(offices.checked(), today))
    if local:
        stmt = stmt.where(Actor.domain.is_(None))
    if viewer is not None:
        stmt = stmt.where(
            Actor.id.not_in(feeds.silenced_actor_ids(viewer.id)),
            Actor.id.not_in(_blocking(viewer.id)),
        )
    first = case((verified, 0), else_=1)
    if order == "new":
        stmt = stmt.order_by(first, Actor.id.desc())
    else:
        stmt = stmt.order_by(
            first, nulls_last(Actor.last_status_at.desc()), Actor.id.desc()
        )
    return list((await session.scalars(stmt.offset(offset).limit(limit))).all())


def _listed(verified: ColumnElement[bool]) -> tuple[ColumnElement[bool], ...]:
    """Discoverable accounts, as Mastodon lists them; and an account with a verified
    office unless it said it is not discoverable (issue 11). A remote actor that
    sends no `discoverable` is stored as not discoverable, so its document says
    which it is."""
    said_no = func.coalesce(Actor.raw["discoverable"].as_boolean(), true()).is_(false())
    return (
        *q.listed_accounts(include_undiscoverable=True),
        or_(
            Actor.discoverable.is_(True),
            and_(verified, Actor.domain.is_not(None), ~said_no),
        ),
    )


@dataclass(frozen=True)
class Suggestion:
    account: Actor
    source: Literal["featured", "most_followed"]


async def suggestions(
    session: AsyncSession, viewer: Actor, limit: int
) -> list[Suggestion]:
    endorsements = (
        select(func.count())
        .where(Endorsement.target_id == Actor.id)
        .select_from(Endorsement)
        .scalar_subquery()
    )
    stmt = (
        select(Actor, endorsements)
        .where(
            *q.listed_accounts(),
            Actor.domain.is_(None),
            Actor.id != viewer.id,
            *_not_for(viewer.id),
        )
        .order_by(endorsements.desc(), Actor.followers_count.desc(), Actor.id.desc())
        .limit(limit)
    )
    rows = await session.execute(stmt)
    return [
        Suggestion(actor, "featured" if count else "most_followed")
        for actor, count in rows
    ]


def _blocking(viewer_id: int) -> Select[int]:
    """Accounts that block the viewer."""
    return select(Block.actor_id).where(Block.target_id == viewer_id)


def _not_for(viewer_id: int) -> tuple[ColumnElement[bool], ...]:
    """Accounts never suggested to the viewer: followed or requested, dismissed,
    silenced (muted, blocked, on a blocked domain) or blocking it."""
    followed = select(Follow.target_id).where(Follow.actor_id == viewer_id)
    dismissed = select(SuggestionDismissal.target_id).where(
        SuggestionDismissal.actor_id == viewer_id
    )
    return (
        Actor.id.not_in(followed),
        Actor.id.not_in(dismissed),
        Actor.id.not_in(feeds.silenced_actor_ids(viewer_id)),
        Actor.id.not_in(_blocking(viewer_id)),
    )


async def dismiss_suggestion(
    session: AsyncSession, viewer: Actor, target: Actor
) -> None:
    """Never suggest `target` to `viewer` again; dismissing twice changes nothing."""
    already = await session.scalar(
        select(
            exists().where(
                SuggestionDismissal.actor_id == viewer.id,
                SuggestionDismissal.target_id == target.id,
            )
        )
    )
    if not already:
        session.add(SuggestionDismissal(actor_id=viewer.id, target_id=target.id))
        await session.flush()


async def familiar_followers(
    session: AsyncSession, viewer: Actor, targets: Sequence[Actor]
) -> list[tuple[Actor, list[Actor]]]:
    """For each target, the accounts the viewer follows that follow it; none for an
    account that hides its followers."""
    found = await q.familiar_followers(session, viewer.id, [t.id for t in targets])
    return [
        (target, [] if target.hide_collections else found.get(target.id, []))
        for target in targets
    ]
