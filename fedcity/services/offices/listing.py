"""The directory's index of attested offices (`office_listings`): one row per
entry of an actor's `offices` summary, rewritten whenever the summary is (see
`attestations.refresh`), and the SQL conditions the directory filters and orders
by. Whether an office is verified *today* is decided in the query (the term's
dates, a remote attestation's check, the account's capacity), so that a term that
ends makes its holder former without any rewrite."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, or_
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Unprocessable
from fedcity.services.offices import vocabulary as v
from fedcity.storage.models import Actor, OfficeListing


async def reindex(session: AsyncSession, subject: Actor) -> None:
    """Rewrite `subject`'s rows from its `offices` summary, in the caller's
    transaction."""
    await session.execute(
        delete(OfficeListing).where(OfficeListing.actor_id == subject.id)
    )
    session.add_all(_row(subject.id, s) for s in subject.offices or [])
    await session.flush()


def _row(actor_id: int, summary: dict[str, Any]) -> OfficeListing:
    place = summary["jurisdiction"]
    return OfficeListing(
        actor_id=actor_id,
        kind=summary["kind"],
        role=summary["role"],
        state=place["state"],
        jurisdiction=place["name"],
        ocd_id=place["ocd_id"],
        valid_from=_date(summary.get("valid_from")),
        valid_until=_date(summary.get("valid_until")),
        election_date=_date(summary.get("election_date")),
        trusted=summary.get("check_status") != "unverified",
    )


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class OfficeFilter:
    """The directory's filters of fedcity's own; None is "any". `role` `candidate`
    asks for current candidacies (the other filters then apply to the office
    sought)."""

    role: str | None = None
    state: str | None = None
    jurisdiction: str | None = None
    ocd_id: str | None = None  # a prefix
    capacity: str | None = None

    def checked(self) -> OfficeFilter:
        """The filter with its values checked and normalised.

        Raises:
            Unprocessable: an unknown role, state or capacity.
        """
        state = None if self.state is None else self.state.strip().upper()
        if state is not None and state not in v.STATES:
            raise Unprocessable("Unknown state code {state}", state=state)
        role = self.role
        if role is not None and role != v.CANDIDATE:
            role = v.check_role(role)
        capacity = None if self.capacity is None else v.check_capacity(self.capacity)
        return OfficeFilter(role, state, self.jurisdiction, self.ocd_id, capacity)


def verified_now(today: date) -> ColumnElement[bool]:
    """A listing row that reads as a verified office today (status.view's rule:
    a trusted office in its term, of an account that is no campaign's)."""
    return and_(
        OfficeListing.kind == "office",
        OfficeListing.trusted.is_(True),
        Actor.capacity != "campaign",
        or_(OfficeListing.valid_from.is_(None), OfficeListing.valid_from <= today),
        or_(OfficeListing.valid_until.is_(None), OfficeListing.valid_until >= today),
    )


def candidate_now(today: date) -> ColumnElement[bool]:
    """A listing row that reads as a candidacy today (its election not past)."""
    return and_(
        OfficeListing.kind == "candidacy",
        or_(
            OfficeListing.election_date.is_(None),
            OfficeListing.election_date >= today,
        ),
    )


def has_verified_office(today: date) -> ColumnElement[bool]:
    return exists().where(OfficeListing.actor_id == Actor.id, verified_now(today))


def matches(wanted: OfficeFilter, today: date) -> list[ColumnElement[bool]]:
    """Conditions on `Actor` for the filters: an office (verified today) or, for
    `role` candidate, a candidacy that matches them all; and the capacity."""
    conditions: list[ColumnElement[bool]] = []
    if wanted.capacity is not None:
        conditions.append(Actor.capacity == wanted.capacity)
    row: list[ColumnElement[bool]] = [OfficeListing.actor_id == Actor.id]
    if wanted.role == v.CANDIDATE:
        row.append(candidate_now(today))
    elif any((wanted.role, wanted.state, wanted.jurisdiction, wanted.ocd_id)):
        row.append(verified_now(today))
    else:
        return conditions
    if wanted.role not in (None, v.CANDIDATE):
        row.append(OfficeListing.role == wanted.role)
    if wanted.state is not None:
        row.append(OfficeListing.state == wanted.state)
    if wanted.jurisdiction is not None:
        row.extend(_in_jurisdiction(wanted.jurisdiction))
    if wanted.ocd_id is not None:
        prefix = _escaped(wanted.ocd_id.strip().lower()) + "%"
        row.append(OfficeListing.ocd_id.like(prefix, escape="\\"))
    conditions.append(exists().where(*row))
    return conditions


def _in_jurisdiction(text: str) -> list[ColumnElement[bool]]:
    """ "Ojai" (any state's, any case) or "Ojai, CA"."""
    name, _, state = text.rpartition(",")
    if not name or state.strip().upper() not in v.STATES:
        name, state = text, ""
    found: list[ColumnElement[bool]] = [
        OfficeListing.jurisdiction.ilike(_escaped(name.strip()), escape="\\")
    ]
    if state:
        found.append(OfficeListing.state == state.strip().upper())
    return found


def _escaped(text: str) -> str:
    """`text` matched literally by LIKE (with `\\` as the escape character)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
