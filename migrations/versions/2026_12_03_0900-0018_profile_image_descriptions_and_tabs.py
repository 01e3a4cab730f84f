"""actors: avatar_description, header_description (Mastodon 4.4) and show_media,
show_media_replies, show_featured (Mastodon 4.5's profile tabs)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DESCRIPTIONS = ("avatar_description", "header_description")
TABS = ("show_media", "show_media_replies", "show_featured")


def upgrade() -> None:
    # Plain ADD COLUMN with a server default (kept, as the model declares it): batch
    # mode would rebuild `actors` on SQLite and lose its lower(username) index.
    for name in DESCRIPTIONS:
        op.add_column(
            "actors",
            sa.Column(name, sa.Text(), nullable=False, server_default=sa.text("''")),
        )
    for name in TABS:
        op.add_column(
            "actors",
            sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.true()),
        )


def downgrade() -> None:
    # SQLite 3.35+ drops columns in place (ALTER TABLE … DROP COLUMN).
    for name in (*reversed(TABS), *reversed(DESCRIPTIONS)):
        op.drop_column("actors", name)
