"""Look-ups of the idempotency keys of recent posts: a repeated POST
/api/v1/statuses with the same key answers with the same status."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.db import insert_for
from fedcity.storage.models import IdempotencyKey


async def get_idempotency_key(
    session: AsyncSession, account_id: int, key: str
) -> IdempotencyKey | None:
    return await session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.account_id == account_id, IdempotencyKey.key == key
        )
    )


async def insert_idempotency_key(
    session: AsyncSession, row_id: int, account_id: int, key: str, now: datetime
) -> bool:
    """Claim (account, key); False if another request holds it already. On
    PostgreSQL this waits for a concurrent holder to commit or roll back."""
    table = IdempotencyKey.metadata.tables[IdempotencyKey.__tablename__]
    insert = insert_for(session)
    stmt = (
        insert(table)
        .values(id=row_id, account_id=account_id, key=key, created_at=now)
        .on_conflict_do_nothing(index_elements=["account_id", "key"])
        .returning(table.c.id)
    )
    return (await session.execute(stmt)).scalar() is not None
