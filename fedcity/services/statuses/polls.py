"""Polls: attaching one to a local post, voting, remote polls, and closing.

A poll here is **non-binding sentiment**: any fediverse account that can see the
post may vote, and nothing proves that a voter lives in the city. The rules follow
Mastodon's (PollValidator, VoteValidator) so that clients behave as they expect.
Side effects go out as jobs: `federate` "UpdatePoll" (new counts, debounced) and
"Vote" (a local vote in a remote poll), and `close_poll` at the poll's end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound, Unprocessable
from fedcity.ids import new_id
from fedcity.jobs.kinds import JobKind
from fedcity.jobs.queue import enqueue
from fedcity.jobs.verbs import PollRef, Verb, VoteRef, enqueue_federate
from fedcity.services.limits import (
    MAX_POLL_EXPIRATION,
    MAX_POLL_OPTION_CHARACTERS,
    MAX_POLL_OPTIONS,
    MIN_POLL_EXPIRATION,
)
from fedcity.services.notifications.notify import notify
from fedcity.services.statuses import custom_emojis, search_index
from fedcity.services.statuses.visibility import can_view
from fedcity.storage.models import (
    Actor,
    NotificationType,
    Poll,
    PollVote,
    Post,
)
from fedcity.storage.queries import polls as q
from fedcity.storage.types import utcnow

# At most one Update{Question} per poll per this many seconds (Mastodon waits 3 min).
UPDATE_DEBOUNCE_SECONDS = 60


@dataclass(frozen=True)
class NewPoll:
    options: tuple[str, ...]
    expires_in: int
    multiple: bool = False
    hide_totals: bool = False


@dataclass(frozen=True)
class RemotePollData:
    """A `Question`'s poll, read by federation.parse."""

    options: tuple[str, ...]
    votes_counts: tuple[int, ...]
    multiple: bool
    expires_at: datetime | None
    closed_at: datetime | None
    voters_count: int | None


@dataclass(frozen=True)
class RemoteVoteData:
    """A vote `Note` (name = the option's title, inReplyTo = the Question)."""

    uri: str
    question_uri: str
    title: str


def check_new_poll(cmd: NewPoll) -> None:
    """Mastodon's PollValidator.

    Raises:
        Unprocessable: too few or many options, long or duplicate ones, bad duration.
    """
    if len(cmd.options) < 2:
        raise Unprocessable(
            "Validation failed: Poll options must have more than one item"
        )
    if len(cmd.options) > MAX_POLL_OPTIONS:
        raise Unprocessable(
            "Validation failed: Poll options can't contain more than {limit} items",
            limit=MAX_POLL_OPTIONS,
        )
    if any(len(o) > MAX_POLL_OPTION_CHARACTERS or not o.strip() for o in cmd.options):
        raise Unprocessable(
            "Validation failed: Poll options cannot be longer than {limit} "
            "characters each",
            limit=MAX_POLL_OPTION_CHARACTERS,
        )
    if len(set(cmd.options)) != len(cmd.options):
        raise Unprocessable("Validation failed: Poll options contain duplicate items")
    if cmd.expires_in > MAX_POLL_EXPIRATION:
        raise Unprocessable(
            "Validation failed: Poll expires at is too far into the future"
        )
    if cmd.expires_in < MIN_POLL_EXPIRATION:
        raise Unprocessable("Validation failed: Poll expires at is too soon")


def is_expired(poll: Poll, now: datetime | None = None) -> bool:
    if poll.closed_at is not None:
        return True
    return poll.expires_at is not None and poll.expires_at <= (now or utcnow())


