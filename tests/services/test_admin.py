"""The rules behind the administrators' pages: editing, publishing and
unpublishing announcements, the dashboard's queue figures, and custom emoji
uploaded from a browser."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from fedcity.errors import NotFound, Unprocessable
from fedcity.services.instance import announcements, dashboard
from fedcity.services.instance.announcements import NewAnnouncement, Phase
from fedcity.services.statuses import custom_emojis
from fedcity.services.statuses.media import MediaStorage
from fedcity.storage.db import Database
from fedcity.storage.models import Job, JobState, PeerInstance
from fedcity.storage.types import utcnow
from fedcity.urls import Urls
from tests.support.accounts import local_account
from tests.support.images import png

URLS = Urls("http://city.example")
PEER = "https://slow.example"


async def test_update_rewrites_text_and_dates_but_not_publication(db: Database):
    # Given a published announcement
    async with db.session() as session:
        row = await announcements.create(session, URLS, NewAnnouncement("Old"))
        published_at = row.published_at
        # When an admin edits its text and gives it event dates
        start = utcnow() + timedelta(days=1)
        await announcements.update(
            session, URLS, row.id, NewAnnouncement("New #parks", start, None, True)
        )
    # Then the text is rendered again, the dates kept, its publication unchanged
    assert row.text == "New #parks"
    assert "parks" in row.content
    assert (row.starts_at, row.all_day) == (start, True)
    assert row.published_at == published_at


async def test_update_refuses_an_end_before_the_start(db: Database):
    # Given an announcement
    async with db.session() as session:
        row = await announcements.create(session, URLS, NewAnnouncement("Fair"))
        start = utcnow()
        # When it is given an end before its start
        with pytest.raises(Unprocessable):
            await announcements.update(
                session,
                URLS,
                row.id,
                NewAnnouncement("Fair", start, start - timedelta(hours=1)),
            )
    # Then nothing changed
    assert row.starts_at is None


async def test_unpublished_announcement_is_shown_to_nobody(db: Database):
    # Given two announcements
    async with db.session() as session:
        kept = await announcements.create(session, URLS, NewAnnouncement("Kept"))
        hidden = await announcements.create(session, URLS, NewAnnouncement("Hidden"))
        # When one is unpublished
        await announcements.set_published(session, hidden.id, False)
        shown = await announcements.list_for(session, None)
        everything = await announcements.list_all(session)
    # Then apps get only the other, and the admins still list both
    assert [s.announcement.id for s in shown] == [kept.id]
    assert {row.id for row in everything} == {kept.id, hidden.id}
    assert announcements.phase(hidden) == Phase.UNPUBLISHED


async def test_publishing_again_makes_it_new(db: Database):
    # Given an unpublished announcement
    async with db.session() as session:
        row = await announcements.create(session, URLS, NewAnnouncement("Again"))
        await announcements.set_published(session, row.id, False)
        before = row.published_at
        # When it is published again
        await announcements.set_published(session, row.id, True)
    # Then it is published, with a new publication time
    assert row.published
    assert row.published_at >= before


async def test_set_published_of_an_unknown_announcement_is_not_found(db: Database):
    async with db.session() as session:
        with pytest.raises(NotFound):
            await announcements.set_published(session, 404, False)


@pytest.mark.parametrize(
    ("start", "end", "phase"),
    [
        (None, None, Phase.ACTIVE),
        (1, None, Phase.SCHEDULED),
        (-2, -1, Phase.ENDED),
        (-1, 1, Phase.ACTIVE),
    ],
)
async def test_phase_follows_the_event_dates(db: Database, start, end, phase):
    # Given an announcement of an event starting/ending that many days from now
    now = utcnow()

    def day(offset: int | None):
        return None if offset is None else now + timedelta(days=offset)

    async with db.session() as session:
        row = await announcements.create(
            session, URLS, NewAnnouncement("Event", day(start), day(end))
        )
    # Then its phase says where it stands
    assert announcements.phase(row, now) == phase


async def test_dashboard_counts_deliveries_per_peer_by_state(db: Database):
    # Given an unavailable peer with deliveries pending, retrying, held, done and
    # failed, and a job of another kind for it
    now = utcnow()
    rows = [
        ("deliver", JobState.PENDING, None),
        ("deliver", JobState.PENDING, None),
        ("deliver", JobState.PENDING, "answered 502"),
        ("deliver", JobState.HELD, "unavailable"),
        ("deliver", JobState.DONE, None),
        ("deliver", JobState.FAILED, "answered 400"),
        ("fetch_card", JobState.PENDING, None),
    ]
    async with db.session() as session:
        session.add(PeerInstance(origin=PEER, unavailable=True, failure_days=7))
        for kind, state, error in rows:
            session.add(
                Job(
                    kind=kind,
                    payload={},
                    host=PEER,
                    state=state,
                    next_attempt_at=now,
                    last_error=error,
                )
            )
        await session.flush()
        # When the dashboard is read
        board = await dashboard.load(session)
    # Then the peer shows two waiting, one retrying and one held
    [peer] = [p for p in board.peers if p.origin == PEER]
    assert (peer.pending, peer.failing, peer.held) == (2, 1, 1)
    assert peer.unavailable
    assert [(f.origin, f.error) for f in board.failing] == [(PEER, "answered 502")]


async def test_emoji_from_an_open_upload_and_its_category(db: Database, tmp_path):
    # Given an emoji uploaded from a browser (an open file, not a path)
    storage = MediaStorage(str(tmp_path))
    async with db.session() as session:
        row = await custom_emojis.add_local(
            session, storage, "civic", io.BytesIO(png(24, 24)), category=" Town "
        )
        # When its category is cleared and it is hidden from pickers
        await custom_emojis.update_local(
            session, row.id, category="  ", visible_in_picker=False
        )
    # Then it was stored, and is now uncategorised and hidden
    assert (tmp_path / row.file_path).exists()
    assert (row.category, row.visible_in_picker) == (None, False)


async def test_emoji_category_longer_than_the_column_is_refused(db: Database, tmp_path):
    storage = MediaStorage(str(tmp_path))
    async with db.session() as session:
        row = await custom_emojis.add_local(
            session, storage, "civic", io.BytesIO(png(24, 24)), category="Town"
        )
        with pytest.raises(Unprocessable):
            await custom_emojis.update_local(
                session, row.id, category="x" * 65, visible_in_picker=True
            )
    assert row.category == "Town"


async def test_unpublished_announcement_cannot_be_dismissed(db: Database):
    # Given an unpublished announcement and a local account
    actor = await local_account(db, URLS, "resident")
    async with db.session() as session:
        row = await announcements.create(session, URLS, NewAnnouncement("Draft"))
        await announcements.set_published(session, row.id, False)
        # When the account dismisses it
        # Then it is not found, as apps never saw it
        with pytest.raises(NotFound):
            await announcements.dismiss(session, actor, row.id)
