"""posts: the boosts index holds boosts only (reblog_of_id, actor_id), partial

`ix_posts_reblog_of_id` indexed every post, NULLs included, so a planner without
statistics (SQLite) took it for `reblog_of_id IS NULL` and walked every original
post instead of starting from a selective condition (full-text search; the public
timeline once `ANALYZE` has run). A partial index of boosts alone can never serve
`IS NULL`, and with `actor_id` it also answers "which of these did the viewer
boost" in a few probes. Plain index operations, not batch mode: rebuilding `posts`
on SQLite would drop the full-text triggers of revision 0011.

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-02 05:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BOOSTS_ONLY = sa.text("reblog_of_id IS NOT NULL")


def upgrade() -> None:
    op.drop_index("ix_posts_reblog_of_id", table_name="posts")
    op.create_index(
        "ix_posts_reblog_of_id_actor_id",
        "posts",
        ["reblog_of_id", "actor_id"],
        sqlite_where=BOOSTS_ONLY,
        postgresql_where=BOOSTS_ONLY,
    )


def downgrade() -> None:
    op.drop_index("ix_posts_reblog_of_id_actor_id", table_name="posts")
    op.create_index("ix_posts_reblog_of_id", "posts", ["reblog_of_id"])
