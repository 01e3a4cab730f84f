"""Instance-wide domain policy in the database: the config's seed applies once,
every change moves the version processes poll, a suspension queues the purge
that removes the domain's actors and what hangs on them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fedcity.errors import Unprocessable
from fedcity.jobs.kinds import JobKind
from fedcity.services.instance import domain_policies as policies
from fedcity.services.instance.domain_purge import purge_domain_batch
from fedcity.storage.db import Database
from fedcity.storage.models import Actor, Follow, FollowState, Job
from fedcity.urls import Urls
from tests.support.accounts import local_account

OWN = "league.example"


async def test_the_config_seed_is_applied_once(db: Database):
    # Given blocked_domains seeded, then unblocked by an operator
    async with db.session() as session:
        await policies.seed_config_blocks(session, ["spam.example"])
        await policies.unblock_domain(session, by=None, domain="spam.example")
        # When the next start seeds the same list plus a new domain
        await policies.seed_config_blocks(session, ["spam.example", "new.example"])
        # Then only the new domain is blocked
        blocked = [b.domain for b in await policies.list_blocks(session)]
    assert blocked == ["new.example"]


async def test_every_change_moves_the_version_and_shows_in_the_snapshot(db: Database):
    async with db.session() as session:
        before = await policies.policy_version(session)
        await policies.allow_domain(session, "City.Example", own=OWN, by=None)
        await policies.block_domain(
            session,
            "quiet.example",
            policies.BlockChanges(severity="silence"),
            own=OWN,
            by=None,
        )
        snapshot = await policies.load_policy(session, own=OWN, mode="allowlist")
    assert snapshot.version == before + 2
    assert snapshot.is_allowed("https://city.example/users/a")
    assert snapshot.silences("https://quiet.example/users/b")


async def test_own_domain_and_bad_severities_are_refused(db: Database):
    async with db.session() as session:
        with pytest.raises(Unprocessable):
            await policies.block_domain(
                session, OWN, policies.BlockChanges(), own=OWN, by=None
            )
        with pytest.raises(Unprocessable):
            await policies.block_domain(
                session,
                "x.example",
                policies.BlockChanges(severity="banish"),
                own=OWN,
                by=None,
            )


async def test_a_suspension_purges_the_domains_actors_and_follows(db: Database):
    # Given a local account followed by an actor of spam.example
    me = await local_account(db, Urls(f"https://{OWN}"), "mayor")
    async with db.session() as session:
        spammer = Actor(
            uri="https://m.spam.example/users/x",
            username="x",
            domain="m.spam.example",
            actor_type="Person",
        )
        session.add(spammer)
        await session.flush()
        session.add(
            Follow(
                actor_id=spammer.id,
                target_id=me.id,
                state=FollowState.ACCEPTED,
                uri="https://m.spam.example/follows/1",
            )
        )
        # When spam.example is suspended
        await policies.block_domain(
            session, "spam.example", policies.BlockChanges(), own=OWN, by=None
        )
        queued = await session.scalar(
            select(func.count()).where(Job.kind == JobKind.PURGE_DOMAIN.value)
        )
        more = await purge_domain_batch(session, "spam.example")
        # Then the purge was queued, and removes the actor and its follow
        assert queued == 1
        assert more is False
        assert await session.get(Actor, spammer.id, populate_existing=True) is None
        assert await session.scalar(select(func.count(Follow.id))) == 0
