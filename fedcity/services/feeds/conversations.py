"""Direct-message conversations, derived from the direct posts an account takes part
in (as author or mentioned), grouped by conversation URI (the root post's URI when a
post carries none). Per-account read and hidden state lives in `conversation_states`.

A conversation's id is the id of its oldest post the account can see: stable, and
enough to find the conversation again from /read and DELETE.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound
from fedcity.storage.models import Actor, ConversationState, Mention, Post, Visibility
from fedcity.storage.queries import feeds
from fedcity.storage.queries.posts import Page


@dataclass(frozen=True)
class Conversation:
    id: int
    uri: str
    last_status: Post
    unread: bool


def _key() -> ColumnElement[str]:
    return func.coalesce(Post.conversation_uri, Post.uri)


def _takes_part(viewer: Actor) -> ColumnElement[bool]:
    return and_(
        Post.visibility == Visibility.DIRECT,
        Post.deleted_at.is_(None),
        or_(
            Post.actor_id == viewer.id,
            Post.id.in_(select(Mention.post_id).where(Mention.actor_id == viewer.id)),
        ),
        feeds.not_silenced(viewer.id),
    )


async def list_conversations(
    session: AsyncSession, viewer: Actor, page: Page
) -> list[Conversation]:
    """The viewer's conversations, most recently active first, paged on the id of
    their last post; deleted (hidden) ones come back when a newer post arrives."""
    groups = (
        select(
            _key().label("uri"),
            func.min(Post.id).label("first_id"),
            func.max(Post.id).label("last_id"),
        )
        .where(_takes_part(viewer))
        .group_by(_key())
        .subquery()
    )
    state = ConversationState
    stmt = (
        select(groups.c.uri, groups.c.first_id, groups.c.last_id, state.last_read_id)
        .outerjoin(
            state,
            and_(state.actor_id == viewer.id, state.conversation_uri == groups.c.uri),
        )
        .where(
            or_(
                state.hidden_up_to_id.is_(None),
                groups.c.last_id > state.hidden_up_to_id,
            )
        )
    )
    last = groups.c.last_id
    if page.max_id is not None:
        stmt = stmt.where(last < page.max_id)
    if page.since_id is not None:
        stmt = stmt.where(last > page.since_id)
    if page.min_id is not None:
        stmt = stmt.where(last > page.min_id).order_by(last.asc())
    else:
        stmt = stmt.order_by(last.desc())
    rows = list((await session.execute(stmt.limit(page.limit))).all())
    if page.min_id is not None:
        rows.reverse()
    posts = {
        p.id: p
        for p in await session.scalars(
            select(Post).where(Post.id.in_([r.last_id for r in rows]))
        )
    }
    return [
        Conversation(
            id=r.first_id,
            uri=r.uri,
            last_status=posts[r.last_id],
            unread=posts[r.last_id].actor_id != viewer.id
            and r.last_id > (r.last_read_id or 0),
        )
        for r in rows
        if r.last_id in posts
    ]


async def get_conversation(
    session: AsyncSession, viewer: Actor, conversation_id: int
) -> Conversation:
    """The conversation whose id (oldest post) is `conversation_id`.

    Raises:
        NotFound: the viewer takes part in no such conversation.
    """
    first = await session.scalar(
        select(Post).where(Post.id == conversation_id, _takes_part(viewer))
    )
    if first is None:
        raise NotFound("Record not found")
    uri = first.conversation_uri or first.uri
    last = await session.scalar(
        select(Post)
        .where(_takes_part(viewer), _key() == uri)
        .order_by(Post.id.desc())
        .limit(1)
    )
    if last is None:
        raise NotFound("Record not found")
    state = await _state(session, viewer, uri)
    unread = last.actor_id != viewer.id and last.id > (
        state.last_read_id if state else 0
    )
    return Conversation(first.id, uri, last, unread)


async def _state(
    session: AsyncSession, viewer: Actor, uri: str
) -> ConversationState | None:
    return await session.scalar(
        select(ConversationState).where(
            ConversationState.actor_id == viewer.id,
            ConversationState.conversation_uri == uri,
        )
    )


async def _ensure_state(
    session: AsyncSession, viewer: Actor, uri: str
) -> ConversationState:
    state = await _state(session, viewer, uri)
    if state is None:
        state = ConversationState(
            actor_id=viewer.id, conversation_uri=uri, last_read_id=0
        )
        session.add(state)
    return state


async def mark_read(
    session: AsyncSession, viewer: Actor, conversation: Conversation
) -> Conversation:
    """Mark everything up to the last post as read."""
    state = await _ensure_state(session, viewer, conversation.uri)
    state.last_read_id = max(state.last_read_id or 0, conversation.last_status.id)
    await session.flush()
    return Conversation(
        conversation.id, conversation.uri, conversation.last_status, False
    )


async def hide(
    session: AsyncSession, viewer: Actor, conversation: Conversation
) -> None:
    """Remove the conversation from the viewer's list until a newer post arrives
    (Mastodon deletes its row; the posts themselves stay)."""
    state = await _ensure_state(session, viewer, conversation.uri)
    state.hidden_up_to_id = conversation.last_status.id
    state.last_read_id = max(state.last_read_id or 0, conversation.last_status.id)
    await session.flush()
