"""Bundled JSON-LD contexts, the offline pyld document loader, and the
@context fedcity puts on what it renders."""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

CONTEXTS_DIR: Final = Path(__file__).resolve().parents[3] / "schemas" / "contexts"

AS_CONTEXT: Final = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT: Final = "https://w3id.org/security/v1"
FEDCITY_CONTEXT: Final = "https://fedcity.org/ns/v1"
# What an actor with FEP-521a keys adds: `assertionMethod` (DID v1) and `Multikey`.
KEYS_CONTEXTS: Final = (
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/security/multikey/v1",
)

# The inline terms of Mastodon's actor/status context (app/lib/activitypub/
# adapter.rb and serializers), so remote servers read what fedcity emits exactly
# as they read Mastodon. It is part of the @context *value* fedcity sends, not
# a context document, so it sits here rather than in schemas/contexts/.
MASTODON_TERMS: Final[Mapping[str, object]] = MappingProxyType(
    {
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "toot": "http://joinmastodon.org/ns#",
        "featured": {"@id": "toot:featured", "@type": "@id"},
        "featuredTags": {"@id": "toot:featuredTags", "@type": "@id"},
        "alsoKnownAs": {"@id": "as:alsoKnownAs", "@type": "@id"},
        "movedTo": {"@id": "as:movedTo", "@type": "@id"},
        "schema": "http://schema.org#",
        "PropertyValue": "schema:PropertyValue",
        "value": "schema:value",
        "discoverable": "toot:discoverable",
        "indexable": "toot:indexable",
        "attributionDomains": {"@id": "toot:attributionDomains", "@type": "@id"},
        "suspended": "toot:suspended",
        "memorial": "toot:memorial",
        "Emoji": "toot:Emoji",
        "Hashtag": "as:Hashtag",
        "sensitive": "as:sensitive",
        "ostatus": "http://ostatus.org#",
        "atomUri": "ostatus:atomUri",
        "inReplyToAtomUri": "ostatus:inReplyToAtomUri",
        "conversation": "ostatus:conversation",
        "votersCount": "toot:votersCount",
        "blurhash": "toot:blurhash",
        "focalPoint": {"@container": "@list", "@id": "toot:focalPoint"},
    }
)


@functools.cache
def pyld() -> Any:
    """pyld, imported on first use: most documents never need it, and it costs
    ~140 ms and memory at start-up (it pulls in `requests`)."""
    from pyld import jsonld

    return jsonld


@functools.cache
def _manifest() -> tuple[Mapping[str, str], Mapping[str, str]]:
    raw = json.loads((CONTEXTS_DIR / "manifest.json").read_text(encoding="utf-8"))
    return MappingProxyType(raw["contexts"]), MappingProxyType(raw.get("aliases", {}))


def canonical_url(url: str) -> str | None:
    """Map a context URL as sent on the wire to its manifest key, if bundled."""
    contexts, aliases = _manifest()
    # A fragment never selects a different context document.
    without_fragment = url.split("#", 1)[0]
    canonical = aliases.get(without_fragment, without_fragment)
    return canonical if canonical in contexts else None


@functools.cache
def _read_context(canonical_url: str) -> Mapping[str, object]:
    relative = _manifest()[0][canonical_url]
    path = (CONTEXTS_DIR / relative).resolve()
    if not path.is_relative_to(CONTEXTS_DIR):
        raise ValueError(f"manifest path escapes {CONTEXTS_DIR}: {relative}")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"bundled context missing: {path}") from exc
    if not isinstance(document, dict) or "@context" not in document:
        raise ValueError(f"{path} is not a JSON-LD context document")
    return MappingProxyType(document)


def load_context(url: str) -> Mapping[str, object]:
    """Return the bundled context document for `url` (read once, then cached).

    The result is shared: treat it as read-only.

    Raises:
        KeyError: `url` is not bundled (nor an alias of a bundled URL).
        ValueError: the manifest points at a missing, unsafe or invalid file.
    """
    canonical = canonical_url(url)
    if canonical is None:
        raise KeyError(url)
    return _read_context(canonical)


def document_loader(
    url: str, options: dict[str, object] | None = None
) -> dict[str, object]:
    """pyld document loader that serves bundled contexts only.

    Raises:
        pyld.jsonld.JsonLdError: for any URL that isn't bundled. The network is
            never used.
    """
    try:
        document = load_context(url)
    except (KeyError, ValueError) as exc:
        raise pyld().JsonLdError(
            "Refusing to load a JSON-LD document that is not bundled.",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        ) from exc
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        # pyld rewrites parts of the context in place while resolving it.
        "document": copy.deepcopy(dict(document)),
        # "static" lets pyld keep the processed context across calls; the
        # files never change while the process runs.
        "tag": "static",
    }


def default_context(*extra: str) -> list[object]:
    """The @context fedcity puts on the actors and activities it renders, with the
    `extra` context URLs (bundled ones) before Mastodon's inline terms."""
    return [AS_CONTEXT, SECURITY_CONTEXT, *extra, copy.deepcopy(dict(MASTODON_TERMS))]
