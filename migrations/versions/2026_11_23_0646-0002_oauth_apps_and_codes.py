"""oauth apps and codes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 06:46:12.925441
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "oauth_apps",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("website", sa.String(length=2048), nullable=True),
        sa.Column("redirect_uris", sa.Text(), nullable=False),
        sa.Column("scopes", sa.String(length=1024), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("client_secret", sa.String(length=64), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_apps")),
        sa.UniqueConstraint("client_id", name=op.f("uq_oauth_apps_client_id")),
    )
    op.create_table(
        "oauth_authorization_codes",
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=False),
        sa.Column("redirect_uri", sa.String(length=2048), nullable=False),
        sa.Column("scopes", sa.String(length=1024), nullable=False),
        sa.Column("code_challenge", sa.String(length=128), nullable=True),
        sa.Column("code_challenge_method", sa.String(length=16), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_oauth_authorization_codes_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["app_id"],
            ["oauth_apps.id"],
            name=op.f("fk_oauth_authorization_codes_app_id_oauth_apps"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_authorization_codes")),
        sa.UniqueConstraint(
            "code_digest", name=op.f("uq_oauth_authorization_codes_code_digest")
        ),
    )
    with op.batch_alter_table("access_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("app_id", sa.BigInteger(), nullable=True))
        batch_op.alter_column("actor_id", existing_type=sa.BIGINT(), nullable=True)
        batch_op.create_index(
            batch_op.f("ix_access_tokens_app_id"), ["app_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_access_tokens_app_id_oauth_apps"),
            "oauth_apps",
            ["app_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("access_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_access_tokens_app_id_oauth_apps"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_access_tokens_app_id"))
        batch_op.alter_column("actor_id", existing_type=sa.BIGINT(), nullable=False)
        batch_op.drop_column("app_id")

    op.drop_table("oauth_authorization_codes")
    op.drop_table("oauth_apps")
