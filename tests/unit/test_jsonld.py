"""fedcity.federation.jsonld: bundled contexts, the offline loader, normalize()."""

from __future__ import annotations

import copy
import json
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pyld import jsonld as pyld_jsonld

from fedcity.federation.jsonld.loader import (
    AS_CONTEXT,
    CONTEXTS_DIR,
    default_context,
    document_loader,
    load_context,
)
from fedcity.federation.jsonld.normalization import PUBLIC, normalize
from fedcity.federation.jsonld.plain import needs_processing

MANIFEST = json.loads((CONTEXTS_DIR / "manifest.json").read_text(encoding="utf-8"))
CONTEXT_URLS = sorted(MANIFEST["contexts"])
SAMPLES_DIR = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "data"
    / "fediverse-jsonschema"
    / "sample-documents"
)
SAMPLE_FILES = sorted(SAMPLES_DIR.rglob("*.json")) if SAMPLES_DIR.is_dir() else []


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test here must pass with outbound connections made impossible."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("jsonld tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def mastodon_create() -> dict[str, object]:
    """A Create as Mastodon 4 sends it (context abridged to common terms)."""
    return {
        "@context": [
            "https://www.w3.org/ns/activitystreams",
            {
                "ostatus": "http://ostatus.org#",
                "atomUri": "ostatus:atomUri",
                "inReplyToAtomUri": "ostatus:inReplyToAtomUri",
                "conversation": "ostatus:conversation",
                "sensitive": "as:sensitive",
                "toot": "http://joinmastodon.org/ns#",
                "votersCount": "toot:votersCount",
                "Hashtag": "as:Hashtag",
            },
        ],
        "id": "https://mastodon.example/users/alice/statuses/1/activity",
        "type": "Create",
        "actor": "https://mastodon.example/users/alice",
        "published": "2024-05-01T12:00:00Z",
        "to": ["as:Public"],
        "cc": ["https://mastodon.example/users/alice/followers"],
        "object": {
            "id": "https://mastodon.example/users/alice/statuses/1",
            "type": "Note",
            "summary": None,
            "inReplyTo": None,
            "published": "2024-05-01T12:00:00Z",
            "url": "https://mastodon.example/@alice/1",
            "attributedTo": "https://mastodon.example/users/alice",
            "to": ["Public"],
            "cc": ["https://mastodon.example/users/alice/followers"],
            "sensitive": False,
            "conversation": "tag:mastodon.example,2024-05-01:objectId=1",
            "content": (
                "<p>Potholes fixed! "
                '<a href="https://mastodon.example/tags/roads" '
                'class="mention hashtag" rel="tag">#<span>roads</span></a></p>'
            ),
            "contentMap": {"en": "<p>Potholes fixed!</p>"},
            "attachment": [],
            "tag": [
                {
                    "type": "Hashtag",
                    "href": "https://mastodon.example/tags/roads",
                    "name": "#roads",
                }
            ],
        },
    }


# -- bundled contexts ---------------------------------------------------------


@pytest.mark.parametrize("url", CONTEXT_URLS)
def test_every_manifest_context_loads_offline(url: str) -> None:
    # Given a context URL listed in the manifest
    # When it is loaded with the network unavailable
    document = load_context(url)
    # Then the bundled document is a JSON-LD context document
    assert isinstance(document["@context"], (dict, list))


@pytest.mark.parametrize("url", CONTEXT_URLS)
def test_every_bundled_context_is_processable_by_pyld(url: str) -> None:
    # Given a node that uses only that context
    node = {
        "@context": url,
        "@id": "https://city.example/things/1",
        "@type": "https://city.example/ns#Thing",
    }
    # When pyld expands it with fedcity's loader
    expanded = pyld_jsonld.expand(node, {"documentLoader": document_loader})
    # Then processing succeeds offline and keeps the node
    assert expanded == [
        {
            "@id": "https://city.example/things/1",
            "@type": ["https://city.example/ns#Thing"],
        }
    ]


