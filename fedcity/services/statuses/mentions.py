"""A post's mentions and hashtags: the accounts a local author's typed handles
name, and the rows (`Mention`, `PostTag`) written when a post is stored and
replaced when it is edited, for local and remote posts alike."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity import text
from fedcity.storage.models import Actor, Mention, Post, PostTag, Tag
from fedcity.storage.queries import actors as actor_q
from fedcity.urls import Urls


class MentionResolver(Protocol):
    """Finds a remote account this server does not know yet by its handle.

    Services cannot reach other servers, so the caller passes one in: the API and
    the scheduled-publishing job use WebFinger (`federation.actors.mention_resolver`);
    tests pass a fake. It returns None when there is no such account or its server
    cannot be reached, and the mention then stays plain text.
    """

    async def __call__(
        self, session: AsyncSession, username: str, domain: str
    ) -> Actor | None: ...


async def resolve_mentions(
    session: AsyncSession,
    urls: Urls,
    body: str,
    resolve: MentionResolver,
    known: Mapping[str, Actor] | None = None,
) -> dict[str, Actor]:
    """The accounts the handles typed in `body` name: handle as typed (lower-cased,
    without "@") → actor. Handles in `known` keep the actor found before (a
    scheduled status's, found when it was scheduled); local and already known
    remote accounts come from the database, others from `resolve`. Deleted
    accounts are left out."""
    own_domain = urlsplit(urls.base).netloc.lower()
    found: dict[str, Actor] = {}
    for ref in text.extract_mentions(body):
        handle = ref.handle.lower()
        actor = (known or {}).get(handle) or await _find(
            session, ref, own_domain, resolve
        )
        if actor is not None and actor.deleted_at is None:
            found[handle] = actor
    return found


async def _find(
    session: AsyncSession,
    ref: text.MentionRef,
    own_domain: str,
    resolve: MentionResolver,
) -> Actor | None:
    domain = None if ref.domain in (None, own_domain) else ref.domain
    actor = await actor_q.get_actor_by_handle(session, ref.username, domain)
    if actor is None and domain is not None:
        actor = await resolve(session, ref.username, domain)
    return actor


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
