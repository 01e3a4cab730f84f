"""Mastodon's admin API for domain blocks and allows (issue 12): the entities,
the scopes (admin role plus `admin:*:domain_blocks` / `admin:*:domain_allows`),
refusals, and the public list that reflects the blocks."""

from __future__ import annotations

import aiohttp
import pytest

from tests.api.test_action_log import logged
from tests.support.http import Http

pytestmark = pytest.mark.usefixtures("backend")

BLOCKS = "/api/v1/admin/domain_blocks"
ALLOWS = "/api/v1/admin/domain_allows"


async def admin_token(instance, scopes: str = "read admin:read admin:write") -> str:
    await instance.create_account("clerk", role="admin")
    return await instance.token("clerk", scopes)


async def test_a_block_is_created_listed_shown_updated_and_deleted(instance, http):
    token = await admin_token(instance)
    # When an admin blocks a domain with Mastodon's fields
    made = await http.post(
        BLOCKS,
        token=token,
        json={
            "domain": "Spam.Example",
            "severity": "silence",
            "reject_media": True,
            "private_comment": "floods of ads",
            "public_comment": "spam",
        },
    )
    assert made.status == 200, made.text
    block = made.json()
    # Then Mastodon's Admin::DomainBlock comes back, the domain normalised
    assert (block["domain"], block["severity"], block["reject_media"]) == (
        "spam.example",
        "silence",
        True,
    )
    assert len(block["digest"]) == 64
    # And it is listed and shown by id
    listed = (await http.get(BLOCKS, token=token)).json()
    assert [b["id"] for b in listed] == [block["id"]]
    shown = (await http.get(f"{BLOCKS}/{block['id']}", token=token)).json()
    assert shown["private_comment"] == "floods of ads"
    # When it becomes a suspension, then is lifted
    changed = await http.request(
        "PUT", f"{BLOCKS}/{block['id']}", token=token, json={"severity": "suspend"}
    )
    assert changed.json()["severity"] == "suspend"
    assert changed.json()["public_comment"] == "spam"  # unchanged fields stay
    deleted = await http.request("DELETE", f"{BLOCKS}/{block['id']}", token=token)
    assert deleted.status == 200
    assert (await http.get(BLOCKS, token=token)).json() == []
    assert (await http.get(f"{BLOCKS}/{block['id']}", token=token)).status == 404
    # And the action log holds the three changes, with the severity and why
    assert await logged(http, token) == [
        ("create", "DomainBlock", "spam.example (silence +reject-media)", "floods of ads"),
        ("update", "DomainBlock", "spam.example (suspend +reject-media)", "floods of ads"),
        ("destroy", "DomainBlock", "spam.example (suspend +reject-media)", "floods of ads"),
    ]  # fmt: skip


async def test_duplicates_the_own_domain_and_bad_severities_are_refused(instance, http):
    token = await admin_token(instance)
    await http.post(BLOCKS, token=token, json={"domain": "spam.example"})
    again = await http.post(BLOCKS, token=token, json={"domain": "spam.example"})
    own = await http.post(BLOCKS, token=token, json={"domain": instance.domain})
    bad = await http.post(
        BLOCKS, token=token, json={"domain": "x.example", "severity": "banish"}
    )
    blank = await http.post(BLOCKS, token=token, json={"domain": ""})
    assert [r.status for r in (again, own, bad, blank)] == [422, 422, 422, 422]


async def test_allows_are_created_listed_and_deleted(instance, http):
    token = await admin_token(instance)
    made = await http.post(ALLOWS, token=token, json={"domain": "city.example"})
    assert made.status == 200, made.text
    allow = made.json()
    assert set(allow) == {"id", "domain", "created_at"}
    assert (await http.get(ALLOWS, token=token)).json() == [allow]
    assert (await http.get(f"{ALLOWS}/{allow['id']}", token=token)).json() == allow
    assert (
        await http.request("DELETE", f"{ALLOWS}/{allow['id']}", token=token)
    ).status == 200
    assert (await http.get(ALLOWS, token=token)).json() == []
    assert await logged(http, token) == [
        ("create", "DomainAllow", "city.example", None),
        ("destroy", "DomainAllow", "city.example", None),
    ]


async def test_granular_scopes_and_the_admin_role_are_required(instance, http):
    # Given an admin whose token may read blocks only, and a user with admin scopes
    reader = await admin_token(instance, "admin:read:domain_blocks")
    await instance.create_account("resident")
    user = await instance.token("resident", "read admin:read admin:write")
    # Then the reader lists blocks but may not create one nor read allows
    assert (await http.get(BLOCKS, token=reader)).status == 200
    refused = await http.post(BLOCKS, token=reader, json={"domain": "a.example"})
    assert refused.status == 403
    assert (await http.get(ALLOWS, token=reader)).status == 403
    # And an account that is not an admin gets 403 whatever its scopes
    assert (await http.get(BLOCKS, token=user)).status == 403


async def test_the_public_list_shows_blocks_with_comments_obfuscated_if_asked(
    make_instance,
):
    instance = await make_instance(show_blocked_domains="all")
    token = await admin_token(instance)
    async with aiohttp.ClientSession() as session:
        http = Http(session, instance.base_url)
        await http.post(
            BLOCKS,
            token=token,
            json={"domain": "slur.example", "obfuscate": True, "public_comment": "no"},
        )
        public = (await http.get("/api/v1/instance/domain_blocks")).json()
    assert public == [
        {
            "domain": "s*u*.e*a*p*e",
            "digest": public[0]["digest"],
            "severity": "suspend",
            "comment": "no",
        }
    ]
