"""A library item's document ↔ the fields of its `Article`, in fedcity's JSON-LD
context v3 (`schemas/contexts/fedcity/v3.jsonld`). Pure functions, both ways, so
that what is sent reads back as the same document.

The title is the Article's `name`, the summary its `summary` (`generatedSummary`
says when fedcity made it from the fields: a receiver then makes its own, in its
own words, and does not store it as the author's), attachments its `attachment`
(only `Document`, `Image` and `Link`), the first image attachment its `image`.
`libraryKind` (`CaseStudy` or `FundingOpportunity`, fedcity's types since v1)
marks an Article as an item. The other fields keep their names in camelCase
(`lessons_learned` → `lessonsLearned`); a few are renamed so that they don't
collide with the Article's own: a funding opportunity's `url` (where to apply)
is `applyUrl`, its `amount` `fundingAmount` {`minAmount`, `maxAmount`,
`currency`}, `language` is schema.org's `inLanguage`, `license` dcterms'.
A jurisdiction is a `Place`, a funder an `Organization` whose `id` is its actor.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from html import escape
from typing import Any, Final

from fedcity import text
from fedcity.federation.jsonld.loader import AS_CONTEXT, MASTODON_TERMS
from fedcity.federation.parse.common import first_url
from fedcity.federation.vocab import Document, as_list, get_type
from fedcity.services.library.summaries import is_generated, summary_of
from fedcity.storage.models import LibraryKind

FEDCITY_CONTEXT_V3: Final = "https://fedcity.org/ns/v3"
DATA_INTEGRITY_CONTEXT: Final = "https://w3id.org/security/data-integrity/v2"
ATTACHMENT_TYPES: Final = frozenset({"Document", "Image", "Link"})

KIND_TYPES: Final[Mapping[LibraryKind, str]] = {
    LibraryKind.CASE_STUDY: "CaseStudy",
    LibraryKind.FUNDING_OPPORTUNITY: "FundingOpportunity",
}
_KINDS_BY_TYPE: Final = {
    spelling: kind
    for kind, name in KIND_TYPES.items()
    for spelling in (name, f"fedcity:{name}", f"https://fedcity.org/ns#{name}")
}

# A document field → its term, or (term, nested keys renamed on the wire).
Term = str | tuple[str, Mapping[str, str]]
_SHARED: Final[Mapping[str, Term]] = {
    "topics": "topics",
    "contacts": "contacts",
    "language": "inLanguage",
    "indexable": "indexable",
}
TERMS: Final[Mapping[LibraryKind, Mapping[str, Term]]] = {
    LibraryKind.CASE_STUDY: {
        "jurisdiction": ("jurisdiction", {"ocd_id": "ocdId"}),
        "hashtags": "hashtags",
        "problem": "problem",
        "approach": "approach",
        "results": "results",
        "lessons_learned": "lessonsLearned",
        "cost": "cost",
        "funding_sources": "fundingSources",
        "partners": "partners",
        "evidence_level": "evidenceLevel",
        "start_date": "startDate",
        "end_date": "endDate",
        "status": "status",
        "adapted_from": "adaptedFrom",
        "related": "related",
        "license": "license",
        **_SHARED,
    },
    LibraryKind.FUNDING_OPPORTUNITY: {
        "funder": ("funder", {"actor": "id"}),
        "amount": ("fundingAmount", {"min": "minAmount", "max": "maxAmount"}),
        "deadline": "deadline",
        "timezone": "timezone",
        "status": "status",
        "opportunity_number": "opportunityNumber",
        "match_required": "matchRequired",
        "eligibility": (
            "eligibility",
            {"population_min": "populationMin", "population_max": "populationMax"},
        ),
        "url": "applyUrl",
        **_SHARED,
    },
}
# The AS2 type a nested object has on the wire (dropped when read back).
NESTED_TYPES: Final = {"jurisdiction": "Place", "funder": "Organization"}


def article_context() -> list[object]:
    """The @context of an item's Article and of the activities carrying it: AS2,
    Data Integrity (for `proof`), fedcity v3, and Mastodon's inline terms
    (`indexable`, `Hashtag`, `sensitive`, …)."""
    return [
        AS_CONTEXT,
        DATA_INTEGRITY_CONTEXT,
        FEDCITY_CONTEXT_V3,
        copy.deepcopy(dict(MASTODON_TERMS)),
    ]


def article_fields(kind: LibraryKind, doc: Mapping[str, Any]) -> Document:
    """What an item adds to its post's object: `name`, `summary`, `attachment`,
    `image` and the structured fields (see the module docstring)."""
    fields: Document = {
        "name": doc["title"],
        # AS2 `summary` is HTML: the plain-text summary, escaped.
        "summary": escape(summary_of(kind, doc), quote=False),
        "libraryKind": KIND_TYPES[kind],
        "attachment": [_attachment(a) for a in doc.get("attachments") or ()],
    }
    if is_generated(doc):
        fields["generatedSummary"] = True
    image = next((a for a in fields["attachment"] if a["type"] == "Image"), None)
    if image is not None:
        fields["image"] = image
    for field, term in TERMS[kind].items():
        if field in doc:
            name, renames = _split(term)
            fields[name] = _typed(field, _renamed(doc[field], renames))
    return fields


def library_kind(article: Mapping[str, Any]) -> LibraryKind | None:
    """The kind of item an Article carries; None for any other object."""
    value = article.get("libraryKind")
    return _KINDS_BY_TYPE.get(value) if isinstance(value, str) else None


def read_document(kind: LibraryKind, article: Mapping[str, Any]) -> dict[str, Any]:
    """The item's document as an Article carries it, not yet validated: what the
    wire says, renamed back; whatever is of the wrong shape is left for the schema
    to refuse with its reason."""
    doc: dict[str, Any] = {}
    if "name" in article:
        doc["title"] = article["name"]
    summary = article.get("summary")
    # A generated summary is not the author's: the receiver makes its own.
    authored = article.get("generatedSummary") is not True
    if authored and isinstance(summary, str) and summary.strip():
        doc["summary"] = text.html_to_text(summary)
    for field, term in TERMS[kind].items():
        name, renames = _split(term)
        if name in article:
            value = _untyped(field, article[name])
            doc[field] = _renamed(value, {v: k for k, v in renames.items()})
    if kind == LibraryKind.CASE_STUDY:
        attachments = [_read_attachment(a) for a in as_list(article.get("attachment"))]
        found = [a for a in attachments if a is not None]
        if found:
            doc["attachments"] = found
    return doc


def _split(term: Term) -> tuple[str, Mapping[str, str]]:
    return (term, {}) if isinstance(term, str) else term


def _renamed(value: Any, renames: Mapping[str, str]) -> Any:
    """`value` (an object, or a list of them) with its keys renamed."""
    if not renames:
        return value
    if isinstance(value, list):
        return [_renamed(v, renames) for v in value]
    if isinstance(value, Mapping):
        return {renames.get(k, k): v for k, v in value.items()}
    return value


def _typed(field: str, value: Any) -> Any:
    if field in NESTED_TYPES and isinstance(value, Mapping):
        return {"type": NESTED_TYPES[field], **value}
    return value


def _untyped(field: str, value: Any) -> Any:
    if field in NESTED_TYPES and isinstance(value, Mapping):
        return {k: v for k, v in value.items() if k != "type"}
    return value


def _attachment(attachment: Mapping[str, Any]) -> Document:
    """A document's attachment as AS2: a `Link` when its media type is unknown,
    an `Image` for an image, else a `Document`."""
    media_type = attachment.get("media_type")
    if media_type is None:
        return {"type": "Link", "href": attachment["url"], "name": attachment["name"]}
    kind = "Image" if str(media_type).startswith("image/") else "Document"
    return {
        "type": kind,
        "mediaType": media_type,
        "url": attachment["url"],
        "name": attachment["name"],
    }


def _read_attachment(entry: object) -> dict[str, Any] | None:
    """An attachment back as the document's; None for another type (a
    `PropertyValue`, an `Audio`), which is not part of an item."""
    if not isinstance(entry, Mapping) or get_type(entry) not in ATTACHMENT_TYPES:
        return None
    url = first_url(
        entry.get("href") if get_type(entry) == "Link" else entry.get("url")
    )
    found: dict[str, Any] = {"name": entry.get("name"), "url": url}
    if "mediaType" in entry:
        found["media_type"] = entry["mediaType"]
    return found
