"""What signed-out visitors find and what feeds carry: the public posts of
`services/discovery` (search for everyone, hashtag pages, profile feeds)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.services.discovery import public_posts
from fedcity.services.discovery.search import StatusSearch, search_public_statuses
from fedcity.services.statuses import publishing
from fedcity.services.statuses.publishing import PublishStatus
from fedcity.storage.db import Database
from fedcity.storage.models import Actor, Post, Visibility
from fedcity.storage.queries.posts import Page
from fedcity.urls import Urls
from tests.support.accounts import local_account

URLS = Urls("http://city.example")


async def nobody(session: AsyncSession, username: str, domain: str) -> Actor | None:
    return None


async def post(db: Database, author: Actor, text: str, **fields) -> Post:
    async with db.session() as session:
        posted = await publishing.publish_status(
            session, URLS, author, PublishStatus(text, **fields), resolve=nobody
        )
    assert isinstance(posted, Post)
    return posted


async def found(db: Database, query: str) -> set[str]:
    async with db.session() as session:
        posts = await search_public_statuses(
            session, StatusSearch(query=query), "city.example"
        )
    return {p.source or "" for p in posts}


async def test_signed_out_search_finds_public_posts_of_indexable_accounts(db):
    # Given the mayor's public, unlisted and followers-only posts on the library
    mayor = await local_account(db, URLS, "mayor")
    await post(db, mayor, "Library opens Sunday")
    await post(db, mayor, "Library memo", visibility=Visibility.UNLISTED)
    await post(db, mayor, "Library staff", visibility=Visibility.PRIVATE)
    # When a signed-out visitor searches for "library"
    # Then only the public post is found
    assert await found(db, "library") == {"Library opens Sunday"}


async def test_signed_out_search_skips_accounts_not_indexable(db):
    # Given an account that chose not to be found by search
    clerk = await local_account(db, URLS, "clerk")
    async with db.session() as session:
        row = await session.get(Actor, clerk.id)
        assert row is not None
        row.indexable = False
    await post(db, clerk, "Zoning hearing moved")
    # Then its public post is not found
    assert await found(db, "zoning") == set()


async def test_signed_out_search_has_no_library(db):
    # Given a public post
    mayor = await local_account(db, URLS, "mayor")
    await post(db, mayor, "Budget vote tonight")
    # Then `in:library` and `from:me` find nothing without an account
    assert await found(db, "budget in:library") == set()
    assert await found(db, "budget from:me") == set()
    assert await found(db, "budget from:mayor") == {"Budget vote tonight"}


async def test_hashtag_posts_are_public_ones_by_the_given_author(db):
    # Given two accounts' posts with #parks, one of them unlisted
    mayor = await local_account(db, URLS, "mayor")
    clerk = await local_account(db, URLS, "clerk")
    await post(db, mayor, "Mayor #parks")
    await post(db, clerk, "Clerk #parks")
    await post(db, mayor, "Quiet #parks", visibility=Visibility.UNLISTED)
    async with db.session() as session:
        everyone = await public_posts.tagged(session, "parks", Page())
        mayors = await public_posts.tagged(session, "parks", Page(), mayor)
    # Then the hashtag lists the public posts, and the author's only theirs
    assert {p.source for p in everyone} == {"Mayor #parks", "Clerk #parks"}
    assert [p.source for p in mayors] == ["Mayor #parks"]
