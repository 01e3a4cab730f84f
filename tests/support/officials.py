"""Officials and groups for the service tests of groups (issue 13): local
accounts holding offices this instance verified, a remote official as this
instance received it, groups, joining them, and what the group told whom."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.jobs.kinds import JobKind
from fedcity.services.accounts.accounts import NewLocalAccount, create_local_account
from fedcity.services.groups.groups import GroupView, NewGroup, create_group
from fedcity.services.offices import attestations as offices
from fedcity.services.social import follows
from fedcity.storage.models import Actor, Job, Post
from fedcity.storage.queries.posts import list_mentioned_actors
from fedcity.urls import Urls
from tests.support.keys import premade_keypair

URLS = Urls("http://city.example")
ISSUER = offices.Issuer(URLS, "City of Ojai")
TERM = {"term_start": date(2024, 12, 1), "term_end": date(2099, 12, 1)}


URLS = Urls("http://city.example")
ISSUER = offices.Issuer(URLS, "City of Ojai")
OJAI = "ocd-division/country:us/state:ca/place:ojai#council"
TERM = {"term_start": date(2024, 12, 1), "term_end": date(2099, 12, 1)}


async def account(session: AsyncSession, name: str, urls: Urls = URLS) -> Actor:
    return await create_local_account(
        session, urls, NewLocalAccount(name, "correct horse battery"), premade_keypair()
    )


async def official(
    session: AsyncSession,
    name: str,
    role: str = "council_member",
    place: str = "Ojai, CA",
    **claim: Any,
) -> Actor:
    """A local account holding an office this instance verified."""
    actor = await account(session, name)
    await offices.verify(
        session, ISSUER, actor, offices.Claim(role, place, **{**TERM, **claim})
    )
    return actor


async def running(session: AsyncSession, name: str) -> Actor:
    """A local account attested as a candidate for Ojai's council."""
    actor = await account(session, name)
    claim = offices.Claim(
        "candidate",
        "Ojai, CA",
        seeking="council_member",
        election_date=date(2099, 11, 3),
    )
    await offices.verify(session, ISSUER, actor, claim)
    return actor


def remote_official(
    session: AsyncSession, name: str, valid_until: str = "2099-12-01"
) -> Actor:
    """A remote council member of Ojai, its office as this instance received and
    checked it (`actors.offices`)."""
    actor = Actor(
        uri=f"https://b.example/users/{name}",
        username=name,
        domain="b.example",
        actor_type="Person",
        inbox_uri=f"https://b.example/users/{name}/inbox",
        display_name=name.title(),
        capacity="official",
        offices=[
            {
                "kind": "office",
                "role": "council_member",
                "title": "Council Member of Ojai",
                "jurisdiction": {
                    "name": "Ojai",
                    "state": "CA",
                    "ocd_id": "ocd-division/country:us/state:ca/place:ojai",
                },
                "seats": None,
                "valid_from": "2024-12-01",
                "valid_until": valid_until,
                "issuer": "https://league.example/actor",
                "attestation": f"https://league.example/attestations/{name}",
                "check_status": "verified",
                "reason": None,
            }
        ],
    )
    session.add(actor)
    return actor


async def group(session: AsyncSession, name: str = "council", **kw: Any) -> GroupView:
    return await create_group(
        session, URLS, NewGroup(name, visibility="members", **kw), premade_keypair()
    )


async def join(session: AsyncSession, made: GroupView, *members: Actor) -> None:
    for member in members:
        if member.is_local:
            await follows.follow(session, URLS, member, made.actor)
        else:
            await session.flush()
            uri = f"{member.uri}/follows/{made.actor.username}"
            await follows.receive_follow(session, URLS, member, made.actor, uri)


async def notices_to(session: AsyncSession, made: GroupView, who: Actor) -> list[Post]:
    """The group's direct posts that mention `who`."""
    posts = await session.scalars(
        select(Post).where(Post.actor_id == made.actor.id).order_by(Post.id)
    )
    return [
        post
        for post in posts
        if who.id in {a.id for a in await list_mentioned_actors(session, post.id)}
    ]


async def federated(session: AsyncSession, verb: str) -> list[dict[str, Any]]:
    jobs = await session.scalars(select(Job).where(Job.kind == JobKind.FEDERATE))
    return [job.payload for job in jobs if job.payload.get("verb") == verb]
