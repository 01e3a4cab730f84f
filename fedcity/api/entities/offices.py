"""What an Account entity shows of attested offices (issue 11): the `fedcity`
object (as Pleroma adds `pleroma`), a role badge named after a verified office's
title (a candidacy's unhighlighted), and an "Office" field with `verified_at`.

Read from `actors.offices`, the summary kept on the actor row, so that a page of
accounts costs no query more.
"""

from __future__ import annotations

from datetime import date

from fedcity.api.entities.formats import Entity, timestamp
from fedcity.federation.render.offices import OFFICE_FIELD, office_link
from fedcity.services.offices.attestations import Listed
from fedcity.services.offices.status import OfficeView, actor_views
from fedcity.storage.models import Actor


def own_fields(actor: Actor) -> list[Entity]:
    """The profile fields the account itself wrote (what its owner edits)."""
    return [
        {"name": f["name"], "value": f["value"], "verified_at": None}
        for f in actor.fields
    ]


def office_entities(actor: Actor, today: date | None = None) -> Entity:
    """`roles`, `fields` (the "Office" ones first) and the `fedcity` object."""
    shown = actor_views(actor, today)
    return {
        "roles": [role for v in shown if (role := _role(v)) is not None],
        "fields": [
            *(
                {
                    "name": OFFICE_FIELD,
                    "value": office_link(v),
                    "verified_at": v.summary.get("published"),
                }
                for v in shown
                if v.status == "verified" and v.kind == "office"
            ),
            *(
                f
                for f in own_fields(actor)
                # A remote server's own "Office" fields are its claims: what this
                # instance checked is shown instead, as for local accounts.
                if actor.is_local or f["name"] != OFFICE_FIELD
            ),
        ],
        "fedcity": {
            "capacity": actor.capacity,
            "offices": [_office(v) for v in shown],
        },
    }


def _role(view: OfficeView) -> Entity | None:
    """A verified office is a highlighted role; a candidacy an unhighlighted one,
    worded as such; a former or unverified office is no role."""
    if view.status == "verified" and view.kind == "office":
        highlighted = True
    elif view.status == "candidate":
        highlighted = False
    else:
        return None
    return {
        "id": f"office-{view.summary['id']}",
        "name": view.label,
        "color": "",
        "highlighted": highlighted,
    }


def _office(view: OfficeView) -> Entity:
    s = view.summary
    place = s.get("jurisdiction") or {}
    return {
        "kind": view.kind,
        "role": "candidate" if view.kind == "candidacy" else s["role"],
        "seeking": s["role"] if view.kind == "candidacy" else None,
        "title": s["title"],
        "label": view.label,
        "jurisdiction": {
            "name": place.get("name"),
            "state": place.get("state"),
            "population": place.get("population"),
            "ocd_id": place.get("ocd_id"),
        },
        "valid_from": s.get("valid_from"),
        "valid_until": s.get("valid_until"),
        "election_date": s.get("election_date"),
        "issuer": s["issuer"],
        "issuer_name": view.issuer_name,
        "attestation": s["attestation"],
        "url": view.url,
        "status": view.status,
        "reason": view.reason,
    }


def serialize_office(listed: Listed, account: Entity) -> Entity:
    """An attestation as the admin API shows it (`/api/v1/fedcity/admin/offices`),
    with the subject's Account entity."""
    a, shown = listed.attestation, listed.view
    candidacy = a.kind == "candidacy"
    return {
        "id": str(a.id),
        "kind": a.kind,
        "account": account,
        "role": "candidate" if candidacy else a.role,
        "title": a.title,
        "jurisdiction": {
            "name": a.jurisdiction,
            "state": a.state,
            "population": a.population,
            "ocd_id": a.ocd_id,
        },
        "seats": a.seats,
        "valid_from": _iso(a.valid_from),
        "valid_until": _iso(a.valid_until),
        "seeking": a.role if candidacy else None,
        "election_date": _iso(a.election_date),
        "issuer": a.issuer_uri,
        "attestation": a.uri,
        "local": a.local,
        "status": shown.status,
        "reason": shown.reason,
        "label": shown.label,
        "published_at": timestamp(a.published_at),
        "revoked_at": timestamp(a.revoked_at),
    }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None
