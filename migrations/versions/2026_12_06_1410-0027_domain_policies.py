"""domain policies (issue 12): instance-wide domain blocks and allows, allow lists
subscribed to, and the policy version every process polls

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 14:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "domain_blocks",
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("reject_media", sa.Boolean(), nullable=False),
        sa.Column("reject_reports", sa.Boolean(), nullable=False),
        sa.Column("private_comment", sa.Text(), nullable=True),
        sa.Column("public_comment", sa.Text(), nullable=True),
        sa.Column("obfuscate", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_domain_blocks")),
        sa.UniqueConstraint("domain", name=op.f("uq_domain_blocks_domain")),
    )
    op.create_table(
        "domain_allows",
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_domain_allows")),
        sa.UniqueConstraint("domain", name=op.f("uq_domain_allows_domain")),
    )
    op.create_table(
        "allow_list_subscriptions",
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("publisher", sa.String(length=2048), nullable=True),
        sa.Column("domains", _JSON, nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allow_list_subscriptions")),
        sa.UniqueConstraint("url", name=op.f("uq_allow_list_subscriptions_url")),
    )
    op.create_table(
        "domain_policy_state",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("seeded", _JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_domain_policy_state")),
    )


def downgrade() -> None:
    op.drop_table("domain_policy_state")
    op.drop_table("allow_list_subscriptions")
    op.drop_table("domain_allows")
    op.drop_table("domain_blocks")
