"""The instance's own key pairs, kept in `instance_keys` by purpose."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.db import insert_for
from fedcity.storage.models import InstanceKey


async def ensure_instance_key(
    session: AsyncSession, name: str, generate: Callable[[], tuple[str, str]]
) -> InstanceKey:
    """The instance key pair called `name`, made on first use and never rotated.

    `generate` returns (private key PEM, public key as its users publish it).
    Processes that start together may both generate one; the first insert wins
    and every process reads that one back."""
    found = await session.get(InstanceKey, name)
    if found is not None:
        return found
    private_pem, public_key = generate()
    insert = insert_for(session)
    await session.execute(
        insert(InstanceKey)
        .values(name=name, private_key_pem=private_pem, public_key=public_key)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    row = await session.get(InstanceKey, name, populate_existing=True)
    assert row is not None
    return row
