"""Who follows whom in the city, and how the reader shapes what it reads: its
follows (a few without boosts), a blocked domain, two blocks, five mutes, a list,
three keyword filters (warn and hide) and two followed hashtags. Every remote
account that posts is followed by some local account: that is how its posts came."""

from __future__ import annotations

from datetime import timedelta

from cityseed import FOLLOWED_TAGS, Plan
from citytext import Who

from fedcity.storage.models import (
    AccountDomainBlock,
    Block,
    Filter,
    FilterKeyword,
    ListMember,
    Mute,
    TagFollow,
    UserList,
)


def build(plan: Plan) -> None:
    s, rng, reader = plan.scale, plan.rng, plan.reader
    blocked_domain = plan.domains[-1]
    _silencing(plan, blocked_domain)
    candidates = [
        w
        for w in plan.authors
        if w.id not in plan.silenced and w.domain != blocked_domain
    ]
    local_share = min(len(plan.locals), s.following // 3)
    followed = rng.sample([w for w in candidates if w.local], local_share)
    followed += rng.sample(
        [w for w in candidates if not w.local], s.following - local_share
    )
    for n, target in enumerate(followed):
        # A few follows with reblogs=false keep that account's boosts out of home.
        plan.follow(
            reader,
            target,
            plan.moment(plan.start - timedelta(days=60), plan.start),
            n % 30 != 0,
        )
    plan.followees = followed
    # Everyone who posts here is followed by some local account: that is how
    # their posts arrived.
    for remote in plan.remotes:
        if (reader.id, remote.id) not in plan.follows:
            plan.follow(rng.choice(plan.locals), remote, plan.start - timedelta(days=1))
    for local in plan.locals:
        for target in rng.sample(plan.authors, min(10, len(plan.authors))):
            if target.id != local.id and target.id not in plan.silenced:
                plan.follow(local, target, plan.start - timedelta(days=2))
    _mutes(plan, followed)
    _reader_list(plan, followed)
    _reader_filters(plan)


def _silencing(plan: Plan, blocked_domain: str) -> None:
    reader, rng = plan.reader, plan.rng
    plan.rows[AccountDomainBlock].append(
        {"id": plan.clock.id_at(plan.start), "actor_id": reader.id,
         "domain": blocked_domain, "created_at": plan.start}
    )  # fmt: skip
    plan.silenced |= {w.id for w in plan.remotes if w.domain == blocked_domain}
    for target in rng.sample(plan.remotes[: len(plan.remotes) // 2], 2):
        moment = plan.start
        block_id = plan.clock.id_at(moment)
        plan.rows[Block].append(
            {"id": block_id, "actor_id": reader.id, "target_id": target.id,
             "uri": plan.urls.activity(block_id), "created_at": moment}
        )  # fmt: skip
        plan.silenced.add(target.id)


def _mutes(plan: Plan, followed: list[Who]) -> None:
    followed_ids = {w.id for w in followed}
    others = [
        w
        for w in plan.authors
        if w.id not in followed_ids and w.id not in plan.silenced
    ]
    for target in [*followed[-2:], *plan.rng.sample(others, 3)]:
        plan.rows[Mute].append(
            {"id": plan.clock.id_at(plan.start), "actor_id": plan.reader.id,
             "target_id": target.id, "notifications": True, "expires_at": None,
             "created_at": plan.start}
        )  # fmt: skip
        plan.silenced.add(target.id)


def _reader_list(plan: Plan, followed: list[Who]) -> None:
    moment = plan.start
    list_id = plan.clock.id_at(moment)
    plan.list_id = list_id
    plan.rows[UserList].append(
        {"id": list_id, "actor_id": plan.reader.id, "title": "Neighbours",
         "replies_policy": "list", "exclusive": False, "created_at": moment}
    )  # fmt: skip
    members = followed[:-2]  # not the muted ones (`_mutes`)
    for member in plan.rng.sample(members, plan.scale.list_members):
        plan.rows[ListMember].append(
            {"id": plan.clock.id_at(moment), "list_id": list_id,
             "actor_id": member.id,
             "follow_id": plan.follow_ids[(plan.reader.id, member.id)],
             "created_at": moment}
        )  # fmt: skip


def _reader_filters(plan: Plan) -> None:
    filters = (
        ("Parking", ["home", "public"], "warn", [("parking", True)]),
        ("Roadworks", ["home"], "warn", [("roadworks", True), ("detour", True)]),
        (
            "TV spoilers",
            ["home", "notifications", "public"],
            "hide",
            [("finale", True), ("spoiler", False)],
        ),
    )
    for title, contexts, action, keywords in filters:
        filter_id = plan.clock.id_at(plan.start)
        plan.rows[Filter].append(
            {"id": filter_id, "actor_id": plan.reader.id, "title": title,
             "contexts": contexts, "action": action, "expires_at": None,
             "created_at": plan.start}
        )  # fmt: skip
        for keyword, whole_word in keywords:
            plan.rows[FilterKeyword].append(
                {"id": plan.clock.id_at(plan.start), "filter_id": filter_id,
                 "keyword": keyword, "whole_word": whole_word,
                 "created_at": plan.start}
            )  # fmt: skip
    for name in FOLLOWED_TAGS:
        plan.rows[TagFollow].append(
            {"id": plan.clock.id_at(plan.start), "actor_id": plan.reader.id,
             "tag_id": plan.tag_id(name), "created_at": plan.start}
        )  # fmt: skip
