"""Custom emoji: the instance's own (listed for apps' pickers, served as files and
as ActivityPub `Emoji` objects), on posts and profiles written here, and carried
to another fedcity instance as `Emoji` tags."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import aiohttp
import pytest
from mastodon import Mastodon
from PIL import Image

from fedcity.services.statuses import custom_emojis
from fedcity.services.statuses.media import MediaStorage
from tests.federation.test_inbox_security import note_create
from tests.support.http import Http, account_id, post_status
from tests.support.instances import run_both

pytestmark = pytest.mark.usefixtures("backend")

ACTIVITY_JSON = {"Accept": "application/activity+json"}


def emoji_file(tmp_path: Path, name: str, *, animated: bool = False) -> Path:
    path = tmp_path / name
    if animated:
        frames = [Image.new("RGB", (32, 32), c) for c in ((200, 0, 0), (0, 0, 200))]
        frames[0].save(path, save_all=True, append_images=frames[1:], duration=90)
    else:
        Image.new("RGBA", (64, 64), (0, 120, 60, 200)).save(path)
    return path


async def add_emoji(instance, tmp_path: Path, shortcode: str, **kw) -> None:
    """What `fedcity emoji add` does, on the running instance's database."""
    animated = kw.pop("animated", False)
    suffix = "gif" if animated else "png"
    source = emoji_file(tmp_path, f"{shortcode}.{suffix}", animated=animated)
    storage = MediaStorage(instance.settings.media.root)
    async with instance.db.session() as session:
        await custom_emojis.add_local(session, storage, shortcode, source, **kw)


async def test_apps_list_the_instances_emoji_and_can_load_them(
    instance, http, tmp_path
):
    # Given an admin added a city flag (in a category) and a hidden animated wave
    await add_emoji(instance, tmp_path, "city_flag", category="City")
    await add_emoji(instance, tmp_path, "wave", animated=True, visible_in_picker=False)
    # When an app asks for the custom emoji, without a token
    client = Mastodon(api_base_url=instance.base_url)
    listed = await asyncio.to_thread(client.custom_emojis)
    # Then both are listed by shortcode, the hidden one marked so
    assert [(e["shortcode"], e["visible_in_picker"]) for e in listed] == [
        ("city_flag", True),
        ("wave", False),
    ]
    assert listed[0]["category"] == "City"
    assert listed[1].get("category") is None
    # And their images load: the animation as a GIF, its still copy as an image
    wave = listed[1]
    for url, kind in ((wave["url"], "image/gif"), (wave["static_url"], "image/")):
        async with http.session.get(url) as reply:
            assert reply.status == 200
            assert reply.content_type.startswith(kind)
            with Image.open(io.BytesIO(await reply.read())) as image:
                assert image.size == (32, 32)


async def test_a_post_and_a_profile_using_a_shortcode_carry_the_emoji(
    instance, http, tmp_path
):
    # Given the city flag emoji and the mayor
    await add_emoji(instance, tmp_path, "city_flag")
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    # When the mayor posts with it (and with a shortcode the instance lacks)
    status = await post_status(
        instance, http, "mayor", "Parade at noon :city_flag: :no_such:"
    )
    # Then the status lists that emoji only
    assert [e["shortcode"] for e in status["emojis"]] == ["city_flag"]
    flag = status["emojis"][0]
    assert flag["url"].startswith(f"{instance.base_url}/system/media/")
    # And the Note federated carries an Emoji tag whose id is served as an object
    async with http.session.get(status["uri"], headers=ACTIVITY_JSON) as reply:
        note = await reply.json(content_type=None)
    (tag,) = [t for t in note["tag"] if t["type"] == "Emoji"]
    assert tag["name"] == ":city_flag:"
    assert tag["icon"] == {
        "type": "Image",
        "url": flag["url"],
        "mediaType": "image/png",
    }
    async with http.session.get(tag["id"], headers=ACTIVITY_JSON) as reply:
        assert reply.status == 200
        served = await reply.json(content_type=None)
    assert {k: served[k] for k in ("id", "type", "name")} == {
        "id": tag["id"],
        "type": "Emoji",
        "name": ":city_flag:",
    }
    # When the mayor puts it in the display name
    reply = await http.request(
        "PATCH",
        "/api/v1/accounts/update_credentials",
        token=token,
        data={"display_name": "Mayor :city_flag:"},
    )
    assert reply.status == 200, reply.text
    # Then the account carries it, and so does the actor document
    assert [e["shortcode"] for e in reply.json()["emojis"]] == ["city_flag"]
    async with http.session.get(
        f"{instance.base_url}/users/mayor", headers=ACTIVITY_JSON
    ) as actor_reply:
        actor = await actor_reply.json(content_type=None)
    assert [t["name"] for t in actor["tag"]] == [":city_flag:"]


async def test_a_removed_emoji_stays_on_the_posts_written_with_it(
    instance, http, tmp_path
):
    # Given a post written with the flag emoji
    await add_emoji(instance, tmp_path, "city_flag")
    await instance.create_account("mayor")
    before = await post_status(instance, http, "mayor", ":city_flag: Parade")
    # When the admin removes the emoji
    async with instance.db.session() as session:
        await custom_emojis.remove_local(session, "city_flag")
    # Then apps no longer list it, and a new post does not use it
    assert (await http.get("/api/v1/custom_emojis")).json() == []
    after = await post_status(instance, http, "mayor", ":city_flag: again")
    assert after["emojis"] == []
    # But the earlier post still shows it, and its image still loads
    shown = (await http.get(f"/api/v1/statuses/{before['id']}")).json()
    assert shown["emojis"] == before["emojis"]
    async with http.session.get(shown["emojis"][0]["url"]) as image:
        assert image.status == 200


