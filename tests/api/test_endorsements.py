"""Endorsed (featured) accounts and private notes, as Mastodon keeps them: only a
followed account may be endorsed, the Relationship shows both, and the lists are
paged like other account lists."""

from __future__ import annotations

import asyncio

import pytest
from mastodon import Mastodon

from tests.support.http import Http, account_id, follow

pytestmark = pytest.mark.usefixtures("backend")


def api(instance, token: str) -> Mastodon:
    return Mastodon(access_token=token, api_base_url=instance.base_url)


async def endorse(instance, http: Http, who: str, whom: str, verb: str = "endorse"):
    target = await account_id(http, whom)
    return await http.post(
        f"/api/v1/accounts/{target}/{verb}", token=await instance.token(who)
    )


async def test_endorsing_an_account_not_followed_is_refused(instance, http):
    # Given a mayor who does not follow the clerk
    await instance.create_account("mayor")
    await instance.create_account("clerk")
    # When the mayor tries to endorse the clerk
    reply = await endorse(instance, http, "mayor", "clerk")
    # Then Mastodon's 422 comes back
    assert reply.status == 422
    assert reply.json() == {
        "error": "Validation failed: You must be already following the person "
        "you want to endorse"
    }


async def test_a_followed_account_is_endorsed_and_listed(instance, http):
    # Given a mayor following the clerk
    await instance.create_account("mayor")
    await instance.create_account("clerk")
    await follow(instance, http, "mayor", "clerk")
    # When the mayor endorses the clerk (twice: it changes nothing)
    first = await endorse(instance, http, "mayor", "clerk")
    again = await endorse(instance, http, "mayor", "clerk")
    # Then the relationship says so
    assert first.status == 200, first.text
    assert first.json()["endorsed"] is True
    assert again.json()["endorsed"] is True
    # And the clerk is in the mayor's endorsements, and on the mayor's profile
    own = await http.get("/api/v1/endorsements", token=await instance.token("mayor"))
    assert [a["username"] for a in own.json()] == ["clerk"]
    mayor = await account_id(http, "mayor")
    public = await http.get(f"/api/v1/accounts/{mayor}/endorsements")
    assert [a["username"] for a in public.json()] == ["clerk"]


async def test_unendorsing_removes_the_endorsement(instance, http):
    # Given a mayor endorsing the clerk
    await instance.create_account("mayor")
    await instance.create_account("clerk")
    await follow(instance, http, "mayor", "clerk")
    await endorse(instance, http, "mayor", "clerk")
    # When the mayor unendorses the clerk
    reply = await endorse(instance, http, "mayor", "clerk", "unendorse")
    # Then the relationship and the list say it is gone
    assert reply.json()["endorsed"] is False
    own = await http.get("/api/v1/endorsements", token=await instance.token("mayor"))
    assert own.json() == []


async def test_deprecated_pin_and_unpin_still_endorse(instance):
    # Given a mayor following the clerk, with Mastodon.py
    clerk = await instance.create_account("clerk")
    await instance.create_account("mayor")
    mayor = api(instance, await instance.token("mayor"))
    await asyncio.to_thread(mayor.account_follow, clerk.id)
    # When the older pin call is used, then unpin
    pinned = await asyncio.to_thread(mayor.account_pin, clerk.id)
    listed = await asyncio.to_thread(mayor.endorsements)
    unpinned = await asyncio.to_thread(mayor.account_unpin, clerk.id)
    # Then they endorse and unendorse
    assert pinned["endorsed"] is True
    assert [a["acct"] for a in listed] == ["clerk"]
    assert unpinned["endorsed"] is False


async def test_unfollowing_ends_the_endorsement(instance, http):
    # Given a mayor endorsing the clerk
    await instance.create_account("mayor")
    await instance.create_account("clerk")
    await follow(instance, http, "mayor", "clerk")
    await endorse(instance, http, "mayor", "clerk")
    # When the mayor unfollows the clerk
    clerk = await account_id(http, "clerk")
    token = await instance.token("mayor")
    reply = await http.post(f"/api/v1/accounts/{clerk}/unfollow", token=token)
    # Then the endorsement went with the follow (Mastodon's rule)
    assert reply.json()["endorsed"] is False
    assert (await http.get("/api/v1/endorsements", token=token)).json() == []


async def test_endorsements_are_paged(instance, http):
    # Given a mayor endorsing three accounts
    await instance.create_account("mayor")
    for name in ("ann", "bob", "cy"):
        await instance.create_account(name)
        await follow(instance, http, "mayor", name)
        await endorse(instance, http, "mayor", name)
    token = await instance.token("mayor")
    # When they are read two at a time
    first = await http.get("/api/v1/endorsements", token=token, params={"limit": "2"})
    second = await http.get(first.links["next"], token=token)
    # Then the newest come first and the Link header leads to the rest
    assert [a["username"] for a in first.json()] == ["cy", "bob"]
    assert [a["username"] for a in second.json()] == ["ann"]


async def test_a_private_note_is_kept_and_cleared(instance, http):
    # Given a mayor and a resident
    await instance.create_account("mayor")
    await instance.create_account("resident")
    resident = await account_id(http, "resident")
    token = await instance.token("mayor")
    # When the mayor writes a note about the resident
    noted = await http.post(
        f"/api/v1/accounts/{resident}/note",
        token=token,
        data={"comment": "Asked about the bike lane"},
    )
    # Then the relationship carries it, for the mayor only
    assert noted.json()["note"] == "Asked about the bike lane"
    seen = await http.get(
        "/api/v1/accounts/relationships", token=token, params={"id[]": resident}
    )
    assert seen.json()[0]["note"] == "Asked about the bike lane"
    # And an empty comment clears it
    cleared = await http.post(
        f"/api/v1/accounts/{resident}/note", token=token, data={"comment": ""}
    )
    assert cleared.json()["note"] == ""


async def test_a_note_with_mastodon_py(instance):
    # Given a mayor and a resident
    resident = await instance.create_account("resident")
    await instance.create_account("mayor")
    mayor = api(instance, await instance.token("mayor"))
    # When Mastodon.py sets a note
    relationship = await asyncio.to_thread(
        mayor.account_note_set, resident.id, "Runs the market"
    )
    # Then it comes back in the relationship
    assert relationship["note"] == "Runs the market"


async def test_an_overlong_note_is_refused(instance, http):
    # Given a mayor and a resident
    await instance.create_account("mayor")
    await instance.create_account("resident")
    resident = await account_id(http, "resident")
    # When the note is longer than Mastodon allows
    reply = await http.post(
        f"/api/v1/accounts/{resident}/note",
        token=await instance.token("mayor"),
        data={"comment": "x" * 2001},
    )
    # Then it is refused
    assert reply.status == 422


async def test_pin_and_unpin_answer_relationships(instance, http):
    # Given a mayor following the clerk
    await instance.create_account("mayor")
    await instance.create_account("clerk")
    await follow(instance, http, "mayor", "clerk")
    # When the deprecated routes are called directly
    pinned = await endorse(instance, http, "mayor", "clerk", "pin")
    unpinned = await endorse(instance, http, "mayor", "clerk", "unpin")
    # Then they answer with Relationships, as endorse and unendorse do
    assert (pinned.status, pinned.json()["endorsed"]) == (200, True)
    assert (unpinned.status, unpinned.json()["endorsed"]) == (200, False)
