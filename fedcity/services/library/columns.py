"""What a validated document sets on its `library_items` row besides the
document itself: the fields lists and search filter on, pulled out into
columns, the search text, and the states its `library_item_states` rows name.
Pure, so that a bulk load (bench/library_search.py) writes the very columns
`items.apply_document` writes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fedcity.services.library import search_index
from fedcity.services.library.validation import parse_deadline
from fedcity.storage.models import LibraryKind


def columns_of(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The row's columns (by attribute name) for the document `doc`."""
    place: Mapping[str, Any] = doc.get("jurisdiction") or {}
    eligibility: Mapping[str, Any] = doc.get("eligibility") or {}
    cost: Mapping[str, Any] = doc.get("cost") or {}
    deadline = doc.get("deadline")
    return {
        "title": str(doc["title"]),
        "state": place.get("state"),
        "ocd_id": place.get("ocd_id"),
        "population": place.get("population"),
        "population_min": eligibility.get("population_min"),
        "population_max": eligibility.get("population_max"),
        "status": doc.get("status"),
        "evidence_level": doc.get("evidence_level"),
        "cost_amount": cost.get("amount"),
        "cost_currency": cost.get("currency"),
        "deadline": parse_deadline(deadline) if isinstance(deadline, str) else None,
        "topics": list(doc.get("topics") or []),
        "indexable": bool(doc.get("indexable", True)),
        "search_text": search_index.compose(doc),
    }


def states_of(kind: LibraryKind, doc: Mapping[str, Any]) -> list[str]:
    """A case study's state, or the states a funding opportunity is open to."""
    if kind == LibraryKind.FUNDING_OPPORTUNITY:
        states = list((doc.get("eligibility") or {}).get("states") or [])
    else:
        states = [(doc.get("jurisdiction") or {}).get("state") or ""]
    return [s for s in states if s]
