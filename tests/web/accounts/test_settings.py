"""The settings pages: they need someone signed in, and they change the account
through the same services as the client API."""

from __future__ import annotations

import io
import os
from urllib.parse import parse_qs, urlsplit

import aiohttp
from PIL import Image
from sqlalchemy import select

from fedcity.storage.models import Actor, Job
from fedcity.storage.queries.actors import get_user_by_actor_id

SETTINGS_PAGES = [
    "/settings/profile",
    "/settings/preferences",
    "/settings/password",
    "/settings/two_factor",
    "/settings/sessions",
    "/settings/apps",
    "/settings/export",
    "/settings/export/posts.json",
]


async def test_settings_need_sign_in(browser):
    # Given nobody signed in
    for path in SETTINGS_PAGES:
        # When a settings page is opened
        page = await browser.get(path)
        # Then the browser is sent to sign in, and back here afterwards
        assert page.status == 303, path
        target = urlsplit(page.location)
        assert target.path == "/auth/sign_in"
        assert parse_qs(target.query) == {"next": [path]}


async def test_every_settings_page_shows_with_its_navigation(instance, browser):
    # Given a signed-in account
    await instance.create_account("mayor")
    await browser.sign_in("mayor")
    for path in SETTINGS_PAGES[:-1]:
        # When each settings page is opened
        page = await browser.get(path)
        # Then it shows, one h1, with the settings navigation marking it
        assert page.status == 200, path
        assert page.text.count("<h1>") == 1, path
        assert f'href="{path}" aria-current="page"' in page.text, path


async def _actor(instance, name: str) -> Actor:
    async with instance.db.session() as session:
        found = await session.scalar(select(Actor).where(Actor.username == name))
        assert found is not None
        return found


async def test_profile_is_saved_and_followers_hear_of_it(instance, browser):
    # Given a signed-in account
    await instance.create_account("mayor")
    await browser.sign_in("mayor")
    await browser.get("/settings/profile")
    # When it saves a new name, bio, a field and approves followers by hand
    page = await browser.post(
        "/settings/profile",
        {
            "display_name": "Mayor Ana Ruiz",
            "note": "Serving #Springfield since 2024",
            "field_name_0": "Office hours",
            "field_value_0": "Mon-Fri 9-5",
            "locked": "1",
            "discoverable": "1",
        },
    )
    # Then the profile changed, and an Update of the actor is queued
    assert page.status == 303
    assert page.location == "/settings/profile?saved=1"
    actor = await _actor(instance, "mayor")
    assert actor.display_name == "Mayor Ana Ruiz"
    assert "Springfield" in actor.summary
    assert actor.fields == [{"name": "Office hours", "value": "Mon-Fri 9-5"}]
    assert actor.locked is True
    assert actor.bot is False
    async with instance.db.session() as session:
        jobs = (await session.scalars(select(Job))).all()
    assert any("UpdateActor" in str(job.payload) for job in jobs)


async def test_profile_too_long_name_is_refused_with_values_kept(instance, browser):
    # Given a signed-in account
    await instance.create_account("mayor")
    await browser.sign_in("mayor")
    await browser.get("/settings/profile")
    # When it saves a display name past the limit
    page = await browser.post(
        "/settings/profile", {"display_name": "x" * 31, "note": "kept"}
    )
    # Then the form comes back with the error and what was typed
    assert page.status == 422
    assert 'class="error-summary"' in page.text
    assert 'href="#field-display_name"' in page.text
    assert ">kept</textarea>" in page.text


async def test_avatar_upload_with_its_description(instance, browser):
    # Given a signed-in account and an image
    await instance.create_account("mayor")
    await browser.sign_in("mayor")
    await browser.get("/settings/profile")
    image = io.BytesIO()
    Image.new("RGB", (64, 64), "navy").save(image, "PNG")
    # When it uploads the image as its avatar, described
    form = aiohttp.FormData()
    form.add_field("csrf_token", browser.csrf)
    form.add_field("display_name", "Mayor")
    form.add_field("avatar_description", "The city seal")
    form.add_field("avatar", image.getvalue(), filename="seal.png")
    page = await browser.request("POST", "/settings/profile", data=form)
    # Then the avatar and its description are the account's
    assert page.status == 303, page.text
    actor = await _actor(instance, "mayor")
    assert actor.avatar_url is not None
    assert actor.avatar_description == "The city seal"


async def test_an_avatar_larger_than_the_body_limit_is_kept(instance, browser):
    # Given a signed-in account and a photo past the app-wide 1 MiB body limit
    await instance.create_account("mayor")
    await browser.sign_in("mayor")
    await browser.get("/settings/profile")
    noise = Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3))
    image = io.BytesIO()
    noise.save(image, "PNG", compress_level=0)
    assert len(image.getvalue()) > instance.settings.server.max_body_bytes
    # When it uploads the photo as its avatar
    form = aiohttp.FormData()
    form.add_field("csrf_token", browser.csrf)
    form.add_field("display_name", "Mayor")
    form.add_field("avatar_description", "The mayor at city hall")
    form.add_field(
        "avatar",
        io.BytesIO(image.getvalue()),
        filename="portrait.png",
        content_type="image/png",
    )
    page = await browser.request("POST", "/settings/profile", data=form)
    # Then it is the account's avatar (the form is read as a stream, as on /compose)
    assert page.status == 303, page.text
    actor = await _actor(instance, "mayor")
    assert actor.avatar_url is not None
    assert actor.avatar_description == "The mayor at city hall"


async def test_a_forged_profile_form_writes_no_file(instance, browser):
    # Given a signed-in account
    await instance.create_account("mayor")
    await browser.sign_in("mayor")
    # When a form without this browser's token sends an avatar
    form = aiohttp.FormData()
    form.add_field("csrf_token", "forged")
    form.add_field("avatar", b"\x89PNG forged", filename="x.png")
    page = await browser.request("POST", "/settings/profile", data=form)
    # Then it is refused and the account keeps no avatar
    assert page.status == 403
    assert (await _actor(instance, "mayor")).avatar_url is None


async def test_preferences_set_posting_defaults_and_language(instance, browser):
    # Given a signed-in account
    actor = await instance.create_account("mayor")
    await browser.sign_in("mayor")
    await browser.get("/settings/preferences")
    # When it chooses Spanish pages, followers-only posts in Spanish
    page = await browser.post(
        "/settings/preferences",
        {
            "interface_language": "es",
            "privacy": "private",
            "posting_language": "es",
        },
    )
    # Then they are saved, and the pages are in Spanish
    assert page.status == 303
    async with instance.db.session() as session:
        user = await get_user_by_actor_id(session, actor.id)
        assert user is not None
        assert (user.locale, user.default_privacy, user.default_language) == (
            "es",
            "private",
            "es",
        )
    shown = await browser.get("/settings/preferences")
    assert '<html lang="es">' in shown.text


async def test_preferences_refuse_a_direct_default(instance, browser):
    # Given a signed-in account
    await instance.create_account("mayor")
    await browser.sign_in("mayor")
    await browser.get("/settings/preferences")
    # When it sends "direct" as its default privacy
    page = await browser.post("/settings/preferences", {"privacy": "direct"})
    # Then it is refused on the form
    assert page.status == 422
    assert 'class="error-summary"' in page.text
