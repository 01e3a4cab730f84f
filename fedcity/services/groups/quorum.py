"""The quorum guard (issue 13, "Open-meeting laws"): a group knows when its
members include a majority of one public body, a city council or a county board
of supervisors, and, by its `quorum_guard`, says so (`warn`), also refuses
replies and quotes between that body's members (`restrict`), or does nothing
(`off`).

A body is known from its members' verified offices (services.offices.status): a
mayor, vice mayor or council member sits on the city council of the office's
jurisdiction, a county supervisor on the county's board. Candidacies, campaign
accounts, former and unverified offices do not count. A body has the seats its
attestations give (`official verify --seats N`), else `DEFAULT_SEATS`; a quorum is
a majority of them (more than half). The guard informs; it is not legal advice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity import i18n
from fedcity.i18n import N_
from fedcity.services.groups import notices
from fedcity.services.offices.status import views
from fedcity.storage.models import Actor, Group, Post, QuorumGuard
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import groups as q
from fedcity.storage.types import utcnow
from fedcity.urls import Urls

# A council's size when no attestation of it gives one (most California cities').
DEFAULT_SEATS: Final = 5

COUNCIL: Final = "council"
SUPERVISORS: Final = "board_of_supervisors"
# The offices that sit on a body, and the body they sit on.
BODY_OF_ROLE: Final = {
    "mayor": COUNCIL,
    "vice_mayor": COUNCIL,
    "council_member": COUNCIL,
    "county_supervisor": SUPERVISORS,
}
BODY_NAMES: Final = {
    COUNCIL: N_("{place} City Council"),
    SUPERVISORS: N_("{place} Board of Supervisors"),
}

MEMBER_WARNING: Final = N_(
    "With you, {count} of the {seats} seats of {body} are in the group {group}: "
    "a majority of {body}. Open-meeting laws, such as California's Brown Act, may "
    "forbid members of {body} from discussing its business among themselves "
    "outside a public meeting, and so here: reacting to a post (a like) is "
    "allowed, replying to one another is not."
)
MODERATOR_WARNING: Final = N_(
    "{member} joined the group {group}: {count} of the {seats} seats of {body} are "
    "now in it, a majority of {body}. Open-meeting laws, such as California's "
    "Brown Act, may forbid members of {body} from discussing its business among "
    "themselves outside a public meeting, and so here: reacting to a post (a "
    "like) is allowed, replying to one another is not."
)
RESTRICTED: Final = N_(
    "This group refuses replies and quotes between members of {body} while "
    "a majority of its seats are in the group."
)
REFUSAL: Final = N_(
    "Not shared with the group {group}: {count} of the {seats} seats of {body} "
    "are in it, a majority, and the group refuses replies and quotes between "
    "members of {body}, as open-meeting laws may forbid them discussing its "
    "business among themselves. A like is allowed."
)
NOT_ADVICE: Final = N_("This is information, not legal advice.")


@dataclass(frozen=True)
class Body:
    """A public body: `key` is the jurisdiction's OCD id (else its name) and the
    kind of body, "ocd-division/country:us/state:ca/place:ojai#council"."""

    key: str
    kind: str
    place: str  # the jurisdiction's name, "Ojai"
    stated_seats: int | None = None  # as an attestation gives it

    @property
    def seats(self) -> int:
        return self.stated_seats or DEFAULT_SEATS

    def name(self, language: str = i18n.DEFAULT_LANGUAGE) -> str:
        """ "Ojai City Council", in `language`."""
        return i18n.translate(language, BODY_NAMES[self.kind], {"place": self.place})


@dataclass(frozen=True)
class Quorum:
    """How many of a group's members sit on one body."""

    body: Body
    member_ids: tuple[int, ...]

    @property
    def count(self) -> int:
        return len(self.member_ids)

    @property
    def reached(self) -> bool:
        """A majority of the body's seats: 3 of 5, 4 of 7."""
        return self.count > self.body.seats // 2


def bodies_of(actor: Actor, today: date | None = None) -> list[Body]:
    """The bodies on which `actor` holds an office verified `today`, by key."""
    day = today or utcnow().date()
    return sorted(_bodies(actor.offices or [], actor.capacity, day).values(), key=_key)


def _key(body: Body) -> str:
    return body.key


def _bodies(
    offices: list[dict[str, Any]], capacity: str, today: date
) -> dict[str, Body]:
    found: dict[str, Body] = {}
    for view in views(offices, capacity, today):
        kind = BODY_OF_ROLE.get(str(view.summary.get("role")))
        if view.status != "verified" or kind is None:
            continue
        body = _body_of(view.summary, kind)
        if body is not None:
            found[body.key] = _larger(found.get(body.key), body)
    return found


def _body_of(summary: Mapping[str, Any], kind: str) -> Body | None:
    place = summary.get("jurisdiction") or {}
    name = str(place.get("name") or "").strip()
    where = str(place.get("ocd_id") or "") or name.lower()
    if not where:
        return None
    seats = summary.get("seats")
    stated = seats if isinstance(seats, int) and seats > 0 else None
    return Body(f"{where}#{kind}", kind, name or where, stated)