async def attach_poll(session: AsyncSession, post: Post, cmd: NewPoll) -> Poll:
    """Make a new local post a `Question` and schedule the poll's closing.

    Call it in the transaction that created the post, before the commit, so that
    the post's `federate` Create job renders the poll.
    """
    check_new_poll(cmd)
    existing = await q.get_poll_by_post_id(session, post.id)
    if existing is not None:
        return existing  # an Idempotency-Key replay returned the earlier post
    post.object_type = "Question"
    poll = Poll(
        id=new_id(),
        post_id=post.id,
        options=list(cmd.options),
        votes_counts=[0] * len(cmd.options),
        multiple=cmd.multiple,
        hide_totals=cmd.hide_totals,
        voters_count=0,
        expires_at=utcnow() + timedelta(seconds=cmd.expires_in),
    )
    session.add(poll)
    await session.flush()
    await search_index.refresh(session, post)
    await refresh_emojis(session, post, poll)
    await _schedule_close(session, poll)
    return poll


async def refresh_emojis(session: AsyncSession, post: Post, poll: Poll) -> None:
    """A local post's custom emoji, its poll's options included (Mastodon shows
    them in the options too)."""
    texts = [post.source, post.spoiler_text, *poll.options]
    post.emojis = await custom_emojis.local_refs(session, texts)


async def get_visible_poll(
    session: AsyncSession, viewer: Actor | None, poll_id: int
) -> tuple[Poll, Post]:
    """The poll and its post, if the viewer may see the post.

    Raises:
        NotFound: no such poll, or its post is deleted or not visible.
    """
    poll = await q.get_poll_by_id(session, poll_id)
    post = await session.get(Post, poll.post_id) if poll else None
    if poll is None or post is None or not await can_view(session, viewer, post):
        raise NotFound("Record not found")
    return poll, post


async def vote(
    session: AsyncSession, voter: Actor, poll: Poll, post: Post, choices: Sequence[int]
) -> list[PollVote]:
    """A local account votes (Mastodon's VoteService and VoteValidator). In a
    multiple-choice poll a later vote adds choices not yet made; the voter still
    counts once.

    Raises:
        Unprocessable: ended, own poll, no such option, or already voted: for any
            earlier vote in a single-choice poll (and for several choices at once
            there), for a choice already made in a multiple-choice one, as Mastodon.
    """
    if is_expired(poll):
        raise Unprocessable("Validation failed: The poll has already ended")
    if not choices or any(c < 0 or c >= len(poll.options) for c in choices):
        raise Unprocessable("Validation failed: The chosen vote option does not exist")
    if post.actor_id == voter.id:
        raise Unprocessable("Validation failed: You cannot vote in your own polls")
    already = (await q.list_own_votes(session, voter.id, [poll.id])).get(poll.id, [])
    made = [*already, *choices]
    if len(set(made)) != len(made) or (not poll.multiple and len(made) > 1):
        raise Unprocessable("Validation failed: You have already voted on this poll")
    votes = []
    for choice in choices:
        vote_id = new_id()
        votes.append(
            _add_vote(
                session, poll, voter, choice, f"{voter.uri}#votes/{vote_id}", vote_id
            )
        )
    if not already:
        _count_voter(poll)
    await session.flush()
    if post.local:
        await _schedule_update(session, poll)
        return votes
    for row in votes:  # one Create{Note} per choice, to the poll's author
        await enqueue_federate(session, Verb.VOTE, VoteRef(row.id))
    await _schedule_close(session, poll)  # to tell the voter when it ends
    return votes


async def receive_remote_vote(
    session: AsyncSession, voter: Actor, poll: Poll, post: Post, data: RemoteVoteData
) -> PollVote | None:
    """A remote account's vote Note in a local poll; None if not counted.

    Mastodon ignores rather than rejects: late votes, a second vote in a
    single-choice poll, a repeated choice, a replay, or a voter who may not see
    the post are dropped.
    """
    title, uri = data.title, data.uri
    if not post.local or is_expired(poll) or title not in poll.options:
        return None
    if not await can_view(session, voter, post):
        return None
    if await q.get_vote_by_uri(session, uri) is not None:
        return None
    choice = poll.options.index(title)
    previous = (await q.list_own_votes(session, voter.id, [poll.id])).get(poll.id, [])
    if choice in previous or (previous and not poll.multiple):
        return None
    row = _add_vote(session, poll, voter, choice, uri, new_id())
    if not previous:
        _count_voter(poll)
    await session.flush()
    await _schedule_update(session, poll)
    return row