@pytest.mark.parametrize("url", CONTEXT_URLS)
def test_manifest_layout_mirrors_the_context_url(url: str) -> None:
    # Given a bundled context other than fedcity's own
    if url.startswith("https://fedcity.org/"):
        pytest.skip("fedcity's own context lives under fedcity/")
    # When its file path is compared with its URL
    parts = urlsplit(url)
    expected = f"{parts.netloc}/{parts.path.strip('/') or 'index'}.jsonld"
    # Then the path repeats host and path, and the file exists
    assert MANIFEST["contexts"][url] == expected
    assert (CONTEXTS_DIR / expected).is_file()


def test_aliases_load_the_canonical_document() -> None:
    # Given the http:// spelling of the AS2 context that old servers send
    alias = "http://www.w3.org/ns/activitystreams"
    # When it is loaded
    document = load_context(alias)
    # Then it is the very same bundled document as the https:// URL
    assert document is load_context(AS_CONTEXT)


def test_load_context_rejects_unknown_url() -> None:
    # Given a context URL that is not bundled
    url = "https://pleroma.example/schemas/litepub-0.1.jsonld"
    # When it is loaded / Then KeyError says it is unknown
    with pytest.raises(KeyError):
        load_context(url)


def test_document_loader_refuses_unknown_urls_without_network() -> None:
    # Given an arbitrary remote URL (the no_network fixture would fail any fetch)
    url = "https://attacker.example/context.jsonld"
    # When pyld's loader protocol asks for it
    # Then it raises pyld's JsonLdError instead of fetching
    with pytest.raises(pyld_jsonld.JsonLdError) as excinfo:
        document_loader(url, {})
    assert excinfo.value.code == "loading document failed"


def test_document_loader_hands_out_independent_copies() -> None:
    # Given a document returned by the loader
    first = document_loader(AS_CONTEXT)
    # When pyld (or anyone) mutates it
    first["document"]["@context"]["id"] = "mutated"  # type: ignore[index]
    # Then the next load is unaffected
    second = document_loader(AS_CONTEXT)
    assert second["document"]["@context"]["id"] == "@id"  # type: ignore[index]


def test_fedcity_context_maps_case_study_terms_to_the_fedcity_namespace() -> None:
    # Given a case study written with fedcity's context
    doc = {
        "@context": [AS_CONTEXT, "https://fedcity.org/ns/v1"],
        "id": "https://city.example/case-studies/1",
        "type": ["Article", "CaseStudy"],
        "problem": "Flooded underpass",
        "cost": "EUR 40000",
        "verifiedBy": "https://city.example/users/clerk",
    }
    # When pyld expands it offline
    [node] = pyld_jsonld.expand(doc, {"documentLoader": document_loader})
    # Then the fedcity terms expand into https://fedcity.org/ns#
    assert "https://fedcity.org/ns#CaseStudy" in node["@type"]
    assert node["https://fedcity.org/ns#problem"] == [{"@value": "Flooded underpass"}]
    assert node["https://fedcity.org/ns#verifiedBy"] == [
        {"@id": "https://city.example/users/clerk"}
    ]


# -- default_context / needs_processing -------------------------------------------


def test_default_context_is_as2_security_and_mastodon_terms() -> None:
    # Given / When fedcity builds the @context for what it renders
    context = default_context()
    # Then it matches Mastodon's layout, with the terms Mastodon clients read
    assert context[:2] == [AS_CONTEXT, "https://w3id.org/security/v1"]
    terms = context[2]
    assert isinstance(terms, dict)
    assert terms["toot"] == "http://joinmastodon.org/ns#"
    assert terms["featured"] == {"@id": "toot:featured", "@type": "@id"}
    assert terms["focalPoint"] == {"@container": "@list", "@id": "toot:focalPoint"}


def test_default_context_returns_a_fresh_copy() -> None:
    # Given a caller that mutates the context it got
    first = default_context()
    first[2]["toot"] = "changed"  # type: ignore[index]
    # When the context is requested again / Then it is unchanged
    assert default_context()[2]["toot"] == "http://joinmastodon.org/ns#"  # type: ignore[index]


