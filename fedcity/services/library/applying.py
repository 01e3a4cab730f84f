""" "I'm applying" marks: an account says it is applying for a funding opportunity,
so that towns applying for the same money can find each other and form
coalitions. Anyone may see who is applying; only open opportunities take new
marks, and a mark can always be taken back."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Unprocessable
from fedcity.services.library.items import find_item
from fedcity.services.library.reading import ItemView, views_of
from fedcity.storage.models import Actor, LibraryApplication, LibraryKind
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
        if item.status == "closed" or (
            item.deadline is not None and item.deadline < utcnow()
        ):
            raise Unprocessable("This funding opportunity is closed")
        session.add(LibraryApplication(item_id=item.id, account_id=account.id))
        await session.flush()
    return (await views_of(session, account, [item]))[0]


async def unmark_applying(
    session: AsyncSession, account: Actor, item_id: int
) -> ItemView:
    """`account` is no longer applying (unmarking without a mark changes nothing).

    Raises:
        NotFound: no such opportunity. Gone: withdrawn.
    """
    item = await find_item(session, FUNDING, item_id)
    mark = await q.get_application(session, item.id, account.id)
    if mark is not None:
        await session.delete(mark)
        await session.flush()
    return (await views_of(session, account, [item]))[0]


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
