"""Scheduled statuses: `scheduled_at` on posting, /api/v1/scheduled_statuses, and the
`publish_scheduled` job (made due by hand, then run with `instance.run_jobs()`)."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta

import pytest
from mastodon import Mastodon, MastodonAPIError, MastodonNotFoundError
from sqlalchemy import update

from fedcity.storage.models import Job
from fedcity.storage.types import utcnow
from tests.api.test_openapi_contract import SPEC_PATH, check
from tests.support.images import png

pytestmark = pytest.mark.usefixtures("backend")


def api(instance, token: str) -> Mastodon:
    return Mastodon(access_token=token, api_base_url=instance.base_url)


async def client(instance, name: str) -> Mastodon:
    await instance.create_account(name)
    return api(instance, await instance.token(name))


def call(fn, *args, **kw):
    return asyncio.to_thread(fn, *args, **kw)


def in_minutes(minutes: float) -> datetime:
    return datetime.now(UTC) + timedelta(minutes=minutes)


async def publish_due(instance) -> None:
    """Make every scheduled-publishing job due now, and run the worker."""
    async with instance.db.session() as session:
        await session.execute(
            update(Job)
            .where(Job.kind == "publish_scheduled")
            .values(next_attempt_at=utcnow())
        )
    await instance.run_jobs()


async def own_statuses(instance, mastodon: Mastodon) -> list:
    me = await call(mastodon.me)
    return await call(mastodon.account_statuses, me["id"])


async def test_scheduling_returns_a_scheduled_status_and_posts_nothing(instance):
    # Given the mayor
    mayor = await client(instance, "mayor")
    when = in_minutes(30)
    # When a status is scheduled half an hour ahead
    scheduled = await call(
        mayor.status_post, "polls open", scheduled_at=when, visibility="unlisted"
    )
    # Then a ScheduledStatus comes back, and nothing is posted yet
    assert abs((scheduled["scheduled_at"] - when).total_seconds()) < 1
    assert scheduled["params"]["text"] == "polls open"
    assert scheduled["params"]["visibility"] == "unlisted"
    assert await own_statuses(instance, mayor) == []


@pytest.mark.skipif(not SPEC_PATH.exists(), reason="Mastodon OpenAPI is missing")
async def test_scheduled_status_entity_is_valid(instance, http):
    # Given the mayor
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    # When a status is scheduled over HTTP
    reply = await http.post(
        "/api/v1/statuses",
        token=token,
        json={"status": "later", "scheduled_at": in_minutes(10).isoformat()},
    )
    # Then it is a valid ScheduledStatus, and so is the listed one
    assert reply.status == 200, reply.text
    check(reply.json(), "ScheduledStatus")
    listed = await http.get("/api/v1/scheduled_statuses", token=token)
    check(listed.json()[0], "ScheduledStatus")


async def test_scheduling_less_than_five_minutes_ahead_is_refused(instance):
    # Given the mayor
    mayor = await client(instance, "mayor")
    # When a status is scheduled two minutes ahead
    # Then Mastodon's 422 answers
    with pytest.raises(MastodonAPIError, match="must be in the future") as refused:
        await call(mayor.status_post, "too soon", scheduled_at=in_minutes(2))
    assert refused.value.args[1] == 422


async def test_a_scheduled_time_already_past_posts_at_once(instance):
    # Given the mayor
    mayor = await client(instance, "mayor")
    # When a status is "scheduled" a minute ago
    status = await call(mayor.status_post, "right now", scheduled_at=in_minutes(-1))
    # Then it is posted immediately, as Mastodon does
    assert "right now" in status["content"]
    assert [s["id"] for s in await own_statuses(instance, mayor)] == [status["id"]]


async def test_scheduled_statuses_are_listed_and_shown_to_their_author(instance):
    # Given two scheduled statuses
    mayor = await client(instance, "mayor")
    first = await call(mayor.status_post, "one", scheduled_at=in_minutes(10))
    second = await call(mayor.status_post, "two", scheduled_at=in_minutes(20))
    # When they are listed and one is read
    listed = await call(mayor.scheduled_statuses)
    shown = await call(mayor.scheduled_status, first["id"])
    # Then both are there, newest first, and the single one matches
    assert [s["id"] for s in listed] == [second["id"], first["id"]]
    assert shown["params"]["text"] == "one"


async def test_others_cannot_see_a_scheduled_status(instance):
    # Given the mayor's scheduled status
    mayor = await client(instance, "mayor")
    scheduled = await call(mayor.status_post, "secret", scheduled_at=in_minutes(10))
    clerk = await client(instance, "clerk")
    # When the clerk asks for it
    # Then it is not found, and the clerk's list is empty
    with pytest.raises(MastodonNotFoundError):
        await call(clerk.scheduled_status, scheduled["id"])
    assert await call(clerk.scheduled_statuses) == []


async def test_the_job_publishes_it_when_due(instance):
    # Given a scheduled reply with a content warning
    mayor = await client(instance, "mayor")
    root = await call(mayor.status_post, "budget thread")
    await call(
        mayor.status_post,
        "budget passed",
        scheduled_at=in_minutes(60),
        spoiler_text="news",
        in_reply_to_id=root["id"],
    )
    # When its job comes due and runs
    await publish_due(instance)
    # Then the status is posted as asked, and no longer scheduled
    posted = (await own_statuses(instance, mayor))[0]
    assert "budget passed" in posted["content"]
    assert posted["spoiler_text"] == "news"
    assert posted["in_reply_to_id"] == root["id"]
    assert await call(mayor.scheduled_statuses) == []


async def test_published_status_notifies_who_it_mentions(instance):
    # Given a scheduled status mentioning the clerk
    mayor = await client(instance, "mayor")
    clerk = await client(instance, "clerk")
    await call(mayor.status_post, "@clerk minutes please", scheduled_at=in_minutes(10))
    assert await call(clerk.notifications) == []
    # When it is published
    await publish_due(instance)
    # Then the clerk is notified of the mention
    notifications = await call(clerk.notifications)
    assert [n["type"] for n in notifications] == ["mention"]


async def test_scheduled_media_are_shown_and_attached_when_published(instance):
    # Given an uploaded picture, scheduled with a status
    mayor = await client(instance, "mayor")
    media = await call(mayor.media_post, io.BytesIO(png(40, 30)), mime_type="image/png")
    scheduled = await call(
        mayor.status_post,
        "the new park",
        media_ids=[media],
        scheduled_at=in_minutes(10),
    )
    assert [m["id"] for m in scheduled["media_attachments"]] == [media["id"]]
    # When it is published
    await publish_due(instance)
    # Then the posted status carries the picture
    posted = (await own_statuses(instance, mayor))[0]
    assert [m["id"] for m in posted["media_attachments"]] == [media["id"]]


async def test_a_scheduled_poll_is_kept_and_opens_when_published(instance):
    # Given a status scheduled with a poll of an hour
    mayor = await client(instance, "mayor")
    poll = await call(
        mayor.make_poll, ["Main St", "Oak Ave"], expires_in=3600, hide_totals=True
    )
    scheduled = await call(
        mayor.status_post, "Which street first?", poll=poll, scheduled_at=in_minutes(30)
    )
    # Then the scheduled status holds the poll in Mastodon's shape
    assert scheduled["params"]["poll"] == {
        "options": ["Main St", "Oak Ave"],
        "expires_in": 3600,
        "multiple": False,
        "hide_totals": True,
    }
    # When it is published
    before = datetime.now(UTC)
    await publish_due(instance)
    # Then the status carries the poll, whose hour starts at publication
    posted = (await own_statuses(instance, mayor))[0]
    assert [o["title"] for o in posted["poll"]["options"]] == ["Main St", "Oak Ave"]
    expires = posted["poll"]["expires_at"]
    assert before + timedelta(seconds=3590) <= expires <= in_minutes(61)


async def test_rescheduling_moves_the_time(instance):
    # Given a scheduled status
    mayor = await client(instance, "mayor")
    scheduled = await call(mayor.status_post, "moved", scheduled_at=in_minutes(10))
    later = in_minutes(120)
    # When it is moved two hours ahead
    moved = await call(mayor.scheduled_status_update, scheduled["id"], later)
    # Then the new time is kept
    assert abs((moved["scheduled_at"] - later).total_seconds()) < 1
    shown = await call(mayor.scheduled_status, scheduled["id"])
    assert abs((shown["scheduled_at"] - later).total_seconds()) < 1


async def test_rescheduling_over_http_answers_the_moved_status(instance, http):
    # Given a status scheduled over HTTP
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    scheduled = await http.post(
        "/api/v1/statuses",
        token=token,
        json={"status": "moved", "scheduled_at": in_minutes(10).isoformat()},
    )
    path = f"/api/v1/scheduled_statuses/{scheduled.json()['id']}"
    # When it is moved to a given minute, sent without an offset (read as UTC)
    moved = await http.request(
        "PUT", path, token=token, data={"scheduled_at": "2099-03-01T09:30:00"}
    )
    shown = await http.get(path, token=token)
    # Then both answers carry the new time in Mastodon's form, and the same text
    for answer in (moved.json(), shown.json()):
        assert answer["scheduled_at"] == "2099-03-01T09:30:00.000Z"
        assert answer["params"]["text"] == "moved"


async def test_a_rescheduled_status_is_published_once(instance):
    # Given a status scheduled, then rescheduled (two jobs now exist)
    mayor = await client(instance, "mayor")
    scheduled = await call(mayor.status_post, "once", scheduled_at=in_minutes(10))
    await call(mayor.scheduled_status_update, scheduled["id"], in_minutes(30))
    # When every job comes due
    await publish_due(instance)
    # Then the status is posted exactly once
    assert len(await own_statuses(instance, mayor)) == 1


async def test_rescheduling_too_soon_is_refused(instance):
    # Given a scheduled status
    mayor = await client(instance, "mayor")
    scheduled = await call(mayor.status_post, "moved", scheduled_at=in_minutes(10))
    # When it is moved to a minute from now
    # Then it is refused with 422
    with pytest.raises(MastodonAPIError, match="must be in the future") as refused:
        await call(mayor.scheduled_status_update, scheduled["id"], in_minutes(1))
    assert refused.value.args[1] == 422


async def test_a_cancelled_status_is_never_published(instance):
    # Given a scheduled status
    mayor = await client(instance, "mayor")
    scheduled = await call(mayor.status_post, "never", scheduled_at=in_minutes(10))
    # When it is deleted and its job comes due
    await call(mayor.scheduled_status_delete, scheduled["id"])
    await publish_due(instance)
    # Then it is neither listed nor posted
    assert await call(mayor.scheduled_statuses) == []
    assert await own_statuses(instance, mayor) == []
