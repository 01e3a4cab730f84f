"""announcements: published (the admin pages publish and unpublish them, as
Mastodon's do)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 11:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN with a server default (kept, as the model declares it); the
    # announcements written so far were all published.
    op.add_column(
        "announcements",
        sa.Column("published", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade() -> None:
    op.drop_column("announcements", "published")
