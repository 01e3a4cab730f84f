"""custom_emojis; posts.emojis and actors.emojis

The instance's own custom emoji, and on each post and profile the emoji its text
uses (shortcode, image, and for local ones the row they came from), as a JSON list.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 08:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "custom_emojis",
        sa.Column("shortcode", sa.String(length=64), nullable=False),
        sa.Column("file_path", sa.String(length=255), nullable=False),
        sa.Column("static_path", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("visible_in_picker", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_emojis")),
        sa.UniqueConstraint("shortcode", name=op.f("uq_custom_emojis_shortcode")),
    )
    # Plain ADD COLUMNs: batch mode would rebuild `posts` on SQLite and drop the
    # full-text triggers of revision 0011.
    op.add_column("posts", sa.Column("emojis", _json(), nullable=True))
    op.add_column("actors", sa.Column("emojis", _json(), nullable=True))


def downgrade() -> None:
    op.drop_column("actors", "emojis")
    op.drop_column("posts", "emojis")
    op.drop_table("custom_emojis")
