"""Fuzz every implemented client-API operation from the Mastodon OpenAPI description:
whatever a client sends, fedcity never answers 5xx, and every JSON answer fits the
description (with `tests.support.openapi.CORRECTIONS`). `tests/support/fuzz.py`
says how requests are made; the seed and the example count fix the run."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from tests.support.fuzz import (
    Fuzzer,
    World,
    served_api_operations,
)
from tests.support.http import Http
from tests.support.images import png
from tests.support.openapi import SPEC_PATH

# The run CI makes. A deeper search on demand:
# FEDCITY_FUZZ_SEED=7 FEDCITY_FUZZ_EXAMPLES=100 pytest tests/api/test_fuzz_openapi.py
SEED = int(os.environ.get("FEDCITY_FUZZ_SEED", "20260401"))
# Requests per operation and generation mode (inputs the description allows, and
# inputs it forbids): about 150 operations, 2 modes for most, times this.
EXAMPLES = int(os.environ.get("FEDCITY_FUZZ_EXAMPLES", "6"))

pytestmark = [
    pytest.mark.usefixtures("backend"),
    pytest.mark.fuzz,
    pytest.mark.skipif(
        not SPEC_PATH.exists(), reason="no Mastodon OpenAPI description"
    ),
]


async def make_world(instance, http: Http) -> World:
    """Accounts, statuses, a poll, a list, filters, media and a scheduled status, so
    that the fuzzer's ids find rows."""
    alice = await instance.create_account("alice")
    bob = await instance.create_account("bob")
    carol = await instance.create_account("carol")
    world = World(await instance.token("alice"))
    world.add("accounts", alice.id, bob.id, carol.id)
    alice_token = world.token
    bob_token = await instance.token("bob")
    carol_token = await instance.token("carol")

    async def call(method: str, path: str, token: str = alice_token, **kw) -> dict:
        reply = await http.request(method, path, token=token, **kw)
        assert reply.status == 200, (path, reply.text)
        return reply.json()

    # alice is locked, and carol asks to follow her; alice follows bob.
    await call("PATCH", "/api/v1/accounts/update_credentials", json={"locked": True})
    await call("POST", f"/api/v1/accounts/{alice.id}/follow", token=carol_token)
    world.add("follow_requests", carol.id)
    await call("POST", f"/api/v1/accounts/{bob.id}/follow")
    statuses = [
        await call("POST", "/api/v1/statuses", json={"status": "#council meets"}),
        await call(
            "POST",
            "/api/v1/statuses",
            json={
                "status": "Which day?",
                "poll": {"options": ["Mon", "Tue"], "expires_in": 3600},
            },
        ),
        await call(
            "POST", "/api/v1/statuses", token=bob_token, json={"status": "@alice hello"}
        ),
        await call(
            "POST",
            "/api/v1/statuses",
            token=bob_token,
            json={"status": "@alice private", "visibility": "direct"},
        ),
    ]
    world.add("statuses", *(s["id"] for s in statuses))
    world.add("polls", statuses[1]["poll"]["id"])
    await call("POST", f"/api/v1/statuses/{statuses[2]['id']}/favourite")
    await call("POST", f"/api/v1/statuses/{statuses[0]['id']}/bookmark")
    lists = await call("POST", "/api/v1/lists", json={"title": "Council"})
    await call(
        "POST",
        f"/api/v1/lists/{lists['id']}/accounts",
        json={"account_ids": [str(bob.id)]},
    )
    world.add("lists", lists["id"])
    world.add("list", lists["id"])
    v2 = await call(
        "POST",
        "/api/v2/filters",
        json={
            "title": "noise",
            "context": ["home"],
            "keywords_attributes": [{"keyword": "noise"}],
        },
    )
    world.add("filters", v2["id"])
    world.add("keywords", *(k["id"] for k in v2["keywords"]))
    filtered = await call(
        "POST",
        f"/api/v2/filters/{v2['id']}/statuses",
        json={"status_id": statuses[2]["id"]},
    )
    world.add("statuses", filtered["id"])
    form = aiohttp.FormData()
    form.add_field("file", png(8, 8), filename="dot.png", content_type="image/png")
    media = await http.post("/api/v2/media", token=alice_token, data=form)
    world.add("media", media.json()["id"])
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    scheduled = await call(
        "POST", "/api/v1/statuses", json={"status": "later", "scheduled_at": later}
    )
    world.add("scheduled_statuses", scheduled["id"])
    notifications = await call("GET", "/api/v1/notifications")
    world.add("notifications", *(n["id"] for n in notifications))
    conversations = await call("GET", "/api/v1/conversations")
    world.add("conversations", *(c["id"] for c in conversations))
    world.add("tags", "council")
    world.add("tag", "council")
    return world


async def test_no_operation_answers_5xx_or_off_the_description(instance, http):
    # Given an instance with rows to find and a token for one of its accounts
    world = await make_world(instance, http)
    operations = served_api_operations()
    # When every served operation is sent generated requests, malformed ids included
    fuzzer = Fuzzer(
        instance.base_url,
        world,
        examples=EXAMPLES,
        seed=SEED,
    )
    run = await asyncio.to_thread(fuzzer.fuzz, operations)
    print(f"\nfuzz: seed {SEED}, {len(operations)} operations, {run.summary()}")
    # Then none answered 5xx or off the description
    assert not run.failures, "\n".join(str(f) for f in run.failures.values())
