"""What a `federate` job publishes: the verb, declared once with its payload.

Services enqueue through `enqueue_federate` with a typed payload; the stored JSON
is `{"verb": …, **fields}` exactly as before, so rows queued by an older release
still run. `federation/outbox/` registers one builder per verb.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.jobs.kinds import Declared, JobKind
from fedcity.jobs.queue import enqueue


@dataclass(frozen=True)
class PostRef:
    post_id: int


@dataclass(frozen=True)
class FollowRef:
    follow_id: int


@dataclass(frozen=True)
class FavouriteRef:
    favourite_id: int


@dataclass(frozen=True)
class BlockRef:
    block_id: int


@dataclass(frozen=True)
class ActorRef:
    actor_id: int


@dataclass(frozen=True)
class PollRef:
    poll_id: int


@dataclass(frozen=True)
class VoteRef:
    vote_id: int


@dataclass(frozen=True)
class ReportRef:
    report_id: int


@dataclass(frozen=True)
class AttestationRef:
    attestation_id: int


# The Undo and Reject payloads carry the undone activity's id: its row is gone by
# the time the job runs.
@dataclass(frozen=True)
class FollowRejected:
    actor_id: int  # the local account that refuses
    follower_id: int
    follow_uri: str


@dataclass(frozen=True)
class FollowUndone:
    actor_id: int
    target_id: int
    follow_uri: str


@dataclass(frozen=True)
class LikeUndone:
    actor_id: int
    post_id: int
    like_uri: str


@dataclass(frozen=True)
class BlockUndone:
    actor_id: int
    target_id: int
    block_uri: str


@dataclass(frozen=True)
class ApplicationRef:
    """An "I'm applying" mark on a funding opportunity (a `Join` of it)."""

    application_id: int


@dataclass(frozen=True)
class ApplicationUndone:
    """A mark taken back: its row is gone; its id names the `Join` undone."""

    application_id: int
    account_id: int
    item_id: int


@dataclass(frozen=True)
class GroupRelay:
    """A group announces a member's activity to its followers (FEP-1b12).

    A local member's activity is named by `activity` ("Create", "Update",
    "Delete" or "Like") and `post_id` (with `favourite_id` for a Like): the builder
    renders it. A remote member's activity comes as received (`document`), to be
    announced as it is."""

    group_actor_id: int
    activity: str
    post_id: int | None = None
    document: dict[str, Any] | None = None
    favourite_id: int | None = None


@dataclass(frozen=True)
class GroupBanRef:
    ban_id: int


@dataclass(frozen=True)
class GroupBanUndone:
    """A group's ban lifted: its row is gone, the Undo names the Block sent."""

    group_actor_id: int
    actor_id: int
    block_uri: str


@dataclass(frozen=True)
class GroupPostRef:
    group_post_id: int


@dataclass(frozen=True)
class GroupThreadAction:
    """A moderator locked, unlocked, pinned or unpinned a group's thread. `stamp`
    (milliseconds) is when it was locked or pinned: it names the activities, so
    that an Undo(Lock) names the Lock it undoes."""

    thread_id: int
    moderator_id: int
    stamp: int


class Verb(Declared):
    """An outbound activity; the value is the `verb` stored in the job's payload."""

    payload: type[Any]

    def __init__(self, *declared: Any) -> None:
        _, self.payload = declared  # (value, payload); the value is set by __new__

    CREATE = "Create", PostRef
    UPDATE = "Update", PostRef
    DELETE = "Delete", PostRef
    ANNOUNCE = "Announce", PostRef
    UNDO_ANNOUNCE = "UndoAnnounce", PostRef
    FOLLOW = "Follow", FollowRef
    ACCEPT = "Accept", FollowRef
    REJECT = "Reject", FollowRejected
    UNDO_FOLLOW = "UndoFollow", FollowUndone
    LIKE = "Like", FavouriteRef
    UNDO_LIKE = "UndoLike", LikeUndone
    BLOCK = "Block", BlockRef
    UNDO_BLOCK = "UndoBlock", BlockUndone
    UPDATE_ACTOR = "UpdateActor", ActorRef
    UPDATE_POLL = "UpdatePoll", PollRef
    VOTE = "Vote", VoteRef
    FLAG = "Flag", ReportRef
    DELETE_ACTOR = "DeleteActor", ActorRef  # a local account suspended
    # An attestation of a remote account: sent to its instance, and revoked.
    ATTEST = "Attest", AttestationRef
    REVOKE_ATTESTATION = "RevokeAttestation", AttestationRef
    # "I'm applying" for a funding opportunity, and taken back (services.library
    # .applying): a Join of its Article, and the Undo.
    APPLY = "Apply", ApplicationRef
    UNDO_APPLY = "UndoApply", ApplicationUndone
    # A group relays a member's activity (services.groups.relay).
    GROUP_RELAY = "GroupRelay", GroupRelay
    # A group's moderators act (services.groups.moderation, members): a ban is a
    # Block from the group; removals, locks and pins are the moderator's Delete,
    # Lock and Add/Remove, announced by the group.
    GROUP_BAN = "GroupBan", GroupBanRef
    GROUP_UNBAN = "GroupUnban", GroupBanUndone
    GROUP_REMOVE_POST = "GroupRemovePost", GroupPostRef
    GROUP_LOCK = "GroupLock", GroupThreadAction
    GROUP_UNLOCK = "GroupUnlock", GroupThreadAction
    GROUP_PIN = "GroupPin", GroupThreadAction
    GROUP_UNPIN = "GroupUnpin", GroupThreadAction


def federate_payload(verb: Verb, payload: object) -> dict[str, Any]:
    """The stored form of a `federate` job: `{"verb": …, **fields}`.

    Raises:
        TypeError: `payload` is not the type `verb` declares.
    """
    if type(payload) is not verb.payload:
        raise TypeError(f"{verb} takes {verb.payload.__name__}, not {payload!r}")
    return {"verb": verb.value, **asdict(payload)}  # type: ignore[call-overload]


def read_federate_payload(stored: dict[str, Any]) -> tuple[Verb, Any]:
    """The verb and typed payload of a stored `federate` job.

    Raises:
        ValueError: an unknown verb. TypeError: a field is missing.
    """
    verb = Verb(stored["verb"])
    names = {field.name for field in fields(verb.payload)}
    return verb, verb.payload(**{k: v for k, v in stored.items() if k in names})


async def enqueue_federate(
    session: AsyncSession, verb: Verb, payload: object, **kw: Any
) -> None:
    """Queue a `federate` job in the caller's transaction: the worker renders the
    activity and plans its deliveries, so the request never waits for fan-out.
    `kw` are `enqueue`'s (`dedupe_key`, `run_at`)."""
    await enqueue(session, JobKind.FEDERATE, federate_payload(verb, payload), **kw)
