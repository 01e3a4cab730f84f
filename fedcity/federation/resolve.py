"""Resolving a URL someone pasted into search: an actor or a post on another server."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.federation.actors import get_or_fetch_actor
from fedcity.federation.context import Federation
from fedcity.federation.fetch import fetch_document
from fedcity.federation.parse.actors import parse_actor
from fedcity.federation.parse.statuses import attributed_to
from fedcity.federation.policy import parse_post_under
from fedcity.federation.vocab import ACTOR_TYPES, POST_TYPES, get_type, same_origin
from fedcity.services.accounts import remote_actors
from fedcity.services.statuses import remote_posts
from fedcity.storage.models import Actor, Post
from fedcity.storage.queries import posts as post_q


async def resolve_url(
    fed: Federation, session: AsyncSession, url: str
) -> Actor | Post | None:
    doc = await fetch_document(fed, url)
    kind = get_type(doc)
    if kind in ACTOR_TYPES:
        actor = await remote_actors.upsert_remote_actor(session, parse_actor(doc))
        fed.keys.remember(actor)
        return actor
    if kind not in POST_TYPES:
        return None
    uri = str(doc["id"])
    known = await post_q.get_post_by_uri(session, uri)
    if known is not None:
        return known
    author_uri = attributed_to(doc)
    if author_uri is None or not same_origin(author_uri, uri):
        return None
    author = await get_or_fetch_actor(fed, session, author_uri)
    await remote_posts.store_remote_post(
        session, author, parse_post_under(fed.policy.current, doc, author)
    )
    return await post_q.get_post_by_uri(session, uri)
