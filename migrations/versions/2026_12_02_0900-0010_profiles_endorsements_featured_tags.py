"""profiles: endorsements, featured tags, account notes, dismissed suggestions;
posting defaults on users; hide_collections and attribution_domains on actors

Revision ID: 0010
Revises: 0011
Create Date: 2026-12-02 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, the column that names the account, the column it is about)
PAIR_TABLES = (
    ("endorsements", "target_id", "actors"),
    ("featured_tags", "tag_id", "tags"),
    ("account_notes", "target_id", "actors"),
    ("suggestion_dismissals", "target_id", "actors"),
)


def _pair_table(name: str, other: str, other_table: str) -> None:
    """A table of (actor, other) pairs, unique per pair, cascading on delete."""
    extra = [sa.Column("comment", sa.Text(), nullable=False)] if name == "account_notes" else []
    op.create_table(
        name,
        sa.Column("actor_id", sa.BigInteger(), nullable=False),
        sa.Column(other, sa.BigInteger(), nullable=False),
        *extra,
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f(f"fk_{name}_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            [other],
            [f"{other_table}.id"],
            name=op.f(f"fk_{name}_{other}_{other_table}"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("actor_id", other, name=op.f(f"uq_{name}_actor_id")),
    )
    op.create_index(op.f(f"ix_{name}_{other}"), name, [other], unique=False)


def upgrade() -> None:
    for name, other, other_table in PAIR_TABLES:
        _pair_table(name, other, other_table)
    # Plain ADD COLUMN (nullable, no default) rather than batch mode: rebuilding
    # `actors` on SQLite would lose its expression index on lower(username).
    op.add_column("actors", sa.Column("hide_collections", sa.Boolean(), nullable=True))
    op.add_column(
        "actors",
        sa.Column(
            "attribution_domains",
            sa.JSON().with_variant(
                postgresql.JSONB(astext_type=sa.Text()), "postgresql"
            ),
            nullable=True,
        ),
    )
    op.add_column("users", sa.Column("default_privacy", sa.String(16), nullable=True))
    op.add_column("users", sa.Column("default_sensitive", sa.Boolean(), nullable=True))
    op.add_column("users", sa.Column("default_language", sa.String(16), nullable=True))


def downgrade() -> None:
    # SQLite 3.35+ drops columns in place (ALTER TABLE … DROP COLUMN).
    for column in ("default_language", "default_sensitive", "default_privacy"):
        op.drop_column("users", column)
    for column in ("attribution_domains", "hide_collections"):
        op.drop_column("actors", column)
    for name, other, _ in reversed(PAIR_TABLES):
        op.drop_index(op.f(f"ix_{name}_{other}"), table_name=name)
        op.drop_table(name)
