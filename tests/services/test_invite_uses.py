"""An invite's last use goes to one sign-up only, even when two race for it
(issue 12): the use is counted by a conditional UPDATE, checked by its row
count, not by a read then a write."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from fedcity.errors import Forbidden
from fedcity.services.sign_ups import invites, registrations
from fedcity.services.sign_ups.registrations import Policy, SignUp
from fedcity.storage.db import Database
from fedcity.urls import Urls
from tests.support.keys import premade_keypair

BASE = "https://city.example"
POLICY = Policy("invite", (), 8, False, "City", BASE)


async def _sign_up(session, name: str, code: str) -> None:
    await registrations.sign_up(
        session,
        Urls(BASE),
        POLICY,
        SignUp(name, f"{name}@ojai.example", "a long unusual passphrase", True,
               invite_code=code),
        premade_keypair,
    )  # fmt: skip


async def test_two_sign_ups_racing_for_the_last_use_get_one(
    backend: str, make_migrated_db_url: Callable[[], Awaitable[str]]
):
    if backend == "sqlite":
        pytest.skip("SQLite runs one writer at a time: there is no race to lose")
    db = Database(await make_migrated_db_url())
    try:
        # Given an invite with one use
        async with db.session() as session:
            invite = await invites.create_invite(
                session, invites.NewInvite(max_uses=1), by=None
            )
            code = invite.code
        # When a second sign-up reads the invite as unused while the first one
        # has used it but not yet committed
        async with db.session() as first:
            await _sign_up(first, "first", code)

            async def second() -> None:
                async with db.session() as session:
                    await _sign_up(session, "second", code)

            racing = asyncio.create_task(second())
            await asyncio.sleep(0.5)  # it waits on the invite's row
            assert not racing.done()
        # Then once the first commits, the second is refused
        with pytest.raises(Forbidden):
            await racing
        async with db.session() as session:
            used = await invites.find_invite(session, code)
        assert used.uses == 1
    finally:
        await db.dispose()
