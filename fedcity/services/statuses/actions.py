"""Favourite and boost by name: what the client API's
/api/v1/statuses/:id/<action> and the web front's post buttons both do."""

from __future__ import annotations

from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.services.social import interactions
from fedcity.services.statuses import boosts
from fedcity.services.statuses.visibility import get_visible_post
from fedcity.storage.models import Actor, Post, Visibility
from fedcity.urls import Urls

Action = Literal["favourite", "unfavourite", "reblog", "unreblog"]
ACTIONS: tuple[Action, ...] = ("favourite", "unfavourite", "reblog", "unreblog")


async def acted_on(session: AsyncSession, viewer: Actor, post_id: int) -> Post:
    """The post an action applies to: a boost stands for the post it boosts.

    Raises:
        NotFound: the post, or the one it boosts, is not visible to `viewer`.
    """
    post: Post = await get_visible_post(session, viewer, post_id)
    if post.reblog_of_id is not None:
        post = await get_visible_post(session, viewer, post.reblog_of_id)
    return post


async def act(
    session: AsyncSession,
    urls: Urls,
    actor: Actor,
    post: Post,
    action: Action,
    visibility: Visibility = Visibility.PUBLIC,
) -> Post | None:
    """`actor` favourites, boosts or withdraws either from `post`; returns the
    boost for "reblog" (`visibility` is its audience), None otherwise."""
    match action:
        case "favourite":
            await interactions.favourite(session, urls, actor, post)
        case "unfavourite":
            await interactions.unfavourite(session, actor, post)
        case "reblog":
            return await boosts.reblog(session, urls, actor, post, visibility)
        case "unreblog":
            await boosts.unreblog(session, actor, post)
    return None
