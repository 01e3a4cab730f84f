"""web push: the instance's VAPID key and push subscriptions

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 03:33:35
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "instance_keys",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("private_key_pem", sa.Text(), nullable=False),
        sa.Column("public_key", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_instance_keys")),
    )
    op.create_table(
        "web_push_subscriptions",
        sa.Column("actor_id", sa.BigInteger(), nullable=False),
        sa.Column("access_token_id", sa.BigInteger(), nullable=False),
        sa.Column("access_token", sa.String(length=255), nullable=False),
        sa.Column("endpoint", sa.String(length=2048), nullable=False),
        sa.Column("key_p256dh", sa.String(length=255), nullable=False),
        sa.Column("key_auth", sa.String(length=255), nullable=False),
        sa.Column("standard", sa.Boolean(), nullable=False),
        sa.Column("alerts", _json(), nullable=False),
        sa.Column("policy", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["access_token_id"],
            ["access_tokens.id"],
            name=op.f("fk_web_push_subscriptions_access_token_id_access_tokens"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_web_push_subscriptions_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_push_subscriptions")),
        sa.UniqueConstraint(
            "access_token_id",
            name=op.f("uq_web_push_subscriptions_access_token_id"),
        ),
    )
    with op.batch_alter_table("web_push_subscriptions") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_web_push_subscriptions_actor_id"), ["actor_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("web_push_subscriptions") as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_push_subscriptions_actor_id"))
    op.drop_table("web_push_subscriptions")
    op.drop_table("instance_keys")
