"""Mastodon's published sample documents (fediverse-jsonschema, MIT) read by the
JSON-LD and parse layers: normalised, and parsed where they are posts or actors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fedcity.errors import Unprocessable
from fedcity.federation.jsonld.normalization import normalize
from fedcity.federation.parse.actors import parse_actor
from fedcity.federation.parse.statuses import parse_post
from fedcity.federation.vocab import ACTOR_TYPES, POST_TYPES, get_type

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SAMPLES = SHARED / "data" / "fediverse-jsonschema" / "sample-documents" / "mastodon"


def _samples() -> list[Any]:
    if not SAMPLES.is_dir():
        reason = f"shared sample documents not present at {SAMPLES}"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="absent")]
    return [pytest.param(p, id=p.stem) for p in sorted(SAMPLES.glob("*.json"))]


def _parse_nested(doc: dict[str, Any]) -> list[str]:
    """Parse every post or actor in `doc` and its embedded objects; the types read."""
    read = []
    node: Any = doc
    while isinstance(node, dict):
        kind = get_type(node)
        try:
            if kind in ACTOR_TYPES:
                parse_actor(node)
                read.append(kind)
            elif kind in POST_TYPES:
                parse_post(node, None)
                read.append(kind)
        except Unprocessable:
            read.append(f"refused {kind}")  # a deliberate refusal, not a crash
        node = node.get("object")
    return read


@pytest.mark.parametrize("path", _samples())
def test_sample_normalizes_and_parses_without_crashing(path: Path):
    # Given one of the published Mastodon sample documents
    doc = json.loads(path.read_text(encoding="utf-8"))
    # When it is normalised and every post or actor in it is parsed
    normalized = normalize(doc)
    _parse_nested(normalized)
    # Then nothing but a deliberate refusal was raised and the type survived
    assert get_type(normalized) == get_type(doc)


def test_sample_notes_parse_and_actors_refuse_only_their_foreign_inbox():
    # Given the shared samples, if present (their actors carry an inbox the schema
    # authors added on another origin: "#comment": "Adding inbox/outbox ...")
    if not SAMPLES.is_dir():
        pytest.skip(f"shared sample documents not present at {SAMPLES}")
    docs = [
        normalize(json.loads(p.read_text())) for p in sorted(SAMPLES.glob("*.json"))
    ]
    actors = [d for d in docs if get_type(d) in ACTOR_TYPES]
    # When they are read as they are, and the actors again with the inbox moved home
    read = [kind for doc in docs for kind in _parse_nested(doc)]
    rehomed = [parse_actor({**d, "inbox": f"{d['id']}/inbox"}) for d in actors]
    # Then Notes parse, and actors are refused for the foreign inbox alone
    assert read.count("Note") >= 5
    assert {k for k in read if k.startswith("refused")} == {"refused Person"}
    assert len(rehomed) == len(actors) > 0
    with_keys = [a for a, d in zip(rehomed, actors, strict=True) if d.get("publicKey")]
    assert with_keys
    assert all(a.key_id and a.public_key_pem for a in with_keys)
