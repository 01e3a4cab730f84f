"""Local accounts for service tests that run against a bare database (no app)."""

from __future__ import annotations

from fedcity.services.accounts.accounts import NewLocalAccount, create_local_account
from fedcity.storage.db import Database
from fedcity.storage.models import Actor
from fedcity.urls import Urls
from tests.support.keys import premade_keypair


async def local_account(db: Database, urls: Urls, name: str) -> Actor:
    """A local account made as the service makes it, with a pre-made key pair, in
    its own committed transaction."""
    async with db.session() as session:
        return await create_local_account(
            session,
            urls,
            NewLocalAccount(name, "correct horse battery"),
            premade_keypair(),
        )
