"""Groups following groups: a league's hub group follows its member cities'
groups and relays what they carry to its own members (services.groups.relay,
`relay_from_followed_group`). Its moderators choose the groups it follows."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Unprocessable
from fedcity.services.accounts.accounts import account_by_id
from fedcity.services.groups.moderation import log, moderated_group
from fedcity.services.social import follows
from fedcity.storage.models import Actor
from fedcity.storage.queries import groups as q
from fedcity.urls import Urls


async def follow_group(
    session: AsyncSession, urls: Urls, by: Actor, name: str, target_id: int
) -> Actor:
    """Group `name` follows the group `target_id` (local, or on another server:
    a `Follow` from the group goes out); returns the followed group.

    Raises:
        NotFound, Forbidden: as `moderation.moderated_group`.
        Unprocessable: the target is not a group, or is this group.
    """
    _, group_actor = await moderated_group(session, by, name)
    target = await account_by_id(session, target_id)
    if target.actor_type != "Group" or target.id == group_actor.id:
        raise Unprocessable("A group may follow only other groups")
    await follows.follow(session, urls, group_actor, target)
    await log(session, by, group_actor, "follow_group", target.uri)
    return target


async def unfollow_group(
    session: AsyncSession, by: Actor, name: str, target_id: int
) -> Actor:
    """Group `name` follows group `target_id` no more (an `Undo(Follow)` goes out)."""
    _, group_actor = await moderated_group(session, by, name)
    target = await account_by_id(session, target_id)
    await follows.unfollow(session, group_actor, target)
    await log(session, by, group_actor, "unfollow_group", target.uri)
    return target


async def followed_groups(session: AsyncSession, by: Actor, name: str) -> list[Actor]:
    """The groups group `name` follows (accepted or still asked)."""
    _, group_actor = await moderated_group(session, by, name)
    return [actor for actor, _ in await q.list_followed_groups(session, group_actor.id)]
