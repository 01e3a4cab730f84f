"""Deciding whether an inbound document needs pyld, or reads as plain AS2."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Final

import orjson

from fedcity.federation.jsonld.loader import canonical_url
from fedcity.federation.jsonld.terms import (
    TermDefinition,
    document_prefixes,
    expand_iri,
    is_prefix_iri,
    prefixes_of,
    reference_iris,
    reference_prefixes,
    reference_terms,
    term_definition,
)

# Context-level keywords that don't change which IRI a term means or the
# shape of its JSON value (for @language, see
# normalization._without_default_language).
_HARMLESS_KEYWORDS: Final = frozenset({"@language", "@version", "@protected"})
_PLAIN_DEFINITION_KEYS: Final = frozenset({"@id", "@type", "@container"})
_SHAPE_NEUTRAL_CONTAINERS: Final = frozenset({None, "@list", "@set"})


def needs_processing(doc: Mapping[str, object]) -> bool:
    """Tell whether `doc` must go through JSON-LD expansion to be read as AS2.

    It returns False when the document can be read as plain AS2 compact JSON.
    That needs three things. Every @context entry is either a bundled URL or an
    inline object whose terms mean what fedcity's compaction context says they
    mean. No key is a JSON-LD keyword other than @context. And no key or
    `type` value, at any depth, is a compact IRI or full IRI for a term fedcity
    reads ("as:actor", "https://www.w3.org/ns/activitystreams#Note"). A missing
    @context counts as plain AS2.

    Extension IRIs such as Misskey's "vcard:bday" key don't trigger
    processing, because compaction would leave them as they are.
    """
    prefixes: Mapping[str, str] | None = None
    for node in _walk_objects(doc):
        if "@context" in node and not _context_is_plain(node["@context"]):
            return True
        for name in _names_to_check(node):
            if name.startswith("@"):
                return True
            if ":" not in name:
                continue
            if prefixes is None:  # built only for the few documents that need it
                prefixes = document_prefixes(doc.get("@context"))
            if expand_iri(name, prefixes) in reference_iris():
                return True
    return False


def _walk_objects(doc: Mapping[str, object]) -> Iterator[Mapping[str, object]]:
    # Iterative, because parsed JSON can nest deeper than Python's recursion limit.
    stack: list[object] = [doc]
    while stack:
        value = stack.pop()
        if isinstance(value, Mapping):
            yield value
            stack.extend(v for k, v in value.items() if k != "@context")
        elif isinstance(value, list):
            stack.extend(value)


def _names_to_check(node: Mapping[str, object]) -> Iterator[str]:
    """Keys (except @context) and `type` values: the names read as terms."""
    yield from (key for key in node if key != "@context")
    types = node.get("type")
    if isinstance(types, str):
        yield types
    elif isinstance(types, list):
        yield from (t for t in types if isinstance(t, str))


def _context_is_plain(context: object) -> bool:
    # A server sends the same @context with every activity: decide once per
    # distinct context (keyed by its serialised bytes), not once per request.
    try:
        key = orjson.dumps(context)
    except TypeError:
        return _context_is_plain_uncached(context)
    return _context_is_plain_by_key(key)


@functools.lru_cache(maxsize=1024)
def _context_is_plain_by_key(key: bytes) -> bool:
    return _context_is_plain_uncached(orjson.loads(key))


def _context_is_plain_uncached(context: object) -> bool:
    entries = context if isinstance(context, list) else [context]
    return all(_context_entry_is_plain(entry) for entry in entries)


def _context_entry_is_plain(entry: object) -> bool:
    if isinstance(entry, str):
        return canonical_url(entry) is not None
    if isinstance(entry, Mapping):
        return _inline_context_is_plain(entry)
    # null resets the active context; anything else is invalid JSON-LD.
    return False


def _inline_context_is_plain(context: Mapping[str, object]) -> bool:
    reference = reference_terms()
    prefixes = {**reference_prefixes(), **prefixes_of(context)}
    for term, definition in context.items():
        if term.startswith("@"):
            if term not in _HARMLESS_KEYWORDS:
                return False
            continue
        if isinstance(definition, Mapping) and not (
            definition.keys() <= _PLAIN_DEFINITION_KEYS
        ):
            return False  # scoped contexts, @reverse, @nest … need a real processor
        expected = reference.get(term)
        if expected is None:
            continue  # an extension term fedcity doesn't read by name
        if not _definition_matches(definition, expected, prefixes):
            return False
    return True


def _definition_matches(
    definition: object, expected: TermDefinition, prefixes: Mapping[str, str]
) -> bool:
    actual = term_definition(definition, prefixes)
    if actual is None:
        return False
    iri, container = actual
    expected_iri, expected_container = expected
    if iri != expected_iri:
        # Redefining a prefix only matters for compact IRIs in the document,
        # which needs_processing already sends to pyld.
        return is_prefix_iri(iri) and is_prefix_iri(expected_iri)
    return container in _SHAPE_NEUTRAL_CONTAINERS or container == expected_container
