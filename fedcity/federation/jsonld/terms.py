"""The terms fedcity reads, as its compaction context defines them: prefixes,
term → (IRI, container), and IRI expansion against them."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, cast

from fedcity.federation.jsonld.loader import (
    AS_CONTEXT,
    FEDCITY_CONTEXT,
    MASTODON_TERMS,
    SECURITY_CONTEXT,
    canonical_url,
    load_context,
)

_SECURITY_TERMS_READ: Final = frozenset(
    {"sec", "dc", "xsd", "id", "type", "publicKey", "publicKeyPem", "owner"}
)

TermDefinition = tuple[str, object]  # (expanded IRI, @container)


def document_prefixes(context: object) -> dict[str, str]:
    """Prefix → IRI in a document: fedcity's, overridden by its own @context."""
    return {**reference_prefixes(), **_context_prefixes(context)}


def _context_prefixes(context: object) -> dict[str, str]:
    """The prefixes a @context value defines, inline or in bundled documents."""
    prefixes: dict[str, str] = {}
    for entry in context if isinstance(context, list) else [context]:
        if isinstance(entry, Mapping):
            prefixes.update(prefixes_of(entry))
        elif isinstance(entry, str) and (canonical := canonical_url(entry)):
            prefixes.update(_bundled_prefixes(canonical))
    return prefixes


@functools.cache
def _bundled_prefixes(url: str) -> Mapping[str, str]:
    return MappingProxyType(_context_prefixes(load_context(url)["@context"]))


def term_definition(
    definition: object, prefixes: Mapping[str, str]
) -> TermDefinition | None:
    """A term's definition as (expanded IRI, @container); None if it has no @id."""
    if isinstance(definition, str):
        return expand_iri(definition, prefixes), None
    if isinstance(definition, Mapping) and isinstance(definition.get("@id"), str):
        container = definition.get("@container")
        return expand_iri(cast(str, definition["@id"]), prefixes), container
    return None


def expand_iri(value: str, prefixes: Mapping[str, str]) -> str:
    """`prefix:suffix` → the full IRI when `prefix` is known; other values as they are."""
    prefix, sep, suffix = value.partition(":")
    if sep and not suffix.startswith("//") and prefix in prefixes:
        return prefixes[prefix] + suffix
    return value


def is_prefix_iri(iri: str) -> bool:
    """Whether `iri` can serve as a prefix (it ends in "#" or "/")."""
    return iri.endswith(("#", "/"))


def prefixes_of(context: Mapping[str, object]) -> dict[str, str]:
    """The prefix definitions of one inline context object."""
    return {
        term: value
        for term, value in context.items()
        if isinstance(value, str) and is_prefix_iri(value) and ":" not in term
    }


def _reference_parts() -> list[Mapping[str, object]]:
    """The bodies of the compaction context, restricted to terms fedcity reads.

    Security v1 is cut down to the key terms: PeerTube, for one, redefines
    "expires", which fedcity never reads, and that alone shouldn't cost a
    round through pyld.
    """
    security = _context_body(SECURITY_CONTEXT)
    return [
        _context_body(AS_CONTEXT),
        {k: v for k, v in security.items() if k in _SECURITY_TERMS_READ},
        MASTODON_TERMS,
        _context_body(FEDCITY_CONTEXT),
    ]


def _context_body(url: str) -> Mapping[str, object]:
    body = load_context(url)["@context"]
    if not isinstance(body, Mapping):
        raise ValueError(f"expected an inline @context object in {url}")
    return cast("Mapping[str, object]", body)


@functools.cache
def reference_prefixes() -> Mapping[str, str]:
    """Prefix → IRI as fedcity's compaction context defines them."""
    prefixes: dict[str, str] = {}
    for part in _reference_parts():
        prefixes.update(prefixes_of(part))
    return MappingProxyType(prefixes)


@functools.cache
def reference_iris() -> frozenset[str]:
    """Every IRI a term fedcity reads expands to."""
    return frozenset(iri for iri, _ in reference_terms().values())


@functools.cache
def reference_terms() -> Mapping[str, TermDefinition]:
    """Term → (IRI, container) as fedcity's compaction context defines it."""
    prefixes = reference_prefixes()
    terms: dict[str, TermDefinition] = {}
    for part in _reference_parts():
        for term, definition in part.items():
            resolved = term_definition(definition, prefixes)
            if resolved is not None and not term.startswith("@"):
                terms[term] = resolved
    return MappingProxyType(terms)


@functools.cache
def terms_by_iri() -> Mapping[str, str]:
    """IRI → the plain term fedcity reads it as.

    Language-map terms are skipped: "as:content" should become "content", not
    "contentMap".
    """
    terms: dict[str, str] = {}
    for term, (iri, container) in reference_terms().items():
        if container != "@language" and not iri.startswith("@"):
            terms.setdefault(iri, term)
    return MappingProxyType(terms)
