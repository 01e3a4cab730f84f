"""Seat accounts and succession (issue 11): holder periods, the holder a post
records, a handover that takes back every way in and makes a one-time link, the
link used once, and the export of one holder's posts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from fedcity.api.entities.statuses import serialize_statuses
from fedcity.errors import Gone, NotFound, Unprocessable
from fedcity.services.accounts import two_factor
from fedcity.services.accounts.accounts import create_token
from fedcity.services.accounts.passwords import password_matches
from fedcity.services.accounts.sessions import signed_in, start_session
from fedcity.services.offices import attestations as offices
from fedcity.services.offices import seat_records, seats
from fedcity.services.statuses.posts import NewPost, create_local_post
from fedcity.storage.db import Database
from fedcity.storage.models import AccessToken, HandoverLink, Visibility
from fedcity.storage.queries.actors import get_user_by_actor_id
from fedcity.storage.types import utcnow
from fedcity.urls import Urls
from tests.support.accounts import local_account

URLS = Urls("http://city.example")
PASSWORD = "a new long password"


async def seat(db: Database, holder: str | None = "Ana Ruiz"):
    """@mayor, an official seat account attested as Mayor of Ojai, held by
    `holder`."""
    mayor = await local_account(db, URLS, "mayor")
    async with db.session() as session:
        await offices.set_capacity(session, mayor, "official")
        await offices.verify(
            session,
            offices.Issuer(URLS, "City of Ojai"),
            mayor,
            offices.Claim(role="mayor", jurisdiction="Ojai, CA"),
        )
        if holder is not None:
            await seats.set_holder(session, mayor, holder)
    return mayor


async def write(db: Database, author, text: str, **kw):
    async with db.session() as session:
        return await create_local_post(session, URLS, author, NewPost(text, **kw))


async def test_a_seat_post_records_its_holder_and_another_post_none(db):
    # Given a held seat and a personal account
    mayor = await seat(db)
    clerk = await local_account(db, URLS, "clerk")
    # When both write
    by_seat = await write(db, mayor, "Budget hearing tonight")
    by_clerk = await write(db, clerk, "Agenda posted")
    # Then the seat's post names the period of Ana Ruiz, titled with the office
    async with db.session() as session:
        [holder] = await seats.holders(session, mayor)
    assert by_seat.holder_id == holder.id
    assert (holder.name, holder.title, holder.ended_at) == (
        "Ana Ruiz",
        "Mayor of Ojai",
        None,
    )
    # And the personal account's post has none
    assert by_clerk.holder_id is None


async def test_only_a_seat_account_has_holders(db):
    await local_account(db, URLS, "clerk")
    async with db.session() as session:
        with pytest.raises(Unprocessable, match="not a seat account"):
            await seats.find_seat(session, "clerk")


async def test_naming_another_holder_needs_a_handover(db):
    mayor = await seat(db)
    async with db.session() as session:
        # The same name again changes nothing
        again = await seats.set_holder(session, mayor, "  Ana   Ruiz ")
        assert again.name == "Ana Ruiz"
        with pytest.raises(Unprocessable, match="use official handover"):
            await seats.set_holder(session, mayor, "Ben Ortiz")


async def test_handover_closes_the_period_and_opens_the_successors(db):
    # Given Ana Ruiz's post on the seat
    mayor = await seat(db)
    before = await write(db, mayor, "My last week in office")
    # When the seat is handed over to Ben Ortiz, Ana's archive named ana_ruiz
    async with db.session() as session:
        done = await seats.handover(
            session, mayor, by=None, successor="Ben Ortiz", archive_as="ana_ruiz"
        )
    after = await write(db, mayor, "Hello, Ojai")
    # Then Ana's period is closed with its archive, Ben's is open
    assert done.closed is not None
    assert done.opened is not None
    assert done.closed.ended_at is not None
    assert done.closed.archive_name == "ana_ruiz"
    assert (done.opened.name, done.opened.ended_at) == ("Ben Ortiz", None)
    # And each post keeps the holder it was written under
    assert before.holder_id == done.closed.id
    assert after.holder_id == done.opened.id
    # And the archive lists Ana's post, not Ben's
    async with db.session() as session:
        shown_seat, holder, posts = await seats.archive(session, "ana_ruiz")
    assert (shown_seat.id, holder.id) == (mayor.id, done.closed.id)
    assert [p.id for p in posts] == [before.id]


async def test_handover_takes_back_every_way_in(db):
    # Given a seat with a browser session, a token, 2FA and a scheduled status
    mayor = await seat(db)
    async with db.session() as session:
        cookie = await start_session(session, mayor, "Firefox", None)
    async with db.session() as session:
        await create_token(session, "mayor", "read write")
        user = await get_user_by_actor_id(session, mayor.id)
        assert user is not None
        user.otp_secret = two_factor.new_secret()
        user.otp_enabled_at = utcnow()
    # When the seat is handed over
    async with db.session() as session:
        done = await seats.handover(session, mayor, by=None)
    # Then the browser is signed out and the token revoked
    assert (done.ended_sessions, done.revoked_tokens) == (1, 1)
    async with db.session() as session:
        assert await signed_in(session, cookie) is None
        tokens = list(
            await session.scalars(
                select(AccessToken).where(AccessToken.actor_id == mayor.id)
            )
        )
        assert all(t.revoked_at is not None for t in tokens)
        # And the old password no longer signs in, and 2FA is off
        user = await get_user_by_actor_id(session, mayor.id)
        assert user is not None
        assert not password_matches(user.password_hash, "correct horse battery")
        assert user.otp_secret is None
        assert user.otp_enabled_at is None


async def test_the_link_works_once_and_opens_the_named_successors_period(db):
    # Given a handover that named nobody
    mayor = await seat(db)
    async with db.session() as session:
        done = await seats.handover(session, mayor, by=None)
    assert done.opened is None
    # Then only the digest of the token is stored
    async with db.session() as session:
        links = list(await session.scalars(select(HandoverLink)))
    assert [link.token_digest for link in links] != [done.token]
    assert all(done.token not in link.token_digest for link in links)
    # When the successor uses the link without a name, then with one
    async with db.session() as session:
        with pytest.raises(Unprocessable, match="name"):
            await seats.redeem(session, done.token, PASSWORD, PASSWORD, "")
    async with db.session() as session:
        await seats.redeem(session, done.token, PASSWORD, PASSWORD, "Ben Ortiz")
    # Then the new password is the account's and Ben's period is open
    async with db.session() as session:
        user = await get_user_by_actor_id(session, mayor.id)
        assert user is not None
        assert password_matches(user.password_hash, PASSWORD)
        periods = await seats.holders(session, mayor)
    assert [(h.name, h.ended_at is None) for h in periods] == [
        ("Ana Ruiz", False),
        ("Ben Ortiz", True),
    ]
    # And the link is refused the second time
    async with db.session() as session:
        with pytest.raises(Gone):
            await seats.redeem(session, done.token, PASSWORD, PASSWORD, "Eve")


async def test_an_expired_or_superseded_link_is_refused(db):
    mayor = await seat(db)
    async with db.session() as session:
        first = await seats.handover(session, mayor, by=None, successor="Ben Ortiz")
    async with db.session() as session:
        second = await seats.handover(session, mayor, by=None, successor="Cara Diaz")
    # Then the first link is superseded by the second
    async with db.session() as session:
        with pytest.raises(Gone):
            await seats.link_seat(session, first.token)
        # And the second is refused once its 72 hours are past
        link = (await seats.link_seat(session, second.token))[0]
        link.expires_at = utcnow() - timedelta(seconds=1)
    async with db.session() as session:
        with pytest.raises(Gone):
            await seats.redeem(session, second.token, PASSWORD, PASSWORD)


async def test_an_archive_needs_a_holder_and_a_free_name(db):
    mayor = await seat(db, holder=None)
    async with db.session() as session:
        with pytest.raises(Unprocessable, match="no holder"):
            await seats.handover(session, mayor, by=None, archive_as="someone")
        await seats.set_holder(session, mayor, "Ana Ruiz")
        with pytest.raises(Unprocessable, match="archive name"):
            await seats.handover(session, mayor, by=None, archive_as="not a name!")


async def test_the_export_holds_one_periods_posts_of_every_visibility(db):
    # Given Ana's public and followers-only posts, then Ben's
    mayor = await seat(db)
    public = await write(db, mayor, "Public notice")
    private = await write(db, mayor, "To followers", visibility=Visibility.PRIVATE)
    async with db.session() as session:
        done = await seats.handover(session, mayor, by=None, successor="Ben Ortiz")
    await write(db, mayor, "Ben's first post")
    # When Ana's period is exported
    assert done.closed is not None
    async with db.session() as session:
        found = await seat_records.records(session, mayor, done.closed.id)
    document = seat_records.document(found, URLS, "city.example")
    # Then it holds her two posts, with their visibility, and not Ben's
    assert document["holder"]["name"] == "Ana Ruiz"
    assert document["seat"]["acct"] == "mayor@city.example"
    assert [(p["id"], p["visibility"]) for p in document["posts"]] == [
        (str(public.id), "public"),
        (str(private.id), "private"),
    ]
    # And a period the seat never had is not found
    async with db.session() as session:
        with pytest.raises(NotFound):
            await seat_records.records(session, mayor, 12345)


async def test_a_page_of_statuses_reads_its_holders_in_one_query(db):
    # Given five seat posts under two holders, and a personal account's posts
    mayor = await seat(db)
    clerk = await local_account(db, URLS, "clerk")
    seat_posts = [await write(db, mayor, f"Ana {n}") for n in range(3)]
    async with db.session() as session:
        await seats.handover(session, mayor, by=None, successor="Ben Ortiz")
    seat_posts += [await write(db, mayor, f"Ben {n}") for n in range(2)]
    personal = [await write(db, clerk, f"Clerk {n}") for n in range(2)]
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    async def queries(posts) -> tuple[int, list]:
        statements.clear()
        async with db.session() as session:
            entities = await serialize_statuses(session, posts, None, URLS)
        return len(statements), entities

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        # When a page of personal posts, one seat post, and all of them are drawn
        alone, _ = await queries(personal)
        one, _ = await queries(personal + seat_posts[:1])
        every, entities = await queries(personal + seat_posts)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    # Then personal posts cost no holder query, and any number of seat posts one
    assert one == every == alone + 1
    assert [e.get("fedcity", {}).get("holder", {}).get("name") for e in entities] == [
        None,
        None,
        "Ana Ruiz",
        "Ana Ruiz",
        "Ana Ruiz",
        "Ben Ortiz",
        "Ben Ortiz",
    ]