async def test_unknown_emoji_objects_are_not_found(instance, http):
    reply = await http.get("/emojis/12345")
    assert reply.status == 404


async def test_emoji_reach_a_follower_on_another_instance(make_instance, tmp_path):
    # Given a town resident following the city's mayor, and the city's flag emoji
    city = await make_instance("city")
    town = await make_instance("town")
    await add_emoji(city, tmp_path, "city_flag")
    await city.create_account("mayor", display_name="Mayor :city_flag:")
    await town.create_account("resident")
    async with aiohttp.ClientSession() as session:
        city_http, town_http = (
            Http(session, city.base_url),
            Http(session, town.base_url),
        )
        resident = await town.token("resident")
        mayor_there = await account_id(town_http, f"mayor@{city.domain}")
        followed = await town_http.post(
            f"/api/v1/accounts/{mayor_there}/follow", token=resident
        )
        assert followed.status == 200, followed.text
        await run_both(town, city)
        # When the mayor posts with the emoji
        await post_status(city, city_http, "mayor", ":city_flag: Parade at noon")
        await run_both(city, town)
        # Then the resident's home timeline shows the post with the city's emoji
        home = await town_http.get("/api/v1/timelines/home", token=resident)
        (status,) = home.json()
        (emoji,) = status["emojis"]
        assert emoji["shortcode"] == "city_flag"
        assert emoji["url"].startswith(f"{city.base_url}/system/media/")
        assert emoji["static_url"] == emoji["url"]
        async with session.get(emoji["url"]) as image:
            assert image.status == 200


async def test_a_local_account_created_with_emoji_in_its_name_shows_them(
    instance, http, tmp_path
):
    # Given the flag emoji, and an account named with it when it was created
    await add_emoji(instance, tmp_path, "city_flag")
    await instance.create_account("clerk", display_name="Clerk :city_flag:")
    # When an app looks the account up
    found = await http.get("/api/v1/accounts/lookup", params={"acct": "clerk"})
    # Then the emoji is on it
    assert [e["shortcode"] for e in found.json()["emojis"]] == ["city_flag"]


def emoji_tag(remote, shortcode: str, url: str | None = None) -> dict:
    image = url or f"{remote.base_url}/emoji/{shortcode}.png"
    return {
        "id": f"{remote.base_url}/emojis/{shortcode}",
        "type": "Emoji",
        "name": f":{shortcode}:",
        "updated": "2026-11-01T00:00:00Z",
        "icon": {"type": "Image", "mediaType": "image/png", "url": image},
    }


async def test_a_remote_servers_emoji_show_on_its_posts_and_profiles(
    instance, http, remote
):
    # Given a remote resident whose name and post use emoji of their server,
    # beside tags that are unused, misnamed or point nowhere usable
    actor = remote.add_actor(
        "resident", tag=[emoji_tag(remote, "heart_city"), emoji_tag(remote, "unused")]
    )
    actor.extra["name"] = "Resident :heart_city:"  # `name` is add_actor's own
    create = note_create(
        remote,
        actor,
        "1",
        content="<p>:bike: lanes :bad-name: :ftp_icon: :bike:</p>",
        tag=[
            emoji_tag(remote, "bike"),
            {**emoji_tag(remote, "x"), "name": ":bad-name:"},
            emoji_tag(remote, "ftp_icon", url="ftp://elsewhere.example/a.png"),
        ],
    )
    # When the post is delivered
    status, _ = await remote.send(f"{instance.base_url}/inbox", create)
    assert status == 202
    await instance.run_jobs()
    # Then the status shows only the usable emoji its text uses, linked remotely
    reply = await http.get("/api/v1/timelines/public")
    (shown,) = reply.json()
    assert shown["emojis"] == [
        {
            "shortcode": "bike",
            "url": f"{remote.base_url}/emoji/bike.png",
            "static_url": f"{remote.base_url}/emoji/bike.png",
            "visible_in_picker": True,
        }
    ]
    # And its author's name shows the emoji it uses
    assert [e["shortcode"] for e in shown["account"]["emojis"]] == ["heart_city"]


async def test_poll_options_show_the_emoji_they_use(instance, http, tmp_path, remote):
    # Given the city flag emoji, and the mayor asking with a poll that uses it
    await add_emoji(instance, tmp_path, "city_flag")
    await instance.create_account("mayor")
    asked = await post_status(
        instance,
        http,
        "mayor",
        "Which banner for the parade?",
        poll={"options": [":city_flag: the flag", "the seal"], "expires_in": 3600},
    )
    # Then the poll and the status carry the emoji of the option
    assert [e["shortcode"] for e in asked["poll"]["emojis"]] == ["city_flag"]
    assert [e["shortcode"] for e in asked["emojis"]] == ["city_flag"]
    # When a remote server's Question uses its own emoji in an option only
    actor = remote.add_actor("clerk")
    create = note_create(
        remote,
        actor,
        "q1",
        type="Question",
        content="<p>Lunch?</p>",
        oneOf=[
            {"type": "Note", "name": ":taco: tacos", "replies": {"totalItems": 0}},
            {"type": "Note", "name": "soup", "replies": {"totalItems": 0}},
        ],
        endTime="2030-01-01T00:00:00Z",
        tag=[emoji_tag(remote, "taco")],
    )
    status, _ = await remote.send(f"{instance.base_url}/inbox", create)
    assert status == 202
    await instance.run_jobs()
    # Then its poll shows that emoji too
    reply = await http.get("/api/v1/timelines/public", params={"remote": "true"})
    (question,) = reply.json()
    assert [e["shortcode"] for e in question["poll"]["emojis"]] == ["taco"]
