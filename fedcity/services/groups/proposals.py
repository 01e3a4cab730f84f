"""Groups proposed by accounts, and which groups an account is shown (issue 13).

Any local account may propose a group; it becomes its moderator. When the
instance's groups need an admin's approval (`[groups] require_approval`), a
proposed group waits (`approved_at` None): it refuses follows
(services.groups.joining) and is listed only to its proposer, its moderators and
admins, until an admin approves it or rejects it (the group is deleted; its name
stays taken). An admin's own proposal needs no approval.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Forbidden, NotFound, Unprocessable
from fedcity.i18n import N_
from fedcity.services.groups.groups import (
    GroupView,
    NewGroup,
    create_group,
    delete_group,
    get_group,
)
from fedcity.services.groups.moderation import (
    description_html,
    is_admin,
    log,
    may_moderate,
    show_visibility,
)
from fedcity.services.limits import (
    MAX_GROUP_DESCRIPTION,
    MAX_GROUP_DISPLAY_NAME,
    MAX_GROUP_RULES,
    check_length,
)
from fedcity.storage.models import Actor, Group
from fedcity.storage.queries import actors as q
from fedcity.storage.queries import groups as groups_q
from fedcity.storage.queries.posts import Page
from fedcity.storage.types import utcnow
from fedcity.urls import Urls


async def propose_group(
    session: AsyncSession,
    urls: Urls,
    by: Actor,
    cmd: NewGroup,
    keypair: tuple[str, str],
    *,
    rules: str = "",
    require_approval: bool = False,
    configured_guard: str = "",
) -> GroupView:
    """Make a group `by` proposed, with `by` as its moderator (the moderators
    `cmd` names are ignored); `cmd.description` is plain text. It waits for an
    admin when `require_approval`, unless `by` is an admin.

    Raises:
        Forbidden: `by` is no local account with a login.
        Unprocessable: as `create_group`, or a text past its bound.
    """
    if not by.is_local or await q.get_user_by_actor_id(session, by.id) is None:
        raise Forbidden()
    check_length(N_("Display name"), cmd.display_name, MAX_GROUP_DISPLAY_NAME)
    check_length(N_("Description"), cmd.description, MAX_GROUP_DESCRIPTION)
    check_length(N_("Rules"), rules, MAX_GROUP_RULES)
    waits = require_approval and not await is_admin(session, by)
    view = await create_group(
        session,
        urls,
        replace(
            cmd,
            description=description_html(urls, cmd.description),
            moderators=(by.username,),
        ),
        keypair,
        configured_guard=configured_guard,
        created_by=by,
        awaiting_approval=waits,
    )
    view.group.rules = rules.strip()
    if waits:  # out of the profile directory and search until approved
        view.actor.discoverable = view.actor.indexable = False
    await session.flush()
    return view


async def _may_see(session: AsyncSession, group: Group, viewer: Actor | None) -> bool:
    if group.approved_at is not None:
        return True
    if viewer is None:
        return False
    return group.created_by_id == viewer.id or await may_moderate(
        session, group, viewer
    )


async def shown_group(
    session: AsyncSession, viewer: Actor | None, name: str
) -> GroupView:
    """Group `name` as `viewer` may see it: an approved one to anyone, one
    awaiting approval to its proposer, its moderators and admins.

    Raises:
        NotFound: no such group, or one `viewer` may not see yet.
    """
    group, actor = await get_group(session, name)
    if not await _may_see(session, group, viewer):
        raise NotFound("No group {name} is known here", name=name)
    return await _view(session, group, actor)


async def listed_groups(
    session: AsyncSession, viewer: Actor | None, page: Page
) -> list[GroupView]:
    """The approved groups, and those `viewer` proposed or moderates, newest
    first."""
    rows = await groups_q.list_listed_groups(
        session, page, None if viewer is None else viewer.id
    )
    return [await _view(session, group, actor) for group, actor in rows]


async def awaiting_groups(
    session: AsyncSession, by: Actor, page: Page
) -> list[GroupView]:
    """Proposed groups waiting for approval, newest first, for admins.

    Raises:
        Forbidden: `by` is not an admin.
    """
    await _require_admin(session, by)
    rows = await groups_q.list_awaiting_groups(session, page)
    return [await _view(session, group, actor) for group, actor in rows]


async def _view(session: AsyncSession, group: Group, actor: Actor) -> GroupView:
    return GroupView(group, actor, await q.list_group_moderators(session, group.id))


async def _require_admin(session: AsyncSession, by: Actor) -> None:
    if not await is_admin(session, by):
        raise Forbidden()


async def approve_group(session: AsyncSession, by: Actor, name: str) -> GroupView:
    """An admin approves a proposed group: it may be joined and is listed.
    Approving an approved group changes nothing.

    Raises:
        Forbidden: `by` is not an admin. NotFound: no such group.
    """
    await _require_admin(session, by)
    group, actor = await get_group(session, name)
    if group.approved_at is None:
        group.approved_at = utcnow()
        show_visibility(actor, group.visibility)
        await session.flush()
        await log(session, by, actor, "approve")
    return await _view(session, group, actor)


async def reject_group(session: AsyncSession, by: Actor, name: str) -> None:
    """An admin rejects a proposed group: it is deleted (its name stays taken).

    Raises:
        Forbidden: `by` is not an admin. NotFound: no such group.
        Unprocessable: the group was approved already.
    """
    await _require_admin(session, by)
    group, actor = await get_group(session, name)
    if group.approved_at is not None:
        raise Unprocessable("This group was approved already")
    await delete_group(session, name)
    await log(session, by, actor, "reject")
