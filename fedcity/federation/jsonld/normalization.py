"""normalize(): inbound JSON-LD → the plain AS2 compact JSON fedcity reads."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Final, cast
from urllib.parse import urlsplit

from fedcity.federation.jsonld.loader import (
    AS_CONTEXT,
    FEDCITY_CONTEXT,
    canonical_url,
    default_context,
    document_loader,
    pyld,
)
from fedcity.federation.jsonld.plain import needs_processing
from fedcity.federation.jsonld.terms import (
    expand_iri,
    reference_prefixes,
    terms_by_iri,
)

log = logging.getLogger(__name__)

PUBLIC: Final = "https://www.w3.org/ns/activitystreams#Public"
# AS2 §5.6: all three spellings mean the public collection, and servers send
# all three (Mastodon: full IRI; some Pleroma/GoToSocial versions: "as:Public").
PUBLIC_ALIASES: Final = frozenset({PUBLIC, "as:Public", "Public"})

_ADDRESSING_KEYS: Final = ("to", "cc", "bto", "bcc", "audience")
# Bounds the walk through embedded objects (Announce → Create → Note …), so a
# hostile document can't make us recurse without limit.
_MAX_EMBED_DEPTH: Final = 16


def normalize(doc: Mapping[str, object]) -> dict[str, object]:
    """Return `doc` as the plain AS2 compact JSON the rest of fedcity reads.

    The original "@context" is kept, unchanged, under "@context" (it is dropped
    only when the input had none). "as:Public" and "Public" in to/cc/bto/bcc/
    audience become the full Public IRI, also in embedded "object"s.

    On the fast path (see `needs_processing`) the result is a shallow copy: it
    shares nested values with `doc`, so don't mutate them. Otherwise the
    document is expanded and compacted against `default_context()` plus the
    fedcity context. JSON-LD compaction turns one-element arrays into single
    values there, so readers should accept both forms (`as_list`).

    A document whose context can't be loaded offline, or that pyld rejects, is
    returned as plain JSON (fast-path treatment). Servers do reference
    contexts we don't bundle (Pleroma's per-instance litepub context, for
    example), and refusing those would break federation. The parse layer
    validates every field afterwards anyway.
    """
    if not needs_processing(doc):
        return _with_public_normalised(doc)
    unknown = _unknown_context_urls(doc.get("@context"))
    if unknown:
        log.debug("unbundled JSON-LD context, reading as plain JSON: %s", unknown)
        return _with_public_normalised(doc)
    try:
        compacted = _expand_and_compact(doc)
    except pyld().JsonLdError as exc:
        log.debug(
            "JSON-LD processing failed, reading as plain JSON",
            extra={"activity_id": doc.get("id"), "jsonld_error": exc.code or exc.type},
        )
        return _with_public_normalised(doc)
    return _with_public_normalised(compacted)


def _unknown_context_urls(context: object) -> list[str]:
    entries = context if isinstance(context, list) else [context]
    return [e for e in entries if isinstance(e, str) and canonical_url(e) is None]


def _expand_and_compact(doc: Mapping[str, object]) -> dict[str, object]:
    # Before expansion, because a bare "Public" is a relative IRI to JSON-LD.
    source = _with_public_normalised(doc)
    original_context = source.get("@context")
    # No @context: read it as AS2, as consumers may (AS2 core §2.1).
    source["@context"] = (
        AS_CONTEXT
        if original_context is None
        else _without_default_language(original_context)
    )
    compacted = _pyld_compact(source, base=_base_iri(source.get("id")))
    compacted.pop("@context", None)
    _rename_leftover_iris(compacted)
    if original_context is None:
        return compacted
    return {"@context": original_context, **compacted}


def _pyld_compact(source: dict[str, object], *, base: str) -> dict[str, object]:
    """Expand `source` and compact it against fedcity's context, offline.

    Raises:
        pyld.jsonld.JsonLdError: also for the ValueError, KeyError, TypeError
            and RecursionError that pyld 3.3 lets out on malformed input
            (found by fuzzing). Inbound documents are untrusted, so those are
            "invalid JSON-LD" too, not crashes.
    """
    options: dict[str, object] = {"documentLoader": document_loader}
    target = {"@context": [*default_context(), FEDCITY_CONTEXT]}
    try:
        # The base is used only for expansion: compacting with it would make
        # the document's own IRIs relative.
        expanded = pyld().expand(source, {**options, "base": base})
        compacted = pyld().compact(expanded, target, {**options, "skipExpansion": True})
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise pyld().JsonLdError(
            "pyld failed on malformed input", "jsonld.SyntaxError", code="pyld crash"
        ) from exc
    if not isinstance(compacted, dict):
        raise pyld().JsonLdError("compaction gave no object", "jsonld.CompactError")
    return cast("dict[str, object]", compacted)


def _base_iri(node_id: object) -> str:
    """The document's own id, to resolve relative IRIs against, if usable.

    Without it pyld resolves against http://example.org/base/, and an id that
    is not an absolute http(s) URL makes pyld raise.
    """
    if not isinstance(node_id, str):
        return ""
    try:
        parts = urlsplit(node_id)
    except ValueError:  # e.g. "http://[::1"
        return ""
    return node_id if parts.scheme in ("http", "https") and parts.netloc else ""


def _rename_leftover_iris(compacted: dict[str, object]) -> None:
    """Give IRI keys and types that compaction left alone their plain names.

    Compaction keeps a full IRI when the value doesn't fit the term's
    definition. For example, "https://www.w3.org/ns/activitystreams#to" with a
    plain string value comes out as "as:to", because the AS2 term "to" expects
    an @id. Terms the sender never defined come out as "_:name", through the
    AS2 context's `"@vocab": "_:"`. Both mean what the plain term means to the
    rest of fedcity, so both are renamed, unless that name is already taken.
    """
    stack: list[object] = [compacted]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            _rename_keys(value)
            if "type" in value:
                value["type"] = _plain_type(value["type"])
            stack.extend(value.values())


def _rename_keys(node: dict[str, object]) -> None:
    for key in [k for k in node if ":" in k]:
        term = _term_for_key(key)
        if term != key and term not in node:
            node[term] = node.pop(key)


def _term_for_key(key: str) -> str:
    if key.startswith("_:"):
        return key[2:] or key
    iri = expand_iri(key, reference_prefixes())
    return terms_by_iri().get(iri, key)


def _plain_type(value: object) -> object:
    if isinstance(value, str):
        return value.removeprefix("_:")
    if isinstance(value, list):
        return [v.removeprefix("_:") if isinstance(v, str) else v for v in value]
    return value


def _without_default_language(context: object) -> object:
    """Drop a default @language (Pleroma sends "und") before processing.

    With it, every plain `content` would compact into `contentMap`, because
    term selection prefers the AS2 language-map terms. The fast path reads
    `content` as sent, and the slow path should give the same shape. The
    language stays visible in the @context that `normalize` keeps.
    """
    entries = context if isinstance(context, list) else [context]
    return [
        {k: v for k, v in e.items() if k != "@language"}
        if isinstance(e, Mapping)
        else e
        for e in entries
    ]


def _with_public_normalised(
    node: Mapping[str, object], depth: int = 0
) -> dict[str, object]:
    result = dict(node)
    for key in _ADDRESSING_KEYS:
        if key in result:
            result[key] = _normalise_audience(result[key])
    embedded = result.get("object")
    if depth < _MAX_EMBED_DEPTH and isinstance(embedded, Mapping):
        result["object"] = _with_public_normalised(embedded, depth + 1)
    elif depth < _MAX_EMBED_DEPTH and isinstance(embedded, list):
        result["object"] = [
            _with_public_normalised(item, depth + 1)
            if isinstance(item, Mapping)
            else item
            for item in embedded
        ]
    return result


def _normalise_audience(value: object) -> object:
    if isinstance(value, str):
        return PUBLIC if value in PUBLIC_ALIASES else value
    if isinstance(value, list):
        return [
            PUBLIC if isinstance(v, str) and v in PUBLIC_ALIASES else v for v in value
        ]
    return value