def _add_vote(
    session: AsyncSession, poll: Poll, voter: Actor, choice: int, uri: str, vote_id: int
) -> PollVote:
    row = PollVote(
        id=vote_id, poll_id=poll.id, actor_id=voter.id, choice=choice, uri=uri
    )
    session.add(row)
    counts = list(poll.votes_counts)  # a new list, so the JSON column is saved
    counts[choice] += 1
    poll.votes_counts = counts
    return row


def _count_voter(poll: Poll) -> None:
    if poll.voters_count is not None:
        poll.voters_count += 1


async def store_remote_poll(
    session: AsyncSession, post: Post, data: RemotePollData
) -> Poll:
    """Create or refresh a remote post's poll from its `Question` (counts included).

    Changed options mean the author edited the poll: local votes are dropped, as
    Mastodon resets votes on such an edit.
    """
    poll = await q.get_poll_by_post_id(session, post.id)
    if poll is None:
        poll = Poll(id=new_id(), post_id=post.id)
        session.add(poll)
    elif list(poll.options) != list(data.options):
        await session.execute(delete(PollVote).where(PollVote.poll_id == poll.id))
    poll.options = list(data.options)
    poll.votes_counts = list(data.votes_counts)
    poll.multiple = data.multiple
    poll.expires_at = data.expires_at
    poll.closed_at = data.closed_at
    poll.voters_count = data.voters_count
    poll.fetched_at = utcnow()
    await session.flush()
    await search_index.refresh(session, post)
    return poll


async def close_poll(session: AsyncSession, poll_id: int) -> bool:
    """At a poll's end: mark a local poll closed, send its final counts, and notify
    local voters (and a local author) with a "poll" notification. Runs once per
    poll (the `close_poll` job is deduplicated); False if there was nothing to do.
    """
    poll = await q.get_poll_by_id(session, poll_id)
    post = await session.get(Post, poll.post_id) if poll else None
    if poll is None or post is None or post.deleted_at is not None:
        return False
    if not is_expired(poll):
        return False  # never early: the job's run_at is the poll's end
    author = await session.get(Actor, post.actor_id)
    assert author is not None
    if post.local and poll.closed_at is None:
        poll.closed_at = utcnow()
        await enqueue_federate(
            session,
            Verb.UPDATE_POLL,
            PollRef(poll.id),
            dedupe_key=f"poll-final:{poll.id}",
        )
    recipients = await q.list_voters(session, poll.id, local=True)
    if author.is_local:
        recipients.append(author)
    for recipient in recipients:
        # notify lets a poll's end reach its own author too, as Mastodon does.
        await notify(session, recipient, author, NotificationType.POLL, post.id)
    return True


async def _schedule_close(session: AsyncSession, poll: Poll) -> None:
    if poll.expires_at is None:
        return
    await enqueue(
        session,
        JobKind.CLOSE_POLL,
        {"poll_id": poll.id},
        dedupe_key=f"close_poll:{poll.id}",
        run_at=poll.expires_at,
    )


async def _schedule_update(session: AsyncSession, poll: Poll) -> None:
    """Debounced Update{Question}: one job per poll per window, run at the window's
    end, rendering the counts of that moment. Hidden totals wait for the end."""
    if poll.hide_totals:
        return
    window = int(utcnow().timestamp()) // UPDATE_DEBOUNCE_SECONDS
    run_at = datetime.fromtimestamp((window + 1) * UPDATE_DEBOUNCE_SECONDS, UTC)
    await enqueue_federate(
        session,
        Verb.UPDATE_POLL,
        PollRef(poll.id),
        dedupe_key=f"poll-update:{poll.id}:{window}",
        run_at=run_at,
    )
