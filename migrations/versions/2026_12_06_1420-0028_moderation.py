"""moderation (issue 12): account suspension, silence and sensitive flags, the
moderators' handling of reports, account warnings and the admin action log

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 14:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACCOUNT_FLAGS = ("suspended_at", "silenced_at", "sensitized_at")
REPORT_MODERATORS = ("assigned_account_id", "action_taken_by_account_id")


def upgrade() -> None:
    with op.batch_alter_table("actors") as batch:
        for column in ACCOUNT_FLAGS:
            batch.add_column(
                sa.Column(column, sa.DateTime(timezone=True), nullable=True)
            )
    with op.batch_alter_table("reports") as batch:
        for column in REPORT_MODERATORS:
            batch.add_column(sa.Column(column, sa.BigInteger(), nullable=True))
            batch.create_foreign_key(
                op.f(f"fk_reports_{column}_actors"),
                "actors",
                [column],
                ["id"],
                ondelete="SET NULL",
            )
        batch.add_column(
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "account_warnings",
        sa.Column("target_id", sa.BigInteger(), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("report_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "status_ids",
            sa.JSON().with_variant(
                postgresql.JSONB(astext_type=sa.Text()), "postgresql"
            ),
            nullable=False,
        ),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_account_warnings_actor_id_actors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_account_warnings_report_id_reports"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["actors.id"],
            name=op.f("fk_account_warnings_target_id_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_warnings")),
    )
    op.create_index(
        op.f("ix_account_warnings_target_id"),
        "account_warnings",
        ["target_id"],
        unique=False,
    )
    op.create_table(
        "admin_actions",
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("account", sa.String(length=512), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("target_type", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.BigInteger(), nullable=True),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_admin_actions_actor_id_actors"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_actions")),
    )
    op.create_index(
        op.f("ix_admin_actions_actor_id"), "admin_actions", ["actor_id"], unique=False
    )
    op.create_index(
        "ix_admin_actions_target_type_target_id",
        "admin_actions",
        ["target_type", "target_id"],
        unique=False,
    )
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(
            sa.Column("account_warning_id", sa.BigInteger(), nullable=True)
        )
        batch.create_foreign_key(
            op.f("fk_notifications_account_warning_id_account_warnings"),
            "account_warnings",
            ["account_warning_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(
            op.f("fk_notifications_account_warning_id_account_warnings"),
            type_="foreignkey",
        )
        batch.drop_column("account_warning_id")
    op.drop_index("ix_admin_actions_target_type_target_id", table_name="admin_actions")
    op.drop_index(op.f("ix_admin_actions_actor_id"), table_name="admin_actions")
    op.drop_table("admin_actions")
    op.drop_index(op.f("ix_account_warnings_target_id"), table_name="account_warnings")
    op.drop_table("account_warnings")
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("updated_at")
        for column in REPORT_MODERATORS:
            batch.drop_constraint(
                op.f(f"fk_reports_{column}_actors"), type_="foreignkey"
            )
            batch.drop_column(column)
    with op.batch_alter_table("actors") as batch:
        for column in ACCOUNT_FLAGS:
            batch.drop_column(column)
