"""the library: case studies and funding opportunities, their topics and states,
their former versions, and "I'm applying" marks (issue 14)

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _when(name: str, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _item_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["item_id"],
        ["library_items.id"],
        name=op.f(f"fk_{table}_item_id_library_items"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "library_items",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=False),
        sa.Column("uri", sa.String(length=2048), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("origin", sa.String(length=255), nullable=False),
        sa.Column("document", _json(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=True),
        sa.Column("ocd_id", sa.String(length=255), nullable=True),
        sa.Column("population", sa.BigInteger(), nullable=True),
        sa.Column("population_min", sa.BigInteger(), nullable=True),
        sa.Column("population_max", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=True),
        sa.Column("evidence_level", sa.String(length=32), nullable=True),
        sa.Column("cost_amount", sa.Float(), nullable=True),
        sa.Column("cost_currency", sa.String(length=3), nullable=True),
        _when("deadline", True),
        sa.Column("topics", _json(), nullable=False),
        sa.Column("indexable", sa.Boolean(), nullable=False),
        _when("updated_at", True),
        _when("withdrawn_at", True),
        sa.Column("id", sa.BigInteger(), nullable=False),
        _when("created_at", False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_library_items_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_library_items_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_items")),
        sa.UniqueConstraint("post_id", name=op.f("uq_library_items_post_id")),
        sa.UniqueConstraint("uri", name=op.f("uq_library_items_uri")),
    )
    with op.batch_alter_table("library_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_library_items_actor_id"), ["actor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_library_items_deadline"), ["deadline"], unique=False
        )
        batch_op.create_index("ix_library_items_kind_id", ["kind", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_library_items_ocd_id"), ["ocd_id"], unique=False
        )

    op.create_table(
        "library_applications",
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        _when("created_at", False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["actors.id"],
            name=op.f("fk_library_applications_account_id_actors"),
            ondelete="CASCADE",
        ),
        _item_fk("library_applications"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_applications")),
        sa.UniqueConstraint(
            "item_id", "account_id", name=op.f("uq_library_applications_item_id")
        ),
    )
    with op.batch_alter_table("library_applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_library_applications_account_id"),
            ["account_id"],
            unique=False,
        )

    for table, column, length in (
        ("library_item_states", "state", 2),
        ("library_item_topics", "topic", 32),
    ):
        op.create_table(
            table,
            sa.Column("item_id", sa.BigInteger(), nullable=False),
            sa.Column(column, sa.String(length=length), nullable=False),
            _item_fk(table),
            sa.PrimaryKeyConstraint("item_id", column, name=op.f(f"pk_{table}")),
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f(f"ix_{table}_{column}"), [column], unique=False
            )

    op.create_table(
        "library_item_versions",
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("document", _json(), nullable=False),
        _when("written_at", False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        _when("created_at", False),
        _item_fk("library_item_versions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_item_versions")),
    )
    with op.batch_alter_table("library_item_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_library_item_versions_item_id"), ["item_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("library_item_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_library_item_versions_item_id"))
    op.drop_table("library_item_versions")
    for table, column in (
        ("library_item_topics", "topic"),
        ("library_item_states", "state"),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
        op.drop_table(table)
    with op.batch_alter_table("library_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_library_applications_account_id"))
    op.drop_table("library_applications")
    with op.batch_alter_table("library_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_library_items_ocd_id"))
        batch_op.drop_index("ix_library_items_kind_id")
        batch_op.drop_index(batch_op.f("ix_library_items_deadline"))
        batch_op.drop_index(batch_op.f("ix_library_items_actor_id"))
    op.drop_table("library_items")
