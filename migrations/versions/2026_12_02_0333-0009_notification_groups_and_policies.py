"""notification groups and policies: group_key and filtered on notifications;
notification policies, requests and permissions

Revision ID: 0009
Revises: 0012
Create Date: 2026-12-02 03:33:56
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _actor_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["actors.id"],
        name=op.f(f"fk_{table}_{column}_actors"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "notification_permissions",
        sa.Column("actor_id", sa.BigInteger(), nullable=False),
        sa.Column("from_actor_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _actor_fk("notification_permissions", "actor_id"),
        _actor_fk("notification_permissions", "from_actor_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_permissions")),
        sa.UniqueConstraint(
            "actor_id",
            "from_actor_id",
            name=op.f("uq_notification_permissions_actor_id"),
        ),
    )
    op.create_table(
        "notification_policies",
        sa.Column("actor_id", sa.BigInteger(), nullable=False),
        sa.Column("for_not_following", sa.String(length=8), nullable=False),
        sa.Column("for_not_followers", sa.String(length=8), nullable=False),
        sa.Column("for_new_accounts", sa.String(length=8), nullable=False),
        sa.Column("for_private_mentions", sa.String(length=8), nullable=False),
        sa.Column("for_limited_accounts", sa.String(length=8), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _actor_fk("notification_policies", "actor_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_policies")),
        sa.UniqueConstraint("actor_id", name=op.f("uq_notification_policies_actor_id")),
    )
    op.create_table(
        "notification_requests",
        sa.Column("actor_id", sa.BigInteger(), nullable=False),
        sa.Column("from_actor_id", sa.BigInteger(), nullable=False),
        sa.Column("last_post_id", sa.BigInteger(), nullable=True),
        sa.Column("notifications_count", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _actor_fk("notification_requests", "actor_id"),
        _actor_fk("notification_requests", "from_actor_id"),
        sa.ForeignKeyConstraint(
            ["last_post_id"],
            ["posts.id"],
            name=op.f("fk_notification_requests_last_post_id_posts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_requests")),
        sa.UniqueConstraint(
            "actor_id", "from_actor_id", name=op.f("uq_notification_requests_actor_id")
        ),
    )
    with op.batch_alter_table("notification_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notification_requests_actor_id_id", ["actor_id", "id"], unique=False
        )

    # Existing notifications were shown (not filtered) and stand alone (no group):
    # the server default fills the new column, then goes, as the model has none.
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_key", sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column(
                "filtered", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.create_index(
            "ix_notifications_recipient_id_from_actor_id",
            ["recipient_id", "from_actor_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_notifications_recipient_id_group_key",
            ["recipient_id", "group_key"],
            unique=False,
        )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.alter_column("filtered", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_recipient_id_group_key")
        batch_op.drop_index("ix_notifications_recipient_id_from_actor_id")
        batch_op.drop_column("filtered")
        batch_op.drop_column("group_key")

    with op.batch_alter_table("notification_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_requests_actor_id_id")

    op.drop_table("notification_requests")
    op.drop_table("notification_policies")
    op.drop_table("notification_permissions")
