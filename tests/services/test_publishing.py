"""Posting a status through the use-case itself, against a real database, with a
fake mention resolver in place of WebFinger: defaults, mentions, polls,
Idempotency-Key and scheduling."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.jobs.kinds import JobKind
from fedcity.services.accounts.preferences import (
    PostingDefaultsUpdate,
    update_posting_defaults,
)
from fedcity.services.accounts.remote_actors import (
    RemoteActorData,
    upsert_remote_actor,
)
from fedcity.services.statuses import publishing
from fedcity.services.statuses.polls import NewPoll
from fedcity.services.statuses.publishing import PublishStatus
from fedcity.storage.db import Database
from fedcity.storage.models import (
    Actor,
    Job,
    Mention,
    Poll,
    Post,
    ScheduledStatus,
    Visibility,
)
from fedcity.storage.types import utcnow
from fedcity.urls import Urls
from tests.support.accounts import local_account

URLS = Urls("http://city.example")


class FakeResolver:
    """Stands in for WebFinger: knows the remote accounts in `known` (username →
    domain) and records every lookup it is asked for."""

    def __init__(self, **known: str) -> None:
        self.known = known
        self.asked: list[tuple[str, str]] = []

    async def __call__(
        self, session: AsyncSession, username: str, domain: str
    ) -> Actor | None:
        self.asked.append((username, domain))
        if self.known.get(username) != domain:
            return None
        uri = f"https://{domain}/users/{username}"
        return await upsert_remote_actor(
            session,
            RemoteActorData(
                uri=uri,
                actor_type="Person",
                username=username,
                domain=domain,
                inbox_uri=f"{uri}/inbox",
                key_id=None,
                public_key_pem=None,
                url=f"https://{domain}/@{username}",
            ),
        )


async def account(db: Database, name: str) -> Actor:
    return await local_account(db, URLS, name)


async def publish(db: Database, author: Actor, cmd: PublishStatus, resolve=None):
    async with db.session() as session:
        return await publishing.publish_status(
            session, URLS, author, cmd, resolve=resolve or FakeResolver()
        )


async def count(db: Database, model: type) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def mentioned(db: Database, post: Post) -> set[str]:
    async with db.session() as session:
        names = await session.scalars(
            select(Actor.username)
            .join(Mention, Mention.actor_id == Actor.id)
            .where(Mention.post_id == post.id)
        )
        return set(names)


async def test_what_the_request_leaves_out_comes_from_the_authors_defaults(db):
    # Given an account whose defaults are unlisted, sensitive and German
    mayor = await account(db, "mayor")
    async with db.session() as session:
        await update_posting_defaults(
            session,
            mayor,
            PostingDefaultsUpdate(privacy="unlisted", sensitive=True, language="de"),
        )
    # When it posts without saying, and then saying otherwise
    plain = await publish(db, mayor, PublishStatus("Marktplatz"))
    said = await publish(
        db,
        mayor,
        PublishStatus(
            "Market square",
            visibility=Visibility.PUBLIC,
            sensitive=False,
            language="en",
        ),
    )
    # Then the first takes the defaults and the second what it said
    assert isinstance(plain, Post)
    assert isinstance(said, Post)
    assert (plain.visibility, plain.sensitive, plain.language) == (
        Visibility.UNLISTED,
        True,
        "de",
    )
    assert (said.visibility, said.sensitive, said.language) == (
        Visibility.PUBLIC,
        False,
        "en",
    )


async def test_unknown_remote_mention_is_resolved_through_the_injected_resolver(db):
    # Given a local clerk and a resolver that knows bob on town.example
    mayor = await account(db, "mayor")
    clerk = await account(db, "clerk")
    resolver = FakeResolver(bob="town.example")
    # When the mayor mentions the clerk, bob and someone nobody knows
    post = await publish(
        db,
        mayor,
        PublishStatus("@clerk @bob@town.example @ghost@nowhere.example agenda?"),
        resolver,
    )
    # Then only the remote handles were looked up, and the known two are mentioned
    assert resolver.asked == [("bob", "town.example"), ("ghost", "nowhere.example")]
    assert await mentioned(db, post) == {clerk.username, "bob"}
    # And bob's mention links to his profile; the unknown one stays plain text
    assert 'href="https://town.example/@bob"' in post.content
    assert "@ghost@nowhere.example" in post.content
    assert "nowhere.example/" not in post.content


async def test_own_domain_handle_is_a_local_mention_not_a_lookup(db):
    # Given a local clerk
    mayor = await account(db, "mayor")
    await account(db, "clerk")
    resolver = FakeResolver()
    # When the mayor mentions her with this server's domain
    post = await publish(db, mayor, PublishStatus("@clerk@city.example hi"), resolver)
    # Then nothing is looked up and she is mentioned
    assert resolver.asked == []
    assert await mentioned(db, post) == {"clerk"}


async def test_poll_is_attached_to_the_new_post(db):
    # Given an account
    mayor = await account(db, "mayor")
    # When it posts a poll
    post = await publish(
        db,
        mayor,
        PublishStatus("Bench colour?", poll=NewPoll(("green", "blue"), 3600)),
    )
    # Then the post is a Question with that poll
    assert isinstance(post, Post)
    assert post.object_type == "Question"
    async with db.session() as session:
        poll = await session.scalar(select(Poll).where(Poll.post_id == post.id))
    assert poll is not None
    assert list(poll.options) == ["green", "blue"]


async def test_same_idempotency_key_answers_with_the_first_post_and_poll(db):
    # Given a status with a poll, sent with an Idempotency-Key
    mayor = await account(db, "mayor")
    cmd = PublishStatus(
        "Bench colour?",
        poll=NewPoll(("green", "blue"), 3600),
        idempotency_key="bench-1",
    )
    first = await publish(db, mayor, cmd)
    # When the client sends it again (a retry after a lost response)
    again = await publish(db, mayor, cmd)
    # Then it gets the same status, and nothing was posted twice
    assert isinstance(first, Post)
    assert isinstance(again, Post)
    assert again.id == first.id
    assert await count(db, Post) == 1
    assert await count(db, Poll) == 1
    # And another key posts anew
    other = await publish(db, mayor, PublishStatus("Bench colour?"))
    assert other.id != first.id


async def test_status_scheduled_ahead_is_kept_then_published_by_its_job(db):
    # Given a status scheduled ten minutes ahead, mentioning someone remote
    mayor = await account(db, "mayor")
    resolver = FakeResolver(bob="town.example")
    when = utcnow() + timedelta(minutes=10)
    kept = await publish(
        db,
        mayor,
        PublishStatus(
            "@bob@town.example minutes",
            visibility=Visibility.UNLISTED,
            poll=NewPoll(("yes", "no"), 3600),
            scheduled_at=when,
        ),
        resolver,
    )
    # Then it is a ScheduledStatus, and no post exists yet
    assert isinstance(kept, ScheduledStatus)
    assert kept.params["visibility"] == "unlisted"
    assert kept.params["poll"]["options"] == ["yes", "no"]
    assert await count(db, Post) == 0
    # When its publish_scheduled job runs
    async with db.session() as session:
        job = await session.scalar(
            select(Job).where(Job.kind == JobKind.PUBLISH_SCHEDULED)
        )
        assert job is not None
        post = await publishing.publish_scheduled(
            session, URLS, job.payload, resolve=resolver
        )
    # Then the status is posted as scheduled, mentioning bob as found back then
    assert post is not None
    assert post.visibility == Visibility.UNLISTED
    assert post.object_type == "Question"
    assert 'href="https://town.example/@bob"' in post.content
    assert resolver.asked == [("bob", "town.example")]
    assert await count(db, ScheduledStatus) == 0


async def test_scheduled_time_already_past_posts_at_once(db):
    # Given a time that has passed
    mayor = await account(db, "mayor")
    # When a status is scheduled for it
    done = await publish(
        db,
        mayor,
        PublishStatus("Now", scheduled_at=utcnow() - timedelta(minutes=1)),
    )
    # Then it is posted now, as Mastodon does
    assert isinstance(done, Post)
    assert await count(db, ScheduledStatus) == 0


async def test_edit_resolves_the_new_texts_mentions_and_drops_an_unsent_poll(db):
    # Given a post with a poll
    mayor = await account(db, "mayor")
    post = await publish(
        db, mayor, PublishStatus("Bench?", poll=NewPoll(("green", "blue"), 3600))
    )
    resolver = FakeResolver(bob="town.example")
    # When it is edited to mention bob, without the poll
    async with db.session() as session:
        post = await session.get(Post, post.id)
        await publishing.edit_status(
            session,
            URLS,
            mayor,
            post,
            PublishStatus("Bench? cc @bob@town.example"),
            resolve=resolver,
        )
    # Then bob is found through the resolver and mentioned, and the poll is gone
    assert resolver.asked == [("bob", "town.example")]
    assert await mentioned(db, post) == {"bob"}
    assert await count(db, Poll) == 0
