"""One's own profile through the client API: avatar and header uploads (cleaned,
sized as Mastodon sizes them, served, replaced, removed), posting defaults kept in
`source` and used when posting, hidden collections and attribution domains."""

from __future__ import annotations

import asyncio
import io

import aiohttp
import pytest
from mastodon import Mastodon
from PIL import Image

from tests.support.http import AS2, Http, account_id, follow, post_status
from tests.support.images import jpeg_with_exif, mp4_bytes, png

pytestmark = pytest.mark.usefixtures("backend")
UPDATE = "/api/v1/accounts/update_credentials"


def api(instance, token: str) -> Mastodon:
    return Mastodon(access_token=token, api_base_url=instance.base_url)


def image_form(field: str, data: bytes, **fields: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field(field, io.BytesIO(data), filename="me.png", content_type="image/png")
    for key, value in fields.items():
        form.add_field(key, value)
    return form


async def upload(http: Http, token: str, field: str, data: bytes, **fields: str):
    return await http.request(
        "PATCH", UPDATE, token=token, data=image_form(field, data, **fields)
    )


async def fetch(url: str) -> tuple[int, str, bytes]:
    async with aiohttp.ClientSession() as session, session.get(url) as resp:
        return resp.status, resp.headers.get("Content-Type", ""), await resp.read()


# --- avatar and header ----------------------------------------------------------------


async def test_avatar_upload_is_cropped_stripped_and_served(instance):
    # Given a mayor with a wide phone photo carrying GPS in its EXIF
    await instance.create_account("mayor")
    mayor = api(instance, await instance.token("mayor"))
    photo = jpeg_with_exif(400, 800)  # shown upright: 800 wide, 400 high
    # When Mastodon.py uploads it as the avatar
    account = await asyncio.to_thread(
        mayor.account_update_credentials,
        avatar=io.BytesIO(photo),
        avatar_mime_type="image/jpeg",
    )
    # Then the avatar is a stored file under the media route
    assert account["avatar"].startswith(f"{instance.base_url}/system/media/")
    assert account["avatar_static"] == account["avatar"]
    # And it is a 400x400 JPEG without any metadata
    status, content_type, body = await fetch(account["avatar"])
    assert (status, content_type) == (200, "image/jpeg")
    with Image.open(io.BytesIO(body)) as image:
        assert image.size == (400, 400)
        assert not image.getexif()
        assert "exif" not in image.info


async def test_header_is_scaled_to_mastodons_pixel_count(instance, http):
    # Given an official with a large banner
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    # When it is uploaded as the header
    reply = await upload(http, token, "header", png(3000, 1000))
    # Then the header keeps its shape at 1500x500 (750,000 pixels)
    assert reply.status == 200, reply.text
    status, content_type, body = await fetch(reply.json()["header"])
    assert (status, content_type) == (200, "image/png")
    with Image.open(io.BytesIO(body)) as image:
        assert image.size == (1500, 500)


async def test_images_and_fields_arrive_in_one_multipart_request(instance, http):
    # Given an official
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    # When the avatar is sent together with text fields and profile fields
    reply = await upload(
        http,
        token,
        "avatar",
        png(64, 64),
        display_name="Mayor Ada",
        **{"fields_attributes[0][name]": "Office", "fields_attributes[0][value]": "2"},
    )
    # Then everything is saved at once
    assert reply.status == 200, reply.text
    account = reply.json()
    assert account["display_name"] == "Mayor Ada"
    assert account["fields"][0]["name"] == "Office"
    assert "/system/media/" in account["avatar"]


@pytest.mark.parametrize(
    "data", [mp4_bytes(4096), b"just some text, not a picture at all" * 4]
)
async def test_a_non_image_avatar_is_refused(instance, http, data):
    # Given an official
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    # When a video or a text file is sent as the avatar
    reply = await upload(http, token, "avatar", data)
    # Then it is refused with Mastodon's 422, and the profile is unchanged
    assert reply.status == 422
    assert "content type is invalid" in reply.json()["error"]
    me = await http.get("/api/v1/accounts/verify_credentials", token=token)
    assert me.json()["avatar"].endswith("/static/avatar.png")


async def test_a_new_avatar_replaces_and_removes_the_old_file(instance, http):
    # Given an official with an avatar
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    first = (await upload(http, token, "avatar", png(50, 50))).json()["avatar"]
    # When another avatar is uploaded
    second = (await upload(http, token, "avatar", png(60, 60))).json()["avatar"]
    # Then the new file is served and the old one is gone
    assert second != first
    assert (await fetch(second))[0] == 200
    assert (await fetch(first))[0] == 404


@pytest.mark.parametrize("which", ["avatar", "header"])
async def test_deleting_a_profile_image_restores_the_default(instance, http, which):
    # Given an official with an uploaded image
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    stored = (await upload(http, token, which, png(80, 80))).json()[which]
    # When it is deleted
    reply = await http.request("DELETE", f"/api/v1/profile/{which}", token=token)
    # Then the account shows the default image and the file is gone
    assert reply.status == 200, reply.text
    assert reply.json()[which].endswith(f"/static/{which}.png")
    assert (await fetch(stored))[0] == 404


async def test_deleting_the_avatar_with_mastodon_py(instance):
    # Given an official with an avatar set through Mastodon.py
    await instance.create_account("mayor")
    mayor = api(instance, await instance.token("mayor"))
    await asyncio.to_thread(
        mayor.account_update_credentials,
        avatar=io.BytesIO(png(40, 40)),
        avatar_mime_type="image/png",
    )
    # When Mastodon.py deletes it
    account = await asyncio.to_thread(mayor.account_delete_avatar)
    # Then the default avatar is back
    assert account["avatar"].endswith("/static/avatar.png")


# --- posting defaults ---------------------------------------------------------------


async def test_posting_defaults_are_kept_and_reported(instance, http):
    # Given an official
    await instance.create_account("clerk")
    token = await instance.token("clerk")
    # When the posting defaults are changed (form fields, as Mastodon.py sends them)
    reply = await http.request(
        "PATCH",
        UPDATE,
        token=token,
        data={
            "source[privacy]": "private",
            "source[sensitive]": "1",
            "source[language]": "de",
        },
    )
    # Then verify_credentials and the preferences show them
    assert reply.status == 200, reply.text
    source = (
        await http.get("/api/v1/accounts/verify_credentials", token=token)
    ).json()["source"]
    assert (source["privacy"], source["sensitive"], source["language"]) == (
        "private",
        True,
        "de",
    )
    prefs = (await http.get("/api/v1/preferences", token=token)).json()
    assert prefs["posting:default:visibility"] == "private"
    assert prefs["posting:default:sensitive"] is True
    assert prefs["posting:default:language"] == "de"


async def test_posting_defaults_from_a_json_source_object(instance):
    # Given an official using Mastodon.py's named defaults
    await instance.create_account("clerk")
    clerk = api(instance, await instance.token("clerk"))
    # When they are set
    account = await asyncio.to_thread(
        clerk.account_update_credentials,
        default_privacy="unlisted",
        default_language="fr",
    )
    # Then they are in the answer's source
    assert account["source"]["privacy"] == "unlisted"
    assert account["source"]["language"] == "fr"
    assert account["source"]["sensitive"] is False


async def test_json_body_with_a_source_object_is_read(instance, http):
    # Given an official
    await instance.create_account("clerk")
    token = await instance.token("clerk")
    # When the defaults come as a JSON object
    reply = await http.request(
        "PATCH", UPDATE, token=token, json={"source": {"privacy": "unlisted"}}
    )
    # Then they are saved
    assert reply.json()["source"]["privacy"] == "unlisted"


async def test_new_statuses_use_the_posting_defaults(instance, http):
    # Given an official whose defaults are followers-only, sensitive, in German
    await instance.create_account("clerk")
    token = await instance.token("clerk")
    await http.request(
        "PATCH",
        UPDATE,
        token=token,
        json={"source": {"privacy": "private", "sensitive": True, "language": "de"}},
    )
    # When a status is posted without saying otherwise
    plain = await post_status(instance, http, "clerk", "Sitzung um neun")
    # Then the defaults apply
    assert plain["visibility"] == "private"
    assert plain["sensitive"] is True
    assert plain["language"] == "de"
    # And a status that says otherwise keeps what it says
    explicit = await post_status(
        instance, http, "clerk", "Open to all", visibility="public", language="en"
    )
    assert (explicit["visibility"], explicit["language"]) == ("public", "en")


async def test_direct_cannot_be_the_default_privacy(instance, http):
    # Given an official
    await instance.create_account("clerk")
    token = await instance.token("clerk")
    # When direct is asked as the default
    reply = await http.request(
        "PATCH", UPDATE, token=token, data={"source[privacy]": "direct"}
    )
    # Then it is refused, as Mastodon does
    assert reply.status == 422


# --- hidden collections, attribution domains ------------------------------------------


async def test_hidden_collections_are_shown_only_to_their_owner(instance, http):
    # Given a mayor followed by a resident, who then hides the collections
    await instance.create_account("mayor")
    await instance.create_account("resident")
    await follow(instance, http, "resident", "mayor")
    mayor_token = await instance.token("mayor")
    reply = await http.request(
        "PATCH", UPDATE, token=mayor_token, data={"hide_collections": "true"}
    )
    assert reply.json()["hide_collections"] is True
    mayor = await account_id(http, "mayor")
    # When others and the mayor list the followers
    others = await http.get(
        f"/api/v1/accounts/{mayor}/followers", token=await instance.token("resident")
    )
    own = await http.get(f"/api/v1/accounts/{mayor}/followers", token=mayor_token)
    # Then only the mayor sees them
    assert others.json() == []
    assert [a["username"] for a in own.json()] == ["resident"]
    # And the ActivityPub collection gives the count without the members
    doc = (await http.get("/users/mayor/followers", accept=AS2)).json()
    assert doc["totalItems"] == 1
    assert "first" not in doc


async def test_attribution_domains_are_kept_and_federated(instance, http):
    # Given a city newsroom
    await instance.create_account("news")
    token = await instance.token("news")
    # When it names the websites allowed to credit it
    reply = await http.request(
        "PATCH",
        UPDATE,
        token=token,
        data={"attribution_domains[]": ["City.example", "news.example.org"]},
    )
    # Then they are in its source, lower-cased, and on its actor
    assert reply.status == 200, reply.text
    assert reply.json()["source"]["attribution_domains"] == [
        "city.example",
        "news.example.org",
    ]
    actor = (await http.get("/users/news", accept=AS2)).json()
    assert actor["attributionDomains"] == ["city.example", "news.example.org"]


async def test_an_invalid_attribution_domain_is_refused(instance, http):
    # Given a newsroom
    await instance.create_account("news")
    token = await instance.token("news")
    # When a URL with a path is given as a domain
    reply = await http.request(
        "PATCH",
        UPDATE,
        token=token,
        data={"attribution_domains[]": "https://city.example/news"},
    )
    # Then it is refused
    assert reply.status == 422
