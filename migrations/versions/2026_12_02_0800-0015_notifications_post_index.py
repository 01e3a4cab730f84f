"""notifications: an index on post_id

A deleted post takes its notifications with it (mentions, favourites, boosts,
poll results), as in Mastodon. Their recipients are many, so the delete finds
them by post; without this index every post deletion (inbox `Delete`s included)
would scan the whole table. It also serves the foreign key's cascade.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_notifications_post_id", "notifications", ["post_id"])


def downgrade() -> None:
    op.drop_index("ix_notifications_post_id", table_name="notifications")
