"""Finding and reading accounts and statuses: account search (with WebFinger),
several accounts or statuses at once, an account's media and tagged statuses, the
directory, follow suggestions, familiar followers, and closed registrations."""

from __future__ import annotations

import asyncio
import io

import aiohttp
import pytest
from mastodon import Mastodon

from tests.support.http import Http, account_id, follow, post_status
from tests.support.images import png

pytestmark = pytest.mark.usefixtures("backend")


def api(instance, token: str) -> Mastodon:
    return Mastodon(access_token=token, api_base_url=instance.base_url)


async def names(reply) -> list[str]:
    assert reply.status == 200, reply.text
    return [a["acct"] for a in reply.json()]


async def set_profile(instance, http: Http, name: str, **fields: str) -> None:
    reply = await http.request(
        "PATCH",
        "/api/v1/accounts/update_credentials",
        token=await instance.token(name),
        data=fields,
    )
    assert reply.status == 200, reply.text


# --- account search ---------------------------------------------------------------


async def test_account_search_matches_usernames_and_display_names(instance, http):
    # Given officials, one of them named after the parks
    await instance.create_account("mayor", display_name="Mayor Ada")
    await instance.create_account("parks", display_name="Parks Department")
    await instance.create_account("clerk")
    # When an official searches for "park"
    reply = await http.get(
        "/api/v1/accounts/search",
        token=await instance.token("clerk"),
        params={"q": "park"},
    )
    # Then the matching account comes back
    assert await names(reply) == ["parks"]


async def test_account_search_limited_to_followed_accounts(instance, http):
    # Given a resident following one of two parks accounts
    await instance.create_account("parks_east")
    await instance.create_account("parks_west")
    await instance.create_account("resident")
    await follow(instance, http, "resident", "parks_west")
    # When the resident searches among the accounts followed
    reply = await http.get(
        "/api/v1/accounts/search",
        token=await instance.token("resident"),
        params={"q": "parks", "following": "true"},
    )
    # Then only the followed one is found
    assert await names(reply) == ["parks_west"]


async def test_account_search_pages_with_offset(instance, http):
    # Given three matching accounts
    for name in ("ward1", "ward2", "ward3"):
        await instance.create_account(name)
    token = await instance.token("ward1")
    # When they are read one at a time
    pages = [
        await names(
            await http.get(
                "/api/v1/accounts/search",
                token=token,
                params={"q": "ward", "limit": "1", "offset": str(n)},
            )
        )
        for n in range(3)
    ]
    # Then each comes once
    assert sorted(p[0] for p in pages) == ["ward1", "ward2", "ward3"]


async def test_account_search_resolves_a_remote_handle(instance, remote):
    # Given a resident on another server, unknown here
    remote.add_actor("resident")
    await instance.create_account("mayor")
    mayor = api(instance, await instance.token("mayor"))
    handle = f"resident@{remote.domain}"
    # When the mayor searches for the handle with resolve (Mastodon.py)
    found = await asyncio.to_thread(mayor.account_search, handle, resolve=True)
    # Then the account is looked up through WebFinger and returned
    assert [a["acct"] for a in found] == [handle]


async def test_account_search_without_resolve_stays_local(instance, http, remote):
    # Given a remote resident unknown here
    remote.add_actor("resident")
    await instance.create_account("mayor")
    # When the mayor searches for the handle without resolve
    reply = await http.get(
        "/api/v1/accounts/search",
        token=await instance.token("mayor"),
        params={"q": f"@resident@{remote.domain}"},
    )
    # Then nothing is fetched and nothing is found
    assert await names(reply) == []
    assert remote.received == []


async def test_account_search_needs_a_signed_in_user(instance, http):
    # Given no token
    # When the account search is called
    reply = await http.get("/api/v1/accounts/search", params={"q": "mayor"})
    # Then it is refused
    assert reply.status == 401


async def test_v2_search_shares_the_account_search(instance, http):
    # Given a parks account followed by a resident, and another not followed
    await instance.create_account("parks_east")
    await instance.create_account("parks_west")
    await instance.create_account("resident")
    await follow(instance, http, "resident", "parks_east")
    # When v2 search is limited to followed accounts
    reply = await http.get(
        "/api/v2/search",
        token=await instance.token("resident"),
        params={"q": "parks", "type": "accounts", "following": "true"},
    )
    # Then it answers as the account search does
    assert [a["acct"] for a in reply.json()["accounts"]] == ["parks_east"]


# --- several at once ----------------------------------------------------------------


