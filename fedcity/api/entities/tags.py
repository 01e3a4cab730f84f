"""Mastodon's Tag entity with its `history`, wherever a Tag is served (search,
/api/v1/tags/:name, followed tags, trends): the last seven days of use, counted
from this instance's posts (`services.trends.tag_history`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.api.entities.formats import Entity, serialize_history
from fedcity.api.entities.statuses import serialize_tag
from fedcity.services.discovery.trends import tag_history
from fedcity.storage.models import Tag
from fedcity.urls import Urls


async def serialize_tags(
    session: AsyncSession,
    tags: Sequence[Tag],
    urls: Urls,
    *,
    following: Mapping[int, bool] | None = None,
) -> list[Entity]:
    """Tag entities with history. `following` (tag id → followed) adds Mastodon's
    `following` for a signed-in viewer; leave it None for anonymous requests."""
    history = await tag_history(session, [t.id for t in tags])
    out = []
    for tag in tags:
        entity = serialize_tag(tag.id, tag.name, urls)
        entity["history"] = serialize_history(history[tag.id])
        if following is not None:
            entity["following"] = following.get(tag.id, False)
        out.append(entity)
    return out


async def serialize_one_tag(
    session: AsyncSession, tag: Tag, urls: Urls, *, following: bool | None = None
) -> Entity:
    """One Tag entity; `following` None leaves it null (anonymous viewers)."""
    entity = (await serialize_tags(session, [tag], urls))[0]
    entity["following"] = following
    return entity
