"""The alt text of the avatar and header (Mastodon 4.4) on every Account, and the
profile API (GET and PATCH /api/v1/profile): the editable fields as entered, the
profile tabs, and what each of the two update endpoints takes."""

from __future__ import annotations

import io

import aiohttp
import pytest

from tests.support.http import account_id
from tests.support.images import png

pytestmark = pytest.mark.usefixtures("backend")
UPDATE = "/api/v1/accounts/update_credentials"
PROFILE = "/api/v1/profile"


async def mayor_token(instance) -> str:
    await instance.create_account("mayor")
    return await instance.token("mayor")


async def test_image_descriptions_are_stored_and_shown_on_the_account(instance, http):
    # Given the mayor
    token = await mayor_token(instance)
    # When update_credentials sends alt text for the avatar and the header
    reply = await http.request(
        "PATCH",
        UPDATE,
        token=token,
        data={
            "avatar_description": "The mayor cutting a ribbon",
            "header_description": "City hall at dusk",
        },
    )
    # Then the CredentialAccount carries them, and so does the public Account
    assert reply.status == 200, reply.text
    described = {
        "avatar_description": "The mayor cutting a ribbon",
        "header_description": "City hall at dusk",
    }
    assert described.items() <= reply.json().items()
    public = await http.get(f"/api/v1/accounts/{await account_id(http, 'mayor')}")
    assert described.items() <= public.json().items()
    # And the profile tabs read as shown, as Mastodon's defaults
    tabs = ("show_media", "show_media_replies", "show_featured")
    assert [public.json()[k] for k in tabs] == [True, True, True]


async def test_an_account_without_descriptions_has_empty_ones(instance, http):
    # Given an account that never described its images
    await mayor_token(instance)
    # When it is read
    reply = await http.get(f"/api/v1/accounts/{await account_id(http, 'mayor')}")
    # Then the descriptions are empty strings, as Mastodon sends them
    assert reply.json()["avatar_description"] == ""
    assert reply.json()["header_description"] == ""


async def test_a_description_longer_than_a_media_description_is_refused(instance, http):
    # Given the mayor
    token = await mayor_token(instance)
    # When the avatar's alt text is longer than 1,500 characters
    reply = await http.request(
        "PATCH", UPDATE, token=token, data={"avatar_description": "x" * 1501}
    )
    # Then it is refused and nothing changed
    assert reply.status == 422, reply.text
    assert "Avatar description is too long" in reply.json()["error"]
    me = await http.get("/api/v1/accounts/verify_credentials", token=token)
    assert me.json()["avatar_description"] == ""


async def test_profile_shows_the_editable_fields_as_entered(instance, http):
    # Given the mayor with a bio, a field, a featured hashtag and no images
    token = await mayor_token(instance)
    await http.request(
        "PATCH",
        UPDATE,
        token=token,
        data={
            "note": "Fixing #potholes since 2019",
            "fields_attributes[0][name]": "Office",
            "fields_attributes[0][value]": "Room 101",
        },
    )
    await http.post("/api/v1/featured_tags", token=token, data={"name": "parks"})
    # When the profile is read
    reply = await http.get(PROFILE, token=token)
    # Then the bio is the text as typed, beside its HTML
    assert reply.status == 200, reply.text
    profile = reply.json()
    assert profile["id"] == await account_id(http, "mayor")
    assert profile["note"] == "Fixing #potholes since 2019"
    assert profile["formatted_note"].startswith("<p>Fixing <a")
    assert [(f["name"], f["value"]) for f in profile["fields"]] == [
        ("Office", "Room 101")
    ]
    # And unset images are null, and the featured hashtag is listed
    assert [profile[k] for k in ("avatar", "avatar_static", "header")] == [None] * 3
    assert [t["name"] for t in profile["featured_tags"]] == ["parks"]
    assert profile["show_media"] is True


async def test_profile_update_sets_tabs_and_images_and_ignores_posting_defaults(
    instance, http
):
    # Given the mayor
    token = await mayor_token(instance)
    form = aiohttp.FormData()
    form.add_field(
        "avatar", io.BytesIO(png(64, 64)), filename="me.png", content_type="image/png"
    )
    for key, value in {
        "avatar_description": "A green square",
        "show_media": "0",
        "show_media_replies": "false",
        "show_featured": "0",
        "bot": "1",
        "source[privacy]": "private",
    }.items():
        form.add_field(key, value)
    # When PATCH /api/v1/profile sends an avatar, its alt text, the tabs and a
    # posting default
    reply = await http.request("PATCH", PROFILE, token=token, data=form)
    # Then the answer is the Profile with all of them but the posting default
    assert reply.status == 200, reply.text
    profile = reply.json()
    assert profile["avatar"].startswith(f"{instance.base_url}/system/media/")
    assert profile["avatar_description"] == "A green square"
    assert [profile[k] for k in ("show_media", "show_media_replies")] == [False, False]
    assert (profile["show_featured"], profile["bot"]) == (False, True)
    me = await http.get("/api/v1/accounts/verify_credentials", token=token)
    assert me.json()["source"]["privacy"] == "public"
    assert me.json()["show_featured"] is False


async def test_profile_is_readable_with_only_the_profile_scope(instance, http):
    # Given a token holding only the `profile` scope
    await instance.create_account("mayor")
    token = await instance.token("mayor", scopes="profile")
    # When it reads the profile, and tries to change it
    read = await http.get(PROFILE, token=token)
    write = await http.request("PATCH", PROFILE, token=token, data={"bot": "1"})
    # Then reading is allowed, as Mastodon allows it, and writing is not
    assert read.status == 200, read.text
    assert write.status == 403
