"""How an attested office reads now: verified, former, candidate or unverified (with
a reason). Pure functions over the summaries kept on `actors.offices`, so that a page
of accounts is shown without a query per account.

A summary is what `summary_of` makes of an attestation: the office, the issuer, the
attestation's id and page, and for a remote one the outcome of its last check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Literal

from fedcity.storage.models import Actor, Attestation
from fedcity.storage.types import utcnow

Status = Literal["verified", "former", "candidate", "unverified"]

# Why an attestation is not shown as verified (stable codes, shown to admins).
CAMPAIGN_ACCOUNT: Final = "campaign_account"
TERM_NOT_STARTED: Final = "term_not_started"
ELECTION_PAST: Final = "election_past"
REVOKED: Final = "revoked"
EN_DASH: Final = "\u2013"  # between a former term's years, as people write them


@dataclass(frozen=True)
class OfficeView:
    """One attested office or candidacy as people see it today."""

    summary: dict[str, Any]
    status: Status
    reason: str | None

    @property
    def kind(self) -> str:
        return str(self.summary["kind"])

    @property
    def title(self) -> str:
        return str(self.summary["title"])

    @property
    def issuer_name(self) -> str:
        return str(self.summary.get("issuer_name") or self.summary["issuer"])

    @property
    def url(self) -> str:
        return str(self.summary.get("url") or self.summary["attestation"])

    @property
    def years(self) -> str:
        """The term's years joined by an en dash ("2024" EN_DASH "2026"), or
        "until 2026" when the term's start is not known."""
        start, end = self.summary.get("valid_from"), self.summary.get("valid_until")
        if end is None:
            return start[:4] if start else ""
        return f"{start[:4]}{EN_DASH}{end[:4]}" if start else f"until {end[:4]}"

    @property
    def label(self) -> str:
        """The office in words (English: the API's role names are not translated)."""
        if self.status == "candidate" or self.kind == "candidacy":
            election = self.summary.get("election_date") or ""
            return f"Candidate for {self.title} (election {election})"
        if self.status == "former":
            return f"former {self.title} ({self.years})"
        return self.title


def summary_of(attestation: Attestation, issuer_name: str) -> dict[str, Any]:
    """What `actors.offices` keeps of an attestation (JSON: dates as ISO strings)."""
    return {
        "id": str(attestation.id),
        "kind": attestation.kind,
        "role": attestation.role,
        "title": attestation.title,
        "jurisdiction": {
            "name": attestation.jurisdiction,
            "state": attestation.state,
            "population": attestation.population,
            "ocd_id": attestation.ocd_id,
        },
        "seats": attestation.seats,
        "valid_from": _day(attestation.valid_from),
        "valid_until": _day(attestation.valid_until),
        "election_date": _day(attestation.election_date),
        "issuer": attestation.issuer_uri,
        "issuer_name": issuer_name,
        "attestation": attestation.uri,
        "url": attestation.uri,
        "published": attestation.published_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "local": attestation.local,
        "check_status": attestation.check_status,
        "reason": attestation.reason,
    }


def view(summary: dict[str, Any], capacity: str, today: date) -> OfficeView:
    """The status of one summary for an account speaking in `capacity`, `today`.

    A candidacy is never an office; a campaign account is never an official; a
    remote attestation that failed its check stays unverified with its reason."""
    if summary["kind"] == "candidacy":
        election = _date(summary.get("election_date"))
        if election is not None and election < today:
            return OfficeView(summary, "unverified", ELECTION_PAST)
        return OfficeView(summary, "candidate", None)
    if summary.get("check_status") == "unverified":
        return OfficeView(summary, "unverified", summary.get("reason"))
    if capacity == "campaign":
        return OfficeView(summary, "unverified", CAMPAIGN_ACCOUNT)
    start = _date(summary.get("valid_from"))
    if start is not None and start > today:
        return OfficeView(summary, "unverified", TERM_NOT_STARTED)
    end = _date(summary.get("valid_until"))
    if end is not None and end < today:
        return OfficeView(summary, "former", None)
    return OfficeView(summary, "verified", None)


def attestation_view(
    attestation: Attestation, capacity: str, today: date
) -> OfficeView:
    """How one attestation reads for an admin: a revoked one is unverified
    (`revoked`), whatever its term."""
    summary = summary_of(attestation, "")
    if attestation.revoked_at is not None:
        return OfficeView(summary, "unverified", REVOKED)
    return view(summary, capacity, today)


def views(
    summaries: list[dict[str, Any]], capacity: str, today: date
) -> list[OfficeView]:
    return [view(s, capacity, today) for s in summaries]


def actor_views(actor: Actor, today: date | None = None) -> list[OfficeView]:
    """The actor's attested offices and candidacies as they read today."""
    return views(actor.offices or [], actor.capacity, today or utcnow().date())


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
