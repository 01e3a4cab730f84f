"""The quorum guard (issue 13, "Open-meeting laws"): which bodies a member sits
on, when a group holds a quorum of one, the warnings the group sends, and the
replies `restrict` refuses."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from fedcity.services.groups.quorum import (
    Body,
    Quorum,
    bodies_of,
    quorums,
    reply_refusal,
)
from fedcity.services.offices import attestations as offices
from fedcity.services.social import follows
from fedcity.storage.models import Notification
from fedcity.storage.queries.posts import list_mentioned_actors
from tests.support.officials import (
    ISSUER,
    TERM,
    account,
    federated,
    group,
    join,
    notices_to,
    official,
    remote_official,
    running,
)

OJAI = "ocd-division/country:us/state:ca/place:ojai#council"


# --- bodies and quorums -----------------------------------------------------------


async def test_a_body_is_a_verified_office_on_a_council_or_board(db):
    async with db.session() as session:
        # Given a mayor who is also attested as a council member of Ojai (7
        # seats), a county supervisor, a city manager, and a candidate
        mayor = await official(session, "mayor", "mayor", seats=7)
        await offices.verify(
            session, ISSUER, mayor, offices.Claim("council_member", "Ojai, CA", **TERM)
        )
        supervisor = await official(
            session, "sup", "county_supervisor", "Ventura County, CA"
        )
        manager = await official(session, "manager", "city_manager")
        candidate = await running(session, "hopeful")
    # Then the mayor sits once on Ojai's council, with its stated seats
    assert [(b.key, b.seats, b.name()) for b in bodies_of(mayor)] == [
        (OJAI, 7, "Ojai City Council")
    ]
    assert [b.name() for b in bodies_of(supervisor)] == [
        "Ventura County Board of Supervisors"
    ]
    assert bodies_of(supervisor)[0].seats == 5  # the default
    # And a city manager and a candidate sit on no body
    assert bodies_of(manager) == []
    assert bodies_of(candidate) == []
    # And a former office does not count
    assert bodies_of(mayor, date(2100, 1, 1)) == []


def test_a_quorum_is_a_majority_of_the_seats():
    five = Body(OJAI, "council", "Ojai")
    seven = Body(OJAI, "council", "Ojai", 7)
    assert not Quorum(five, (1, 2)).reached
    assert Quorum(five, (1, 2, 3)).reached
    assert not Quorum(seven, (1, 2, 3)).reached
    assert Quorum(seven, (1, 2, 3, 4)).reached


async def test_quorums_count_local_and_remote_members_but_not_candidates(db):
    async with db.session() as session:
        # Given a public group without a guard, joined by two of Ojai's council
        made = await group(session, "housing", quorum_guard="off")
        ana, ben = await official(session, "ana"), await official(session, "ben")
        hopeful = await running(session, "hopeful")
        await join(session, made, ana, ben, hopeful)
        # Then two of five is no quorum, and the candidate is not counted
        (two,) = await quorums(session, made.group)
        assert (two.body.key, two.count, two.reached) == (OJAI, 2, False)
        # When a remote council member joins
        carla = remote_official(session, "carla")
        await join(session, made, carla)
        # Then three of five is a quorum
        (three,) = await quorums(session, made.group)
        assert (three.count, three.reached) == (3, True)
        assert set(three.member_ids) == {ana.id, ben.id, carla.id}


# --- warn -------------------------------------------------------------------------


async def test_warn_tells_the_joining_member_and_the_moderators_once(db):
    async with db.session() as session:
        # Given a members group with the guard on `warn`, a moderator, and two
        # council members of Ojai in it (no quorum: nobody is told)
        await account(session, "clerk")
        made = await group(session, quorum_guard="warn", moderators=("clerk",))
        clerk = made.moderators[0]
        ana, ben = await official(session, "ana"), await official(session, "ben")
        await join(session, made, ana, ben)
        assert await notices_to(session, made, clerk) == []
        # When a third, remote, council member joins
        carla = remote_official(session, "carla")
        await join(session, made, carla)
        # Then the group sends carla and the moderator a direct post, mentioning
        # only its recipient, that names the body and says what it means
        (to_carla,) = await notices_to(session, made, carla)
        (to_clerk,) = await notices_to(session, made, clerk)
        for post in (to_carla, to_clerk):
            assert post.visibility == "direct"
            assert post.actor_id == made.actor.id
            assert "3 of the 5 seats of Ojai City Council" in post.content
            assert "replying to one another is not" in post.content
            assert "information, not legal advice" in post.content
            mentioned = await list_mentioned_actors(session, post.id)
            assert len(mentioned) == 1
        assert to_carla.source.startswith("@carla@b.example With you, 3 of")
        assert "Carla (carla@b.example) joined" in to_clerk.source
        # And each goes out as a Create (carla's to her server), and the
        # moderator has a mention notification
        created = {p["post_id"] for p in await federated(session, "Create")}
        assert {to_carla.id, to_clerk.id} <= created
        assert await session.scalar(
            select(Notification.id).where(
                Notification.recipient_id == clerk.id,
                Notification.post_id == to_clerk.id,
                Notification.type == "mention",
            )
        )
        # And the first two members were not told
        assert await notices_to(session, made, ana) == []
        # When carla leaves and joins again, and a fourth member joins
        await follows.receive_undo_follow(session, carla, made.actor)
        await join(session, made, carla)
        dan = await official(session, "dan")
        await join(session, made, dan)
        # Then carla and the moderator are not told again; dan is told once
        assert len(await notices_to(session, made, carla)) == 1
        assert len(await notices_to(session, made, clerk)) == 1
        (to_dan,) = await notices_to(session, made, dan)
        assert "4 of the 5 seats" in to_dan.content


async def test_restrict_warns_that_replies_are_refused_and_off_says_nothing(db):
    async with db.session() as session:
        strict = await group(session, "strict", quorum_guard="restrict")
        quiet = await group(session, "quiet", quorum_guard="off")
        members = [await official(session, name) for name in ("ana", "ben", "cy")]
        await join(session, strict, *members)
        await join(session, quiet, *members)
        (warning,) = await notices_to(session, strict, members[2])
        assert "This group refuses replies and quotes" in warning.content
        assert await notices_to(session, quiet, members[2]) == []


# --- restrict ---------------------------------------------------------------------


async def test_restrict_refuses_a_reply_between_members_of_a_body_in_quorum(db):
    async with db.session() as session:
        # Given three of Ojai's council and a Fillmore council member, in a
        # `restrict` group, a `warn` group and an `off` group
        ana, ben, cy = [await official(session, n) for n in ("ana", "ben", "cy")]
        fay = await official(session, "fay", place="Fillmore, CA")
        guarded = {}
        for guard in ("restrict", "warn", "off"):
            guarded[guard] = await group(session, guard, quorum_guard=guard)
            await join(session, guarded[guard], ana, ben, cy, fay)
        strict = guarded["restrict"].group
        # Then a reply from one of Ojai's council to another is refused, naming
        # the body
        reason = await reply_refusal(session, strict, ana, ben)
        assert reason is not None
        assert "3 of the 5 seats of Ojai City Council" in reason
        assert "A like is allowed" in reason
        # But not a reply to a member of another body, nor to oneself
        assert await reply_refusal(session, strict, ana, fay) is None
        assert await reply_refusal(session, strict, fay, ana) is None
        assert await reply_refusal(session, strict, ana, ana) is None
        # Nor with `warn` or `off`
        for guard in ("warn", "off"):
            assert await reply_refusal(session, guarded[guard].group, ana, ben) is None
        # Nor once the group holds no quorum any more
        await follows.unfollow(session, cy, guarded["restrict"].actor)
        assert await reply_refusal(session, strict, ana, ben) is None