def _larger(known: Body | None, other: Body) -> Body:
    """Of two attestations of one body that disagree on its size, the larger
    stated size (a stated size beats none)."""
    if known is None or (other.stated_seats or 0) > (known.stated_seats or 0):
        return other
    return known


async def quorums(
    session: AsyncSession, group: Group, today: date | None = None
) -> list[Quorum]:
    """For each body any member of `group` sits on, which members (its accepted
    followers, local and remote) do, by body key."""
    day = today or utcnow().date()
    bodies: dict[str, Body] = {}
    seated: dict[str, list[int]] = {}
    for member_id, capacity, offices in await q.list_member_offices(
        session, group.actor_id
    ):
        for key, body in _bodies(offices, capacity, day).items():
            bodies[key] = _larger(bodies.get(key), body)
            seated.setdefault(key, []).append(member_id)
    return [Quorum(bodies[key], tuple(ids)) for key, ids in sorted(seated.items())]


async def warn_on_join(
    session: AsyncSession,
    urls: Urls,
    group: Group,
    group_actor: Actor,
    member: Actor,
    today: date | None = None,
) -> list[Post]:
    """`member` was just accepted into `group`: with the guard on (`warn` or
    `restrict`), for each body of the member's of which the group now holds a
    quorum, the member and the group's moderators hear it from the group, once
    per person and body. Returns the notices sent."""
    if group.quorum_guard == QuorumGuard.OFF:
        return []
    mine = {body.key for body in bodies_of(member, today)}
    if not mine:
        return []
    held = [
        quorum
        for quorum in await quorums(session, group, today)
        if quorum.body.key in mine and quorum.reached and member.id in quorum.member_ids
    ]
    if not held:
        return []
    moderators = [
        moderator
        for moderator in await actor_q.list_group_moderators(session, group.id)
        if moderator.id != member.id
    ]
    sent: list[Post] = []
    for quorum in held:
        warning = _Warning(group, group_actor, quorum, member)
        for recipient in (member, *moderators):
            sent.extend(await warning.tell(session, urls, recipient))
    return sent


@dataclass(frozen=True)
class _Warning:
    """The notice that `group` holds a quorum of `quorum.body`, since `member`
    joined."""

    group: Group
    group_actor: Actor
    quorum: Quorum
    member: Actor

    async def tell(
        self, session: AsyncSession, urls: Urls, recipient: Actor
    ) -> list[Post]:
        about = {"quorum": self.quorum.body.key}
        if await notices.told(session, self.group_actor, recipient, about):
            return []
        language = await notices.language_of(session, recipient)
        post = await notices.send(
            session,
            urls,
            self.group_actor,
            recipient,
            self.text(language, for_member=recipient.id == self.member.id),
            language=language,
            about=about,
        )
        return [post]

    def text(self, language: str, *, for_member: bool) -> str:
        sentences = [MEMBER_WARNING if for_member else MODERATOR_WARNING]
        if self.group.quorum_guard == QuorumGuard.RESTRICT:
            sentences.append(RESTRICTED)
        member = f"{self.member.display_name} ({notices.handle_of(self.member)})"
        fields = {**_fields(language, self.group_actor, self.quorum), "member": member}
        return _sentences(language, [*sentences, NOT_ADVICE], fields)


async def reply_refusal(
    session: AsyncSession,
    group: Group,
    author: Actor,
    parent_author: Actor,
    today: date | None = None,
) -> str | None:
    """Why `group` refuses to relay `author`'s reply to (or quote of) a post by
    `parent_author`, in the author's language; None when it relays it.

    Only a `restrict` guard refuses, and only a reply between two members of one
    body while the group holds a quorum of it (a reply to oneself is no
    discussion among members). Likes are never refused: the relay does not ask."""
    if group.quorum_guard != QuorumGuard.RESTRICT or author.id == parent_author.id:
        return None
    shared = {b.key for b in bodies_of(author, today)} & {
        b.key for b in bodies_of(parent_author, today)
    }
    if not shared:
        return None
    held = next(
        (
            quorum
            for quorum in await quorums(session, group, today)
            if quorum.body.key in shared and quorum.reached
        ),
        None,
    )
    group_actor = await session.get(Actor, group.actor_id)
    if held is None or group_actor is None:
        return None
    language = await notices.language_of(session, author)
    fields = _fields(language, group_actor, held)
    return _sentences(language, [REFUSAL, NOT_ADVICE], fields)


def _fields(language: str, group_actor: Actor, quorum: Quorum) -> dict[str, object]:
    return {
        "group": notices.group_name(group_actor),
        "body": quorum.body.name(language),
        "count": quorum.count,
        "seats": quorum.body.seats,
    }


def _sentences(
    language: str, messages: Iterable[str], fields: Mapping[str, object]
) -> str:
    return " ".join(i18n.translate(language, m, fields) for m in messages)
