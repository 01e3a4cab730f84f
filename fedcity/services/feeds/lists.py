"""Lists: a local account groups accounts it follows and reads them as a timeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound, Unprocessable
from fedcity.i18n import N_
from fedcity.services.limits import MAX_LIST_TITLE, check_length
from fedcity.storage.models import (
    Actor,
    Follow,
    ListMember,
    Post,
    RepliesPolicy,
    UserList,
)
from fedcity.storage.queries import posts as post_q
from fedcity.storage.queries.lists import paged_rows
from fedcity.storage.queries.posts import Page


@dataclass(frozen=True)
class ListFields:
    title: str
    replies_policy: str = RepliesPolicy.LIST
    exclusive: bool = False


def _validate(fields: ListFields) -> ListFields:
    title = fields.title.strip()
    if not title:
        raise Unprocessable("Validation failed: Title can't be blank")
    check_length(N_("Title"), title, MAX_LIST_TITLE)
    if fields.replies_policy not in set(RepliesPolicy):
        raise Unprocessable(
            "Validation failed: Replies policy {policy!r} is not valid",
            policy=fields.replies_policy,
        )
    return ListFields(title, fields.replies_policy, fields.exclusive)


async def list_lists(session: AsyncSession, owner: Actor) -> list[UserList]:
    """The owner's lists, oldest first (as Mastodon lists them)."""
    rows = await session.scalars(
        select(UserList).where(UserList.actor_id == owner.id).order_by(UserList.id)
    )
    return list(rows)


async def get_list(session: AsyncSession, owner: Actor, list_id: int) -> UserList:
    """One of the owner's lists.

    Raises:
        NotFound: no such list, or it belongs to someone else.
    """
    row = await session.get(UserList, list_id)
    if row is None or row.actor_id != owner.id:
        raise NotFound("Record not found")
    return row


async def create_list(
    session: AsyncSession, owner: Actor, fields: ListFields
) -> UserList:
    """Create a list; the title is required, replies_policy one of RepliesPolicy."""
    fields = _validate(fields)
    row = UserList(
        actor_id=owner.id,
        title=fields.title,
        replies_policy=fields.replies_policy,
        exclusive=fields.exclusive,
    )
    session.add(row)
    await session.flush()
    return row


async def update_list(session: AsyncSession, row: UserList, fields: ListFields) -> None:
    """Replace the list's title, replies policy and exclusivity."""
    fields = _validate(fields)
    row.title = fields.title
    row.replies_policy = fields.replies_policy
    row.exclusive = fields.exclusive
    await session.flush()


async def delete_list(session: AsyncSession, row: UserList) -> None:
    await session.delete(row)
    await session.flush()


async def add_accounts(
    session: AsyncSession, row: UserList, account_ids: Sequence[int]
) -> None:
    """Add accounts the owner follows (or asked to follow) to the list; adding one
    already there changes nothing.

    Raises:
        NotFound: an account does not exist.
        Unprocessable: the owner does not follow an account (Mastodon's 422).
    """
    present = set(
        await session.scalars(
            select(ListMember.actor_id).where(ListMember.list_id == row.id)
        )
    )
    for account_id in dict.fromkeys(account_ids):
        if account_id in present:
            continue
        if await session.get(Actor, account_id) is None:
            raise NotFound("Record not found")
        follow = None
        if account_id != row.actor_id:
            follow = await session.scalar(
                select(Follow).where(
                    Follow.actor_id == row.actor_id, Follow.target_id == account_id
                )
            )
            if follow is None:
                raise Unprocessable("Validation failed: Account must be followed")
        session.add(
            ListMember(
                list_id=row.id,
                actor_id=account_id,
                follow_id=follow.id if follow else None,
            )
        )
    await session.flush()


async def remove_accounts(
    session: AsyncSession, row: UserList, account_ids: Sequence[int]
) -> None:
    await session.execute(
        delete(ListMember).where(
            ListMember.list_id == row.id, ListMember.actor_id.in_(account_ids)
        )
    )


async def lists_with_account(
    session: AsyncSession, owner: Actor, account_id: int
) -> list[UserList]:
    """The owner's lists that hold `account_id`."""
    rows = await session.scalars(
        select(UserList)
        .join(ListMember, ListMember.list_id == UserList.id)
        .where(UserList.actor_id == owner.id, ListMember.actor_id == account_id)
        .order_by(UserList.id)
    )
    return list(rows)


async def timeline(
    session: AsyncSession, viewer: Actor, row: UserList, page: Page
) -> list[Post]:
    """Posts by the list's members that the viewer may read, newest first, with the
    list's replies policy applied and silenced accounts left out."""
    stmt = post_q.timeline_select(post_q.list_timeline_filter(row))
    return await post_q.list_page(session, stmt, page)


async def members_page(
    session: AsyncSession, row: UserList, page: Page
) -> list[tuple[int, Actor]]:
    """(membership id, account) pairs of the list, newest membership first."""
    stmt = (
        select(ListMember.id, Actor)
        .join(Actor, Actor.id == ListMember.actor_id)
        .where(ListMember.list_id == row.id)
    )
    return [(i, a) for i, a in await paged_rows(session, stmt, ListMember.id, page)]
