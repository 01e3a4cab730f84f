"""web_sessions, and the web front's account settings: interface language and
two-factor sign-in (TOTP secret, recovery code digests)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=False),
        sa.Column("user_agent", sa.String(length=512), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_web_sessions_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_web_sessions_token_digest")),
    )
    op.create_index(
        op.f("ix_web_sessions_actor_id"), "web_sessions", ["actor_id"], unique=False
    )
    op.add_column("users", sa.Column("locale", sa.String(length=16), nullable=True))
    op.add_column(
        "users", sa.Column("otp_secret", sa.String(length=64), nullable=True)
    )
    op.add_column(
        "users",
        sa.Column("otp_enabled_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.add_column("users", sa.Column("otp_recovery_digests", _json(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("otp_recovery_digests")
        batch_op.drop_column("otp_enabled_at")
        batch_op.drop_column("otp_secret")
        batch_op.drop_column("locale")
    op.drop_index(op.f("ix_web_sessions_actor_id"), table_name="web_sessions")
    op.drop_table("web_sessions")
