"""Polls on the wire: votes and Questions received, counts and votes sent.

Mastodon's conventions (https://docs.joinmastodon.org/spec/activitypub/#Question):
a poll is a `Question` with `oneOf`/`anyOf` options; a vote is a `Create` of a
`Note` whose `name` is the option's title, `inReplyTo` the Question, sent to the
poll's author only; the author's server then sends `Update{Question}` with the
new counts to followers and to the voters' servers.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.federation.context import Federation
from fedcity.federation.dispatch import Inbound
from fedcity.federation.outbox.publish import Outgoing, builds
from fedcity.federation.outbox.statuses import build_update
from fedcity.federation.parse.statuses import parse_question, parse_vote
from fedcity.federation.render.statuses import render_vote
from fedcity.federation.vocab import Document
from fedcity.ids import new_id
from fedcity.jobs.verbs import PollRef, PostRef, Verb, VoteRef
from fedcity.services.statuses import polls
from fedcity.services.statuses.remote_posts import RemotePostData
from fedcity.storage.models import Actor, Poll, PollVote, Post
from fedcity.storage.queries import polls as poll_q
from fedcity.storage.queries import posts as post_q

log = logging.getLogger(__name__)


# --- received --------------------------------------------------------------------


async def apply_vote(inbound: Inbound, doc: Document) -> bool:
    """If `doc` (a created Note) is a vote in one of our polls, count it.

    True when it answered a local poll with one of its options: it is then a vote
    (counted, or dropped by the rules), never stored as a reply.
    """
    data = parse_vote(doc)
    if data is None:
        return False
    session = inbound.session
    post = await post_q.get_post_by_uri(session, data.question_uri)
    if post is None or not post.local or post.deleted_at is not None:
        return False
    poll = await poll_q.get_poll_by_post_id(session, post.id)
    if poll is None or data.title not in poll.options:
        return False
    row = await polls.receive_remote_vote(session, inbound.actor, poll, post, data)
    log.info(
        "vote in poll %s from %s %s",
        poll.id,
        inbound.actor.uri,
        "counted" if row else "dropped",
        extra={"activity_id": inbound.activity.get("id"), "actor": inbound.actor.uri},
    )
    return True


async def store_question(session: AsyncSession, post: Post, doc: Document) -> None:
    """Keep a remote `Question`'s poll (options, counts, end) beside its post."""
    data = parse_question(doc)
    if data is not None:
        await polls.store_remote_poll(session, post, data)


async def refresh_question(
    inbound: Inbound, post: Post, doc: Document, data: RemotePostData
) -> bool:
    """An Update of the sender's own Question refreshes its poll. True when it is
    not an edit (Mastodon sends new counts without a newer `updated`, and the text
    is the same): then no edit is recorded."""
    if post.object_type != "Question" or post.actor_id != inbound.actor.id:
        return False
    await store_question(inbound.session, post, doc)
    newer = data.updated_at is not None and (
        post.edited_at is None or data.updated_at > post.edited_at
    )
    same = (post.content, post.spoiler_text) == (data.content, data.spoiler_text)
    return same and not newer


# --- sent ------------------------------------------------------------------------


@builds(Verb.UPDATE_POLL)
async def build_update_poll(
    fed: Federation, session: AsyncSession, payload: PollRef
) -> Outgoing | None:
    """Update{Question} with the current counts: the post's Update, with an id of
    its own, also sent to every remote voter's server."""
    poll = await session.get(Poll, payload.poll_id)
    post = await session.get(Post, poll.post_id) if poll else None
    if poll is None or post is None or post.deleted_at is not None:
        return None
    outgoing = await build_update(fed, session, PostRef(post.id))
    outgoing.activity["id"] = f"{post.uri}#updates/poll-{new_id()}"
    voters = await poll_q.list_voters(session, poll.id, local=False)
    outgoing.inboxes.update(v.delivery_inbox for v in voters if v.delivery_inbox)
    return outgoing


@builds(Verb.VOTE)
async def build_vote(
    fed: Federation, session: AsyncSession, payload: VoteRef
) -> Outgoing | None:
    """A local account's vote in a remote poll, to the poll author's inbox."""
    vote = await session.get(PollVote, payload.vote_id)
    if vote is None:
        return None
    poll = await session.get(Poll, vote.poll_id)
    assert poll is not None
    post = await session.get(Post, poll.post_id)
    voter = await session.get(Actor, vote.actor_id)
    assert post is not None
    assert voter is not None
    author = await session.get(Actor, post.actor_id)
    assert author is not None
    title = poll.options[vote.choice]
    doc = render_vote(vote, voter, title, post, author)
    inbox = author.inbox_uri or author.delivery_inbox
    return Outgoing(voter, doc, {inbox} if inbox else set())


async def close_poll(fed: Federation, payload: dict[str, Any]) -> None:
    """Job handler for `close_poll` (run at the poll's end)."""
    async with fed.db.session() as session:
        await polls.close_poll(session, payload["poll_id"])
    fed.wake_worker()
