"""Run the Alembic revisions in `migrations/` on a Database (`fedcity migrate`).

Alembic is imported only to migrate: checking that the schema is current reads the
revision ids from the files and one row from `alembic_version`, which keeps the
server's start-up time and idle memory small.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from fedcity.storage.db import Database

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
_REVISION = re.compile(r'^revision(?:: str)? = [\'"]([^\'"]+)[\'"]', re.M)
# down_revision may be one id or, for a merge revision, a tuple of them.
_DOWN = re.compile(r"^down_revision(?:: [^=]+)? = (.+)$", re.M)


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


async def upgrade_to_head(db: Database) -> None:
    """Create or upgrade the schema; running it again does nothing."""
    from alembic import command

    cfg = alembic_config()

    def run(connection: Connection) -> None:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "heads")

    async with db.engine.begin() as connection:
        await connection.run_sync(run)


@cache
def head_revisions() -> frozenset[str]:
    """The revisions no other revision builds on, read from the files. Normally one;
    parallel work may leave several until a merge revision joins them."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        if found := _REVISION.search(source):
            revisions.add(found.group(1))
        parents.update(_parents(source))
    return frozenset(revisions - parents)


def _parents(source: str) -> list[str]:
    found = _DOWN.search(source)
    if found is None:
        return []
    return re.findall(r"[\'\"]([^\'\"]+)[\'\"]", found.group(0).split("=", 1)[1])


async def current_revisions(db: Database) -> frozenset[str]:
    async with db.engine.connect() as connection:
        try:
            rows = await connection.scalars(
                text("SELECT version_num FROM alembic_version")
            )
            return frozenset(str(row) for row in rows)
        except DBAPIError:
            return frozenset()  # no alembic_version table: an empty database


async def is_up_to_date(db: Database) -> bool:
    return await current_revisions(db) == head_revisions()
