"""A post's mentions and hashtags as rows (`Mention`, `PostTag`), written when a
post is stored and replaced when it is edited, for local and remote posts alike."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import Actor, Mention, Post, PostTag, Tag


async def attach_mentions_and_tags(
    session: AsyncSession, post: Post, mentioned: Sequence[Actor], tags: Sequence[str]
) -> None:
    """Record whom a new post mentions (they may see it, and are notified) and
    its hashtags (each tag once, lower-cased, for tag timelines)."""
    for actor in mentioned:
        session.add(Mention(post_id=post.id, actor_id=actor.id))
    for name in dict.fromkeys(t.lower() for t in tags if t):
        tag = await _get_or_create_tag(session, name)
        session.add(PostTag(post_id=post.id, tag_id=tag.id))
    await session.flush()


async def replace_mentions_and_tags(
    session: AsyncSession, post: Post, mentioned: Sequence[Actor], tags: Sequence[str]
) -> None:
    """After an edit: the mentions and hashtags of the new text replace the old."""
    await session.execute(delete(Mention).where(Mention.post_id == post.id))
    await session.execute(delete(PostTag).where(PostTag.post_id == post.id))
    await attach_mentions_and_tags(session, post, mentioned, tags)


def unique_actors(actors: Iterable[Actor]) -> list[Actor]:
    """Each actor once, in first-seen order (two handles may name one account)."""
    seen: dict[int, Actor] = {}
    for actor in actors:
        seen.setdefault(actor.id, actor)
    return list(seen.values())


async def _get_or_create_tag(session: AsyncSession, name: str) -> Tag:
    tag = await session.scalar(select(Tag).where(Tag.name == name[:255]))
    if tag is None:
        tag = Tag(name=name[:255])
        session.add(tag)
        await session.flush()
    return tag
