"""Answers that differed from Mastodon's when Mastodon.py's own test suite ran
against fedcity, each held to Mastodon's source or to its recorded answers."""

from __future__ import annotations

import json

import pytest

from tests.support.openapi import DATA

pytestmark = pytest.mark.usefixtures("backend")
SAMPLES = DATA / "mastodon-api-samples.json"


@pytest.mark.skipif(not SAMPLES.exists(), reason="the recorded Mastodon answers")
async def test_instance_languages_are_the_ones_mastodon_lists(instance, http):
    # Given Mastodon's recorded answer to GET /api/v1/instance/languages
    endpoints = json.loads(SAMPLES.read_text())["endpoints"]
    (recorded,) = (
        e["samples"][0]["response_json"]
        for e in endpoints
        if e["endpoint"] == "GET /api/v1/instance/languages"
    )
    # When fedcity is asked, without a token
    reply = await http.get("/api/v1/instance/languages")
    # Then it lists the same languages, in the same order, ISO 639-1 among them
    assert reply.status == 200, reply.text
    assert reply.json() == recorded
    assert {"code": "en", "name": "English"} in reply.json()
