"""What full-text search matches in a library item besides its title:
`LibraryItem.search_text`.

The words a reader would search by: the author's summary, the place, the funder,
the long texts, the results' measures and units, funding sources, partners,
topics (in words: "public safety"), hashtags, attachment names and a funding
opportunity's number. URIs, handles, dates and figures are left out: nobody
finds a case study by its license IRI. `apply_document` stores it with every
document; the database keeps the index in step with it, with the title, and
with whether the item may be found (`storage/queries/library/search.py`), so
that a withdrawal or a change of consent needs nothing here.

Migration 0032 filled the column for the items already stored with its own copy
of this rule, as it stood then.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

_TEXTS = ("summary", "problem", "approach", "lessons_learned", "opportunity_number")
_NAMES = ("funding_sources", "partners")


def compose(doc: Mapping[str, Any]) -> str:
    """The searchable text of a validated document, its parts one per line."""
    return "\n".join(part for part in _parts(doc) if part)


def _parts(doc: Mapping[str, Any]) -> Iterator[str]:
    place = doc.get("jurisdiction") or {}
    yield " ".join(str(place.get(k) or "") for k in ("name", "state")).strip()
    yield str((doc.get("funder") or {}).get("name") or "")
    for key in _TEXTS:
        yield str(doc.get(key) or "")
    for result in doc.get("results") or []:
        yield " ".join(str(result.get(k) or "") for k in ("measure", "unit")).strip()
    for key in _NAMES:
        yield from (str(name) for name in doc.get(key) or [])
    yield " ".join(str(t).replace("_", " ") for t in doc.get("topics") or [])
    yield " ".join(str(h).lstrip("#") for h in doc.get("hashtags") or [])
    yield from (str(a.get("name") or "") for a in doc.get("attachments") or [])