async def test_several_accounts_by_id_in_the_order_asked(instance, http):
    # Given two accounts
    ann = await instance.create_account("ann")
    bob = await instance.create_account("bob")
    # When both are asked for, with an unknown id among them
    reply = await http.get(
        "/api/v1/accounts",
        params=[("id[]", str(bob.id)), ("id[]", "1"), ("id[]", str(ann.id))],
    )
    # Then the known ones come back in that order
    assert await names(reply) == ["bob", "ann"]


async def test_too_many_account_ids_are_refused(instance, http):
    # Given 41 ids
    ids = [("id[]", str(n)) for n in range(1, 42)]
    # When they are asked for at once
    reply = await http.get("/api/v1/accounts", params=ids)
    # Then it is refused
    assert reply.status == 422


async def test_several_statuses_only_those_visible(instance, http):
    # Given a public and a followers-only status by the mayor
    await instance.create_account("mayor")
    await instance.create_account("visitor")
    public = await post_status(instance, http, "mayor", "Open meeting")
    private = await post_status(
        instance, http, "mayor", "Staff only", visibility="private"
    )
    ids = [("id[]", private["id"]), ("id[]", public["id"])]
    # When a visitor and the mayor ask for both
    visitor = await http.get(
        "/api/v1/statuses", params=ids, token=await instance.token("visitor")
    )
    mayor = await http.get(
        "/api/v1/statuses", params=ids, token=await instance.token("mayor")
    )
    # Then the visitor gets the public one, the mayor both in the order asked
    assert [s["id"] for s in visitor.json()] == [public["id"]]
    assert [s["id"] for s in mayor.json()] == [private["id"], public["id"]]


async def test_several_statuses_with_mastodon_py(instance, http):
    # Given two statuses
    await instance.create_account("mayor")
    mayor = api(instance, await instance.token("mayor"))
    first = await post_status(instance, http, "mayor", "One")
    second = await post_status(instance, http, "mayor", "Two")
    # When Mastodon.py asks for both
    found = await asyncio.to_thread(mayor.statuses, [first["id"], second["id"]])
    # Then both come back
    assert [s["id"] for s in found] == [first["id"], second["id"]]


# --- an account's statuses ---------------------------------------------------------


async def upload_png(instance, token: str) -> str:
    form = aiohttp.FormData()
    form.add_field("file", io.BytesIO(png(20, 20)), filename="a.png")
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{instance.base_url}/api/v2/media",
            data=form,
            headers={"Authorization": f"Bearer {token}"},
        ) as resp,
    ):
        return str((await resp.json())["id"])


async def test_account_statuses_with_only_media(instance, http):
    # Given a mayor with a text post and a post with a picture
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    await post_status(instance, http, "mayor", "Words only")
    media_id = await upload_png(instance, token)
    pictured = await post_status(
        instance, http, "mayor", "New bench", media_ids=[media_id]
    )
    mayor = await account_id(http, "mayor")
    # When the profile's media tab is read
    reply = await http.get(
        f"/api/v1/accounts/{mayor}/statuses", params={"only_media": "true"}
    )
    # Then only the post with media is there
    assert [s["id"] for s in reply.json()] == [pictured["id"]]


async def test_account_statuses_tagged(instance, http):
    # Given a mayor posting about roads and parks
    await instance.create_account("mayor")
    roads = await post_status(instance, http, "mayor", "Fixing #Roads")
    await post_status(instance, http, "mayor", "New #parks")
    mayor = await account_id(http, "mayor")
    # When the statuses tagged roads are read
    reply = await http.get(
        f"/api/v1/accounts/{mayor}/statuses", params={"tagged": "roads"}
    )
    # Then only that post is there
    assert [s["id"] for s in reply.json()] == [roads["id"]]


# --- directory ---------------------------------------------------------------------


async def test_directory_lists_discoverable_accounts_by_activity(instance, http):
    # Given three officials who posted at different times, and one who opted out
    for name in ("ann", "bob", "cy", "hermit"):
        await instance.create_account(name)
    await post_status(instance, http, "ann", "Early post")
    await post_status(instance, http, "cy", "Later post")
    await set_profile(instance, http, "hermit", discoverable="false")
    # When the directory is read by activity, and by newest
    active = await http.get("/api/v1/directory", params={"local": "true"})
    newest = await http.get("/api/v1/directory", params={"order": "new", "limit": "2"})
    # Then recent posters come first, accounts that never posted last
    assert await names(active) == ["cy", "ann", "bob"]
    assert await names(newest) == ["cy", "bob"]


