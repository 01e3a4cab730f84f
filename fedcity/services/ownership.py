"""What an account owns: a row another account's request must not reach."""

from __future__ import annotations

from typing import Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound
from fedcity.storage.models import Actor


class Owned(Protocol):
    actor_id: int


OwnedT = TypeVar("OwnedT", bound=Owned)


async def require_own(
    session: AsyncSession, model: type[OwnedT], row_id: int, owner: Actor
) -> OwnedT:
    """The `model` row `row_id` if `owner` owns it. Someone else's row is "not
    found", as a missing one is, so that ids reveal nothing (as Mastodon does).

    Raises:
        NotFound: no such row, or another account's.
    """
    row = await session.get(model, row_id)
    if row is None or row.actor_id != owner.id:
        raise NotFound("Record not found")
    return row
