"""access_tokens.code_id: the authorization code a token was exchanged for

So that an authorization code presented again revokes the tokens it issued, as RFC
6749 §4.1.2 asks. Tokens issued before this revision, or by other grants, have none.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("access_tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("code_id", sa.BigInteger(), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_access_tokens_code_id"),
            ["code_id"],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_access_tokens_code_id_oauth_authorization_codes"),
            "oauth_authorization_codes",
            ["code_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("access_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_access_tokens_code_id_oauth_authorization_codes"),
            type_="foreignkey",
        )
        batch_op.drop_index(batch_op.f("ix_access_tokens_code_id"))
        batch_op.drop_column("code_id")