def test_documents_fedcity_renders_take_the_fast_path() -> None:
    # Given an actor with fedcity's own @context
    actor = {
        "@context": default_context(),
        "id": "https://city.example/u/a",
        "type": "Person",
    }
    # When / Then no JSON-LD processing is needed
    assert needs_processing(actor) is False


def test_mastodon_create_takes_the_fast_path() -> None:
    assert needs_processing(mastodon_create()) is False


def test_missing_context_is_read_as_plain_as2() -> None:
    # Given a document without @context (some relays and old servers)
    doc = {
        "type": "Follow",
        "actor": "https://a.example/u",
        "object": "https://b.example/u",
    }
    # When / Then it is treated as plain AS2
    assert needs_processing(doc) is False


@pytest.mark.parametrize(
    "doc",
    [
        {"@context": AS_CONTEXT, "type": "Like", "as:actor": "https://a.example/u"},
        {
            "@context": AS_CONTEXT,
            "type": "Like",
            "https://www.w3.org/ns/activitystreams#actor": "https://a.example/u",
        },
        {"@context": AS_CONTEXT, "type": "as:Like", "actor": "https://a.example/u"},
        {"@context": AS_CONTEXT, "@type": "Like", "actor": "https://a.example/u"},
        {
            "@context": AS_CONTEXT,
            "type": "Create",
            "object": {"type": "https://www.w3.org/ns/activitystreams#Note"},
        },
    ],
    ids=[
        "as-prefix-key",
        "full-iri-key",
        "as-prefix-type",
        "keyword-key",
        "nested-type",
    ],
)
def test_compact_or_full_iris_for_as2_terms_need_processing(
    doc: dict[str, object],
) -> None:
    assert needs_processing(doc) is True


def test_inline_context_redefining_an_as2_term_needs_processing() -> None:
    # Given an inline context that gives "actor" another meaning
    doc = {
        "@context": [AS_CONTEXT, {"actor": "https://other.example/ns#actor"}],
        "type": "Like",
        "actor": "https://a.example/u",
    }
    # When / Then fedcity can't read it as plain AS2
    assert needs_processing(doc) is True


def test_unbundled_context_url_needs_processing() -> None:
    doc = {"@context": [AS_CONTEXT, "https://unknown.example/ns"], "type": "Note"}
    assert needs_processing(doc) is True


def test_extension_compact_iri_keys_stay_on_the_fast_path() -> None:
    # Given a Misskey actor with a vcard:bday key (not a term fedcity reads)
    doc = {
        "@context": [
            AS_CONTEXT,
            "https://w3id.org/security/v1",
            {"vcard": "http://www.w3.org/2006/vcard/ns#"},
        ],
        "type": "Person",
        "vcard:bday": "2000-01-01",
    }
    # When / Then pyld isn't needed: compaction would leave the key as it is
    assert needs_processing(doc) is False


# -- normalize ------------------------------------------------------------------


def test_fast_path_keeps_mastodon_create_except_public_addressing() -> None:
    # Given a Mastodon-shaped Create that spells Public two short ways
    doc = mastodon_create()
    original = copy.deepcopy(doc)
    # When it is normalised
    result = normalize(doc)
    # Then only the Public aliases changed, at both levels
    expected = copy.deepcopy(original)
    expected["to"] = [PUBLIC]
    expected["object"]["to"] = [PUBLIC]  # type: ignore[index]
    assert result == expected
    # And the input was not mutated
    assert doc == original


def test_slow_path_compacts_full_iris_and_prefixes_into_the_common_shape() -> None:
    # Given a document that uses "as:" keys, full IRIs and a prefixed type
    doc = {
        "@context": [AS_CONTEXT, {"toot": "http://joinmastodon.org/ns#"}],
        "id": "https://odd.example/activities/1",
        "type": "as:Create",
        "as:actor": {"id": "https://odd.example/users/bob"},
        "https://www.w3.org/ns/activitystreams#to": ["as:Public"],
        "cc": ["https://odd.example/users/bob/followers"],
        "object": {
            "id": "https://odd.example/notes/1",
            "type": "https://www.w3.org/ns/activitystreams#Note",
            "as:content": "<p>hi</p>",
            "attributedTo": "https://odd.example/users/bob",
            "toot:blurhash": "LEHV6nWB2yk8",
        },
    }
    # When it is normalised
    result = normalize(doc)
    # Then it reads like any Mastodon activity, with the original @context kept
    assert result == {
        "@context": doc["@context"],
        "id": "https://odd.example/activities/1",
        "type": "Create",
        "actor": "https://odd.example/users/bob",
        "to": PUBLIC,
        "cc": "https://odd.example/users/bob/followers",
        "object": {
            "id": "https://odd.example/notes/1",
            "type": "Note",
            "content": "<p>hi</p>",
            "attributedTo": "https://odd.example/users/bob",
            "blurhash": "LEHV6nWB2yk8",
        },
    }


