"""The library's fixed words: topics, evidence levels, statuses and applicant
kinds, read from the schemas (the one place that lists them), with their labels
for pages and for the readable HTML of an item."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Final

from fedcity.i18n import N_
from fedcity.storage.models import LibraryKind

SCHEMAS: Final = Path(__file__).resolve().parents[3] / "schemas"
SCHEMA_FILES: Final = {
    LibraryKind.CASE_STUDY: "case-study.schema.json",
    LibraryKind.FUNDING_OPPORTUNITY: "funding-opportunity.schema.json",
}


@functools.cache
def schema(kind: LibraryKind) -> dict[str, Any]:
    """The JSON Schema of `kind`'s documents."""
    path = SCHEMAS / SCHEMA_FILES[kind]
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _enum(kind: LibraryKind, *path: str) -> tuple[str, ...]:
    node: Any = schema(kind)
    for key in path:
        node = node[key]
    return tuple(node["enum"])


CASE_STUDY = LibraryKind.CASE_STUDY
FUNDING = LibraryKind.FUNDING_OPPORTUNITY
TOPICS: Final = _enum(CASE_STUDY, "$defs", "topics", "items")
EVIDENCE_LEVELS: Final = _enum(CASE_STUDY, "properties", "evidence_level")
CASE_STUDY_STATUSES: Final = _enum(CASE_STUDY, "properties", "status")
FUNDING_STATUSES: Final = _enum(FUNDING, "properties", "status")
APPLICANTS: Final = _enum(
    FUNDING, "properties", "eligibility", "properties", "applicants", "items"
)

# Every word of the lists above, as pages and the readable HTML show it.
LABELS: Final = {
    "housing": N_("Housing"),
    "homelessness": N_("Homelessness"),
    "public_safety": N_("Public safety"),
    "transportation": N_("Transportation"),
    "infrastructure": N_("Infrastructure"),
    "economic_development": N_("Economic development"),
    "sustainability": N_("Sustainability"),
    "budget_finance": N_("Budget and finance"),
    "public_health": N_("Public health"),
    "parks_recreation": N_("Parks and recreation"),
    "technology": N_("Technology"),
    "civic_engagement": N_("Civic engagement"),
    "governance": N_("Governance"),
    "emergency_management": N_("Emergency management"),
    "workforce": N_("Workforce"),
    "anecdotal": N_("Anecdotal"),
    "measured": N_("Measured"),
    "evaluated": N_("Evaluated"),
    "replicated": N_("Replicated"),
    "planned": N_("Planned"),
    "in_progress": N_("In progress"),
    "completed": N_("Completed"),
    "abandoned": N_("Abandoned"),
    "forecasted": N_("Forecasted"),
    "posted": N_("Posted"),
    "closed": N_("Closed"),
    "city": N_("City"),
    "county": N_("County"),
    "special_district": N_("Special district"),
    "nonprofit": N_("Nonprofit"),
    "coalition": N_("Coalition"),
}
