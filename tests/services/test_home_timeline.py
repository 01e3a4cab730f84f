"""What the home timeline holds, by Mastodon's FeedManager rules: one's own posts,
the posts and boosts of accepted follows (replies only to the viewer, to oneself or
to followed accounts; direct posts only when they mention the viewer), public
posts with a followed hashtag. A post that merely mentions the viewer is a
notification, not a home item. The user stream asks the same query."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.services.discovery.tags import follow_tag
from fedcity.services.feeds import timelines
from fedcity.services.social.follows import follow
from fedcity.services.statuses import publishing
from fedcity.services.statuses.publishing import PublishStatus
from fedcity.storage.db import Database
from fedcity.storage.models import Actor, Post, Visibility
from fedcity.storage.queries.posts import Page
from fedcity.urls import Urls
from tests.support.accounts import local_account

URLS = Urls("http://city.example")


async def nobody(session: AsyncSession, username: str, domain: str) -> Actor | None:
    return None  # no remote accounts in these tests


async def post(db: Database, author: Actor, text: str, **fields) -> Post:
    async with db.session() as session:
        posted = await publishing.publish_status(
            session, URLS, author, PublishStatus(text, **fields), resolve=nobody
        )
    assert isinstance(posted, Post)
    return posted


async def follows(db: Database, follower: Actor, target: Actor) -> None:
    async with db.session() as session:
        await follow(session, URLS, follower, target)


async def home_texts(db: Database, viewer: Actor) -> set[str]:
    async with db.session() as session:
        posts = await timelines.home(session, viewer, Page(limit=40))
    return {p.source or "" for p in posts}


async def test_mentions_from_accounts_not_followed_stay_out_of_home(db):
    # Given a resident who follows the mayor but not the stranger
    resident = await local_account(db, URLS, "resident")
    mayor = await local_account(db, URLS, "mayor")
    stranger = await local_account(db, URLS, "stranger")
    await follows(db, resident, mayor)
    # When both mention the resident, publicly and directly
    await post(db, stranger, "@resident hello from afar")
    await post(db, stranger, "@resident psst", visibility=Visibility.DIRECT)
    await post(db, mayor, "@resident thanks for coming")
    # Then home holds only the followed mayor's post (the others are notifications)
    assert await home_texts(db, resident) == {"@resident thanks for coming"}


async def test_direct_posts_of_followed_accounts_show_when_they_mention_the_viewer(
    db,
):
    # Given a resident who follows the mayor
    resident = await local_account(db, URLS, "resident")
    mayor = await local_account(db, URLS, "mayor")
    await local_account(db, URLS, "clerk")
    await follows(db, resident, mayor)
    # When the mayor writes directly to the resident, and to the clerk
    await post(db, mayor, "@resident a word", visibility=Visibility.DIRECT)
    await post(db, mayor, "@clerk another word", visibility=Visibility.DIRECT)
    # Then the resident's home holds the first only; the author's holds both
    assert await home_texts(db, resident) == {"@resident a word"}
    assert await home_texts(db, mayor) == {"@resident a word", "@clerk another word"}


async def test_replies_show_to_the_viewer_to_oneself_or_to_followed_accounts(db):
    # Given a resident who follows the mayor and the clerk, but not the stranger
    resident = await local_account(db, URLS, "resident")
    mayor = await local_account(db, URLS, "mayor")
    clerk = await local_account(db, URLS, "clerk")
    stranger = await local_account(db, URLS, "stranger")
    await follows(db, resident, mayor)
    await follows(db, resident, clerk)
    mine = await post(db, resident, "my question")
    theirs = await post(db, stranger, "a stranger's post")
    clerks = await post(db, clerk, "the clerk's post")
    own = await post(db, mayor, "a thread")
    # When the mayor replies to each of them
    for parent, text in [
        (mine, "reply to the resident"),
        (theirs, "reply to the stranger"),
        (clerks, "reply to the clerk"),
        (own, "the thread goes on"),
    ]:
        await post(db, mayor, text, in_reply_to_id=parent.id)
    # Then every reply shows but the one to the unfollowed stranger
    assert await home_texts(db, resident) == {
        "my question",
        "the clerk's post",
        "a thread",
        "reply to the resident",
        "reply to the clerk",
        "the thread goes on",
    }


async def test_public_posts_with_a_followed_hashtag_join_home(db):
    # Given a resident who follows #parks, and a stranger it does not follow
    resident = await local_account(db, URLS, "resident")
    stranger = await local_account(db, URLS, "stranger")
    async with db.session() as session:
        await follow_tag(session, resident, "parks")
    # When the stranger posts about parks publicly and to followers only
    await post(db, stranger, "new #parks open")
    await post(db, stranger, "quiet #parks", visibility=Visibility.PRIVATE)
    # Then home holds the public one
    assert await home_texts(db, resident) == {"new #parks open"}
