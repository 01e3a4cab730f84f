"""reports, announcements, link preview cards

Revision ID: 0012
Revises: 0008
Create Date: 2026-12-02 03:33:35.046091
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "announcements",
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcements")),
    )
    op.create_table(
        "preview_cards",
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("author_name", sa.Text(), nullable=False),
        sa.Column("author_url", sa.String(length=2048), nullable=False),
        sa.Column("provider_name", sa.Text(), nullable=False),
        sa.Column("provider_url", sa.String(length=2048), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("width", sa.BigInteger(), nullable=False),
        sa.Column("height", sa.BigInteger(), nullable=False),
        sa.Column("image_url", sa.String(length=2048), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preview_cards")),
        sa.UniqueConstraint("url", name=op.f("uq_preview_cards_url")),
    )
    op.create_table(
        "announcement_dismissals",
        sa.Column("announcement_id", sa.BigInteger(), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_announcement_dismissals_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcements.id"],
            name=op.f("fk_announcement_dismissals_announcement_id_announcements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "announcement_id", "actor_id", name=op.f("pk_announcement_dismissals")
        ),
    )
    op.create_table(
        "announcement_reactions",
        sa.Column("announcement_id", sa.BigInteger(), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_announcement_reactions_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcements.id"],
            name=op.f("fk_announcement_reactions_announcement_id_announcements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement_reactions")),
        sa.UniqueConstraint(
            "announcement_id",
            "actor_id",
            "name",
            name=op.f("uq_announcement_reactions_announcement_id"),
        ),
    )
    with op.batch_alter_table("announcement_reactions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_announcement_reactions_actor_id"), ["actor_id"], unique=False
        )

    op.create_table(
        "reports",
        sa.Column("actor_id", sa.BigInteger(), nullable=False),
        sa.Column("target_id", sa.BigInteger(), nullable=False),
        sa.Column("status_ids", _json(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("rule_ids", _json(), nullable=True),
        sa.Column("forwarded", sa.Boolean(), nullable=False),
        sa.Column("uri", sa.String(length=2048), nullable=True),
        sa.Column("action_taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_reports_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["actors.id"],
            name=op.f("fk_reports_target_id_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reports_actor_id"), ["actor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reports_target_id"), ["target_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_reports_uri"), ["uri"], unique=False)

    op.create_table(
        "post_cards",
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column("card_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["preview_cards.id"],
            name=op.f("fk_post_cards_card_id_preview_cards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_post_cards_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("post_id", name=op.f("pk_post_cards")),
    )
    with op.batch_alter_table("post_cards", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_post_cards_card_id"), ["card_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("post_cards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_cards_card_id"))

    op.drop_table("post_cards")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reports_uri"))
        batch_op.drop_index(batch_op.f("ix_reports_target_id"))
        batch_op.drop_index(batch_op.f("ix_reports_actor_id"))

    op.drop_table("reports")
    with op.batch_alter_table("announcement_reactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_announcement_reactions_actor_id"))

    op.drop_table("announcement_reactions")
    op.drop_table("announcement_dismissals")
    op.drop_table("preview_cards")
    op.drop_table("announcements")
