"""Library documents for tests (issue 14): a valid case study and a valid funding
opportunity, each changed by keyword (`None` removes a field)."""

from __future__ import annotations

import copy
from typing import Any

OJAI_OCD = "ocd-division/country:us/state:ca/place:ojai"

CASE_STUDY: dict[str, Any] = {
    "title": "Pothole blitz",
    "jurisdiction": {
        "name": "Ojai",
        "state": "CA",
        "population": 7600,
        "ocd_id": OJAI_OCD,
    },
    "topics": ["infrastructure"],
    "hashtags": ["#potholes"],
    "problem": "Residents waited nine days for a pothole repair.",
    "approach": "A two-person crew on call, and a 311 map of reported holes.",
    "results": [
        {"measure": "pothole repair time", "before": 9, "after": 2, "unit": "days"}
    ],
    "lessons_learned": "Publish the map; people report more once they see fixes.",
    "cost": {"amount": 42000, "currency": "USD"},
    "funding_sources": ["General fund"],
    "partners": ["Ventura County"],
    "evidence_level": "measured",
    "start_date": "2025-01-06",
    "end_date": "2025-06-30",
    "status": "completed",
    "contacts": ["@publicworks@ojai.example"],
    "attachments": [
        {
            "name": "Council report",
            "url": "https://ojai.example/report.pdf",
            "media_type": "application/pdf",
        }
    ],
    "language": "en",
}

FUNDING: dict[str, Any] = {
    "title": "Wildfire resilience grants",
    "funder": {"name": "CAL FIRE", "actor": "https://calfire.example/actor"},
    "amount": {"min": 10000, "max": 250000, "currency": "USD"},
    "deadline": "2099-03-01T17:00:00-08:00",
    "timezone": "America/Los_Angeles",
    "status": "posted",
    "opportunity_number": "CF-2099-01",
    "match_required": 25,
    "eligibility": {
        "states": ["CA", "NV"],
        "population_max": 50000,
        "applicants": ["city", "special_district"],
    },
    "topics": ["emergency_management", "sustainability"],
    "url": "https://calfire.example/apply",
    "language": "en",
}


def changed(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(base)
    for key, value in changes.items():
        if value is None:
            doc.pop(key, None)
        else:
            doc[key] = value
    return doc


def case_study(**changes: Any) -> dict[str, Any]:
    return changed(CASE_STUDY, **changes)


def funding(**changes: Any) -> dict[str, Any]:
    return changed(FUNDING, **changes)
