"""Who may post in a group, and the `officials` policy after joining (issue 13):
members whose verified office lapsed leave an `officials` group, and are told
why by the group."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from fedcity.jobs.kinds import JobKind
from fedcity.services.groups import membership
from fedcity.services.groups.groups import NewGroup, create_group
from fedcity.services.offices import attestations as offices
from fedcity.services.social import follows
from fedcity.storage.models import Actor, GroupBan, Job
from fedcity.storage.queries.actors import is_follower
from fedcity.storage.types import utcnow
from tests.support.keys import premade_keypair
from tests.support.officials import (
    ISSUER,
    TERM,
    URLS,
    account,
    federated,
    group,
    join,
    notices_to,
    official,
    remote_official,
)

# --- who may post -----------------------------------------------------------------


async def test_may_post_says_why_not(db):
    async with db.session() as session:
        await account(session, "clerk")
        made = await group(session, policy="officials", moderators=("clerk",))
        ana, ben = await official(session, "ana"), await official(session, "ben")
        outsider = await official(session, "olga")
        await join(session, made, ana, ben)
        proposed = await create_group(
            session,
            URLS,
            NewGroup("proposed"),
            premade_keypair(),
            awaiting_approval=True,
        )
        # Then a member may post, and a moderator who never joined too
        assert await membership.may_post(session, made.group, ana) is None
        assert (
            await membership.may_post(session, made.group, made.moderators[0]) is None
        )
        # And the others are told why not
        assert await membership.may_post(session, made.group, outsider) == (
            "Only members of this group may post in it"
        )
        assert await membership.may_post(session, proposed.group, ana) == (
            "This group is waiting for an administrator's approval"
        )
        # A banned member until the ban expires
        ban = GroupBan(group_actor_id=made.actor.id, actor_id=ben.id)
        session.add(ban)
        await session.flush()
        assert await membership.may_post(session, made.group, ben) == (
            "You are banned from this group"
        )
        ban.expires_at = utcnow() - timedelta(minutes=1)
        await session.flush()
        assert await membership.may_post(session, made.group, ben) is None
        # And a member whose office is no longer verified
        assert await membership.may_post(
            session, made.group, ben, date(2100, 1, 1)
        ) == ("Only accounts holding a verified office may post in this group")


# --- lapses -----------------------------------------------------------------------


async def test_a_revoked_office_removes_the_member_from_officials_groups(db):
    async with db.session() as session:
        # Given an officials group with two verified members and an open group
        made = await group(session, policy="officials")
        chat = await group(session, "chat", policy="open")
        ana, ben = await official(session, "ana"), await official(session, "ben")
        await join(session, made, ana, ben)
        await join(session, chat, ana)
        # When ana's office is revoked
        await offices.revoke(session, ISSUER, ana)
        # Then a check of ana's memberships is queued, and when it runs ana is
        # no longer a member of the officials group (still of the open one)
        queued = await session.scalars(
            select(Job).where(Job.kind == JobKind.GROUP_LAPSES)
        )
        assert {"actor_id": ana.id} in [job.payload for job in queued]
        removed = await membership.drop_lapsed(session, URLS, member_id=ana.id)
        assert [a.id for a in removed] == [ana.id]
        assert not await is_follower(session, ana.id, made.actor.id)
        assert await is_follower(session, ben.id, made.actor.id)
        assert await is_follower(session, ana.id, chat.actor.id)
        # And the group told ana why, in a direct post
        (notice,) = await notices_to(session, made, ana)
        assert notice.visibility == "direct"
        assert "no longer a member of the group council" in notice.content


async def test_the_daily_pass_removes_members_whose_term_ended(db):
    async with db.session() as session:
        # Given an officials group with a moderator without office, a local
        # member, and a remote member whose term ends in 2030
        await account(session, "clerk")
        made = await group(session, policy="officials", moderators=("clerk",))
        clerk = made.moderators[0]
        ana = await official(session, "ana")
        carla = remote_official(session, "carla", valid_until="2030-01-01")
        await join(session, made, ana, carla, clerk)
        # Then joining queued the daily pass
        daily = await session.scalars(
            select(Job).where(Job.kind == JobKind.GROUP_LAPSES)
        )
        assert any("day" in job.payload for job in daily)
        # When the daily pass runs after carla's term ended
        removed = await membership.daily_lapse_check(
            session, URLS, today=date(2030, 6, 1)
        )
        # Then carla alone is removed, her server hears Reject, and the group
        # tells her why
        assert [a.id for a in removed] == [carla.id]
        assert not await is_follower(session, carla.id, made.actor.id)
        assert await is_follower(session, ana.id, made.actor.id)
        assert await is_follower(session, clerk.id, made.actor.id)
        (reject,) = await federated(session, "Reject")
        assert reject["follower_id"] == carla.id
        (notice,) = await notices_to(session, made, carla)
        assert notice.source.startswith("@carla@b.example You are no longer")


async def test_the_worker_runs_the_lapse_check_a_revocation_queues(instance):
    # Given a live instance with an officials group and a verified member
    urls = instance.fed.urls
    issuer = offices.Issuer(urls, "City of Ojai")
    async with instance.db.session() as session:
        made = await create_group(
            session, urls, NewGroup("council", policy="officials"), premade_keypair()
        )
        ana = await account(session, "ana", urls)
        claim = offices.Claim("council_member", "Ojai, CA", **TERM)
        await offices.verify(session, issuer, ana, claim)
        await follows.follow(session, urls, ana, made.actor)
    # When the office is revoked and the worker runs
    async with instance.db.session() as session:
        subject = await session.get(Actor, ana.id)
        assert subject is not None
        await offices.revoke(session, issuer, subject)
    await instance.run_jobs()
    # Then ana is no longer a member, and has the group's notice
    async with instance.db.session() as session:
        assert not await is_follower(session, ana.id, made.actor.id)
        assert len(await notices_to(session, made, ana)) == 1
