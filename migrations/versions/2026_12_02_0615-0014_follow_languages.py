"""follows: languages (Mastodon's follow option), stored as ",en,es,"

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 06:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: batch mode would rebuild the table for nothing.
    op.add_column("follows", sa.Column("languages", sa.String(255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("follows") as batch_op:
        batch_op.drop_column("languages")