def test_slow_path_without_context_reads_the_document_as_as2() -> None:
    # Given a context-less document with a prefixed key and a bare "Public"
    doc = {
        "id": "https://x.example/n/1",
        "type": "as:Note",
        "as:content": "hi",
        "to": "Public",
    }
    # When it is normalised
    result = normalize(doc)
    # Then it is compacted as AS2, and no @context is added
    assert result == {
        "id": "https://x.example/n/1",
        "type": "Note",
        "content": "hi",
        "to": PUBLIC,
    }


def test_default_language_does_not_turn_content_into_content_map() -> None:
    # Given a slow-path document that declares a default @language
    doc = {
        "@context": [AS_CONTEXT, {"@language": "en"}],
        "id": "https://x.example/n/2",
        "type": "Note",
        "as:summary": "cw",
        "content": "hello",
    }
    # When it is normalised
    result = normalize(doc)
    # Then content and summary keep their plain shape
    assert result["content"] == "hello"
    assert result["summary"] == "cw"
    assert "contentMap" not in result


def test_unbundled_context_falls_back_to_plain_json() -> None:
    # Given a Pleroma document whose litepub context we don't bundle
    doc = {
        "@context": [
            AS_CONTEXT,
            "https://pleroma.example/schemas/litepub-0.1.jsonld",
            {"@language": "und"},
        ],
        "id": "https://pleroma.example/objects/1",
        "type": "Note",
        "to": ["as:Public"],
        "content": "hi",
    }
    # When it is normalised
    result = normalize(doc)
    # Then it is read as plain JSON, Public still normalised
    assert result == {**doc, "to": [PUBLIC]}


@pytest.mark.skipif(
    not SAMPLE_FILES, reason=f"sample documents not found at {SAMPLES_DIR}"
)
@pytest.mark.parametrize(
    "path", SAMPLE_FILES, ids=[str(p.relative_to(SAMPLES_DIR)) for p in SAMPLE_FILES]
)
def test_real_sample_documents_normalize(path: Path) -> None:
    # Given a real document from fediverse-jsonschema's samples
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        pytest.skip("not a JSON document")
    if not isinstance(doc, dict):
        pytest.skip("not a JSON object")
    # When it is normalised
    result = normalize(doc)
    # Then the result is plain JSON that keeps the document's identity
    json.dumps(result)
    assert result.get("@context") == doc.get("@context")
    if isinstance(doc.get("id"), str) and doc["id"].startswith("http"):
        assert result["id"] == doc["id"]


def deeply_nested(depth: int) -> dict[str, object]:
    doc: dict[str, object] = {"type": "as:Note"}
    node = doc
    for _ in range(depth):
        child: dict[str, object] = {"as:content": "x"}
        node["object"] = child
        node = child
    return doc


@pytest.mark.parametrize(
    "doc",
    [
        {"type": "not a url", "@type": None},
        {"@context": {"@vocab": 3}, "type": "as:Note"},
        deeply_nested(3000),
    ],
    ids=["pyld-type-error", "invalid-context", "deep-nesting"],
)
def test_malformed_json_ld_falls_back_instead_of_raising(
    doc: dict[str, object],
) -> None:
    # Given broken or hostile JSON-LD that pyld can't process
    # When it is normalised
    result = normalize(doc)
    # Then it comes back as plain JSON, for the parse layer to reject
    assert result == doc
