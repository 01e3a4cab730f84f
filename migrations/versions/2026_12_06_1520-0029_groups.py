"""groups (issue 13): a local group's settings beside its `Group` actor, and its
moderators

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 15:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "groups",
        sa.Column("actor_id", sa.BigInteger(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("policy", sa.String(length=16), nullable=False),
        sa.Column("quorum_guard", sa.String(length=16), nullable=False),
        sa.Column("rules", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.BigInteger(), nullable=True),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_groups_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["actors.id"],
            name=op.f("fk_groups_created_by_id_actors"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_groups")),
        sa.UniqueConstraint("actor_id", name=op.f("uq_groups_actor_id")),
    )
    op.create_table(
        "group_moderators",
        sa.Column("group_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["actors.id"],
            name=op.f("fk_group_moderators_account_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_group_moderators_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_moderators")),
        sa.UniqueConstraint(
            "group_id", "account_id", name=op.f("uq_group_moderators_group_id")
        ),
    )
    op.create_index(
        op.f("ix_group_moderators_account_id"),
        "group_moderators",
        ["account_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_group_moderators_account_id"), table_name="group_moderators"
    )
    op.drop_table("group_moderators")
    op.drop_table("groups")