async def test_directory_pages_with_offset(instance, http):
    # Given two accounts
    await instance.create_account("ann")
    await instance.create_account("bob")
    # When the second page of one is read
    reply = await http.get(
        "/api/v1/directory", params={"order": "new", "limit": "1", "offset": "1"}
    )
    # Then it holds the older account
    assert await names(reply) == ["ann"]


# --- suggestions ------------------------------------------------------------------


async def test_suggestions_put_endorsed_accounts_first(instance, http):
    # Given a resident, a mayor endorsed by the clerk, a judge the resident follows,
    # a hermit who opted out of discovery, and a pest the resident dismissed
    for name in ("resident", "mayor", "clerk", "judge", "hermit", "pest"):
        await instance.create_account(name)
    await follow(instance, http, "clerk", "mayor")
    mayor = await account_id(http, "mayor")
    await http.post(
        f"/api/v1/accounts/{mayor}/endorse", token=await instance.token("clerk")
    )
    await follow(instance, http, "resident", "judge")
    await set_profile(instance, http, "hermit", discoverable="false")
    token = await instance.token("resident")
    pest = await account_id(http, "pest")
    dismissed = await http.request("DELETE", f"/api/v1/suggestions/{pest}", token=token)
    # When the resident asks for suggestions (v2 and v1)
    v2 = await http.get("/api/v2/suggestions", token=token)
    v1 = await http.get("/api/v1/suggestions", token=token)
    # Then the endorsed mayor comes first, then the others not followed
    assert dismissed.status == 200
    assert dismissed.json() == {}
    assert [(s["account"]["acct"], s["sources"]) for s in v2.json()] == [
        ("mayor", ["featured"]),
        ("clerk", ["most_followed"]),
    ]
    assert await names(v1) == ["mayor", "clerk"]


async def test_suggestions_with_mastodon_py(instance):
    # Given a resident and a mayor
    await instance.create_account("resident")
    await instance.create_account("mayor")
    resident = api(instance, await instance.token("resident"))
    # When Mastodon.py asks for suggestions and dismisses one
    found = await asyncio.to_thread(resident.suggestions)
    # (v2 Suggestions or v1 Accounts, depending on the version Mastodon.py assumes)
    suggested = [item.get("account", item) for item in found]
    await asyncio.to_thread(resident.suggestion_delete, suggested[0]["id"])
    # Then the mayor was suggested, and is no more
    assert [a["acct"] for a in suggested] == ["mayor"]
    assert await asyncio.to_thread(resident.suggestions) == []


# --- familiar followers -----------------------------------------------------------


async def test_familiar_followers_are_followed_accounts_following_the_target(
    instance, http
):
    # Given a resident following the clerk and the judge, who both follow the mayor
    for name in ("resident", "clerk", "judge", "mayor", "stranger"):
        await instance.create_account(name)
    for follower in ("clerk", "judge", "stranger"):
        await follow(instance, http, follower, "mayor")
    for followed in ("clerk", "judge"):
        await follow(instance, http, "resident", followed)
    mayor = await account_id(http, "mayor")
    clerk = await account_id(http, "clerk")
    token = await instance.token("resident")
    # When the resident asks who of theirs follows the mayor and the clerk
    reply = await http.get(
        "/api/v1/accounts/familiar_followers",
        token=token,
        params=[("id[]", mayor), ("id[]", clerk)],
    )
    # Then the clerk and the judge follow the mayor, nobody known follows the clerk
    assert reply.status == 200, reply.text
    found = {
        item["id"]: sorted(a["acct"] for a in item["accounts"]) for item in reply.json()
    }
    assert found == {mayor: ["clerk", "judge"], clerk: []}
    # And a follower who hides its collections is not revealed
    await set_profile(instance, http, "judge", hide_collections="true")
    hidden = await http.get(
        "/api/v1/accounts/familiar_followers", token=token, params={"id[]": mayor}
    )
    assert [a["acct"] for a in hidden.json()[0]["accounts"]] == ["clerk"]


# --- registration ----------------------------------------------------------------


async def test_registration_needs_an_app_token(instance, http):
    # Given a user's token, and no token at all
    await instance.create_account("mayor")
    user_token = await instance.token("mayor")
    # When each is used to register
    with_user = await http.post("/api/v1/accounts", token=user_token, data={})
    anonymous = await http.post("/api/v1/accounts", data={})
    # Then Mastodon's refusals come back
    assert with_user.status == 403
    assert "client credentials" in with_user.json()["error"]
    assert anonymous.status == 401
