""" "I'm applying" marks: an account says it is applying for a funding opportunity,
so that towns applying for the same money can find each other and form
coalitions. Anyone may see who is applying; only open opportunities take new
marks, and a mark can always be taken back.

A local account's mark, and its withdrawal, federate (a `Join` of the
opportunity's Article, and its Undo: federation.library.applying) to the
opportunity's author and to the instances subscribed to this one; so a board
shows who is applying here and on the instances it follows. A remote account's
mark is held to the same rule as a local one (`receive_mark`)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Unprocessable
from fedcity.ids import new_id
from fedcity.jobs.verbs import (
    ApplicationRef,
    ApplicationUndone,
    Verb,
    enqueue_federate,
)
from fedcity.services.library.items import find_item
from fedcity.services.library.reading import ItemView, views_of
from fedcity.storage.models import Actor, LibraryApplication, LibraryItem, LibraryKind
from fedcity.storage.queries import library as q
from fedcity.storage.queries.posts import Page
from fedcity.storage.types import utcnow

FUNDING = LibraryKind.FUNDING_OPPORTUNITY


async def mark_applying(
    session: AsyncSession, account: Actor, item_id: int
) -> ItemView:
    """`account` is applying for the opportunity (marking twice changes nothing).

    Raises:
        NotFound: no such opportunity. Gone: withdrawn.
        Unprocessable: it is closed or its deadline has passed.
    """
    item = await find_item(session, FUNDING, item_id)
    if await q.get_application(session, item.id, account.id) is None:
        if not takes_applicants(item):
            raise Unprocessable("This funding opportunity is closed")
        mark = await _add_mark(session, item, account)
        await enqueue_federate(session, Verb.APPLY, ApplicationRef(mark.id))
    return (await views_of(session, account, [item]))[0]


def takes_applicants(item: LibraryItem) -> bool:
    """Whether a funding opportunity takes new marks: not closed, its deadline
    not past."""
    return item.status != "closed" and (
        item.deadline is None or item.deadline >= utcnow()
    )


async def unmark_applying(
    session: AsyncSession, account: Actor, item_id: int
) -> ItemView:
    """`account` is no longer applying (unmarking without a mark changes nothing).

    Raises:
        NotFound: no such opportunity. Gone: withdrawn.
    """
    item = await find_item(session, FUNDING, item_id)
    mark = await _drop_mark(session, item, account)
    if mark is not None:
        undone = ApplicationUndone(mark.id, account.id, item.id)
        await enqueue_federate(session, Verb.UNDO_APPLY, undone)
    return (await views_of(session, account, [item]))[0]


async def receive_mark(
    session: AsyncSession, account: Actor, item: LibraryItem
) -> bool:
    """A remote account's mark on a funding opportunity held here (its Join):
    recorded once, when the item is one that takes marks. Whether it was."""
    if (
        item.kind != FUNDING
        or item.withdrawn_at is not None
        or not takes_applicants(item)
    ):
        return False
    if await q.get_application(session, item.id, account.id) is None:
        await _add_mark(session, item, account)
    return True


async def receive_unmark(
    session: AsyncSession, account: Actor, item: LibraryItem
) -> None:
    """A remote account took its mark back (its Undo of the Join, or a Leave)."""
    await _drop_mark(session, item, account)


async def _add_mark(
    session: AsyncSession, item: LibraryItem, account: Actor
) -> LibraryApplication:
    mark = LibraryApplication(id=new_id(), item_id=item.id, account_id=account.id)
    session.add(mark)
    await session.flush()
    return mark


async def _drop_mark(
    session: AsyncSession, item: LibraryItem, account: Actor
) -> LibraryApplication | None:
    """Delete the account's mark on the item; the mark deleted, if there was one."""
    mark = await q.get_application(session, item.id, account.id)
    if mark is not None:
        await session.delete(mark)
        await session.flush()
    return mark


async def applicants(
    session: AsyncSession, item_id: int, page: Page
) -> list[tuple[LibraryApplication, Actor]]:
    """Who is applying for the opportunity, latest first, with their marks.

    Raises:
        NotFound: no such opportunity. Gone: withdrawn.
    """
    item = await find_item(session, FUNDING, item_id)
    rows = await q.list_applicants(session, item.id, page)
    return [(mark, actor) for mark, actor in rows]
