"""Announcements: published with the CLI, read, dismissed and reacted to in apps."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime

import pytest

from fedcity.cli.instance import cmd_announcement
from tests.api.test_custom_emojis import add_emoji

pytestmark = pytest.mark.usefixtures("backend")


async def announce(instance, text: str, **options) -> None:
    """`fedcity announcement create TEXT …` against the instance's database."""
    args = argparse.Namespace(
        action="create",
        text=text,
        starts_at=options.get("starts_at"),
        ends_at=options.get("ends_at"),
        all_day=options.get("all_day", False),
    )
    assert await asyncio.to_thread(cmd_announcement, instance.settings, args) == 0


@pytest.fixture
async def mayor(instance):
    await instance.create_account("mayor")
    return await instance.token("mayor")


async def only_announcement(http, token) -> dict:
    reply = await http.get("/api/v1/announcements", token=token)
    assert reply.status == 200
    (item,) = reply.json()
    return item


async def test_announcement_from_the_cli_is_shown_unread(instance, http, mayor, capsys):
    # Given an announcement of an all-day event published by an admin
    start = datetime(2026, 12, 24, tzinfo=UTC)
    await announce(
        instance, "Offices closed, see #holidays", starts_at=start, all_day=True
    )
    printed_id = capsys.readouterr().out.strip()
    # When an app lists the announcements
    item = await only_announcement(http, mayor)
    # Then it is there with its rendered text, tag, event time and unread
    assert item["id"] == printed_id
    assert "#<span>holidays</span>" in item["content"]
    assert item["tags"][0]["name"] == "holidays"
    assert (item["starts_at"], item["all_day"], item["read"]) == (
        "2026-12-24T00:00:00.000Z",
        True,
        False,
    )


async def test_dismissed_announcement_is_read(instance, http, mayor):
    # Given an announcement
    await announce(instance, "Snow routes in effect")
    item = await only_announcement(http, mayor)
    # When the mayor dismisses it
    reply = await http.post(f"/api/v1/announcements/{item['id']}/dismiss", token=mayor)
    # Then it is read for the mayor
    assert (reply.status, reply.json()) == (200, {})
    assert (await only_announcement(http, mayor))["read"] is True


async def test_reactions_are_counted_and_withdrawn(instance, http, mayor):
    # Given an announcement and two residents
    await announce(instance, "Library reopens")
    await instance.create_account("clerk")
    clerk = await instance.token("clerk")
    item = await only_announcement(http, mayor)
    path = f"/api/v1/announcements/{item['id']}/reactions/%F0%9F%8E%89"
    # When both react with 🎉 and the clerk takes it back
    assert (await http.request("PUT", path, token=mayor)).status == 200
    assert (await http.request("PUT", path, token=clerk)).status == 200
    both = (await only_announcement(http, mayor))["reactions"]
    await http.request("DELETE", path, token=clerk)
    one = (await only_announcement(http, clerk))["reactions"]
    # Then the counts follow, and `me` is the reader's own
    assert both == [{"name": "🎉", "count": 2, "me": True}]
    assert one == [{"name": "🎉", "count": 1, "me": False}]


async def test_reaction_refusals(instance, http, mayor):
    # Given an announcement
    await announce(instance, "Parade on Sunday")
    item = await only_announcement(http, mayor)
    base = f"/api/v1/announcements/{item['id']}/reactions"
    # When a reaction is not an emoji, or names no announcement
    word = await http.request("PUT", f"{base}/hooray", token=mayor)
    missing = await http.request(
        "PUT", "/api/v1/announcements/1/reactions/%F0%9F%8E%89", token=mayor
    )
    # Then both are refused
    assert word.status == 422
    assert missing.status == 404


async def test_announcements_need_a_signed_in_account(instance, http):
    # Given no token
    # When the announcements are asked for
    reply = await http.get("/api/v1/announcements")
    # Then 401
    assert reply.status == 401


async def test_deleted_announcement_is_gone(instance, http, mayor, capsys):
    # Given an announcement
    await announce(instance, "Typo")
    announcement_id = int(capsys.readouterr().out.strip())
    # When an admin deletes it with the CLI
    args = argparse.Namespace(action="delete", id=announcement_id)
    assert await asyncio.to_thread(cmd_announcement, instance.settings, args) == 0
    # Then apps see none
    reply = await http.get("/api/v1/announcements", token=mayor)
    assert reply.json() == []


async def test_custom_emoji_in_announcements_and_reactions(
    instance, http, mayor, tmp_path
):
    # Given the city's flag emoji, and an announcement that uses it
    await add_emoji(instance, tmp_path, "city_flag")
    await announce(instance, "Parade today :city_flag:")
    item = await only_announcement(http, mayor)
    # Then the announcement carries the emoji
    assert [e["shortcode"] for e in item["emojis"]] == ["city_flag"]
    flag_url = item["emojis"][0]["url"]
    # When the mayor reacts with it
    path = f"/api/v1/announcements/{item['id']}/reactions/city_flag"
    assert (await http.request("PUT", path, token=mayor)).status == 200
    # Then the reaction carries the emoji's images, as Mastodon's does
    (reaction,) = (await only_announcement(http, mayor))["reactions"]
    assert reaction["name"] == "city_flag"
    assert reaction["url"] == flag_url
    assert reaction["static_url"].startswith(f"{instance.base_url}/system/media/")
