"""sign-up (issue 12): invites, one-time mail links (address confirmation and
password reset), and on users the state of a sign-up (confirmed, approved, the
reason given, the invite used, the office it claims); tokens issued at sign-up
are marked until the account may use them fully

Accounts that exist already were made by an operator: they count as confirmed
(since their creation) and approved.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 14:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_users_invite_id_invites"
USER_COLUMNS = (
    sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("approved", sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.Column("sign_up_reason", sa.Text(), nullable=True),
    sa.Column("sign_up_ip", sa.String(length=64), nullable=True),
    sa.Column("office_claim", sa.String(length=16), nullable=True),
)


def upgrade() -> None:
    op.create_table(
        "invites",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("created_by_id", sa.BigInteger(), nullable=True),
        sa.Column("max_uses", sa.BigInteger(), nullable=True),
        sa.Column("uses", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("office_role", sa.String(length=32), nullable=True),
        sa.Column("jurisdiction", sa.Text(), nullable=True),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["actors.id"],
            name=op.f("fk_invites_created_by_id_actors"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invites")),
        sa.UniqueConstraint("code", name=op.f("uq_invites_code")),
    )
    op.create_table(
        "email_tokens",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_email_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_tokens")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_email_tokens_token_digest")),
    )
    op.create_index(
        op.f("ix_email_tokens_user_id"), "email_tokens", ["user_id"], unique=False
    )
    # `users` is small (local accounts only): on SQLite the batch copies it to
    # add the foreign key, which SQLite cannot add to an existing table.
    with op.batch_alter_table("users") as batch:
        for column in USER_COLUMNS:
            batch.add_column(column)
        batch.add_column(sa.Column("invite_id", sa.BigInteger(), nullable=True))
        batch.create_foreign_key(
            FK, "invites", ["invite_id"], ["id"], ondelete="SET NULL"
        )
    op.create_index(op.f("ix_users_invite_id"), "users", ["invite_id"], unique=False)
    op.create_index(
        op.f("ix_users_office_claim"), "users", ["office_claim"], unique=False
    )
    op.execute("UPDATE users SET confirmed_at = created_at")
    op.add_column(
        "access_tokens",
        sa.Column(
            "pending_sign_up", sa.Boolean(), nullable=False, server_default=sa.false()
        ),
    )


def downgrade() -> None:
    op.drop_column("access_tokens", "pending_sign_up")
    op.drop_index(op.f("ix_users_office_claim"), table_name="users")
    op.drop_index(op.f("ix_users_invite_id"), table_name="users")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(FK, type_="foreignkey")
        batch.drop_column("invite_id")
        for column in reversed(USER_COLUMNS):
            batch.drop_column(column.name)
    op.drop_index(op.f("ix_email_tokens_user_id"), table_name="email_tokens")
    op.drop_table("email_tokens")
    op.drop_table("invites")
