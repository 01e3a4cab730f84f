"""offices (issue 11): attestations of offices and candidacies, and on actors the
capacity an account speaks in and the summary of its attested offices

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "attestations",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("issuer_uri", sa.String(length=2048), nullable=False),
        sa.Column("local", sa.Boolean(), nullable=False),
        sa.Column("uri", sa.String(length=2048), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("jurisdiction", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("population", sa.BigInteger(), nullable=True),
        sa.Column("ocd_id", sa.String(length=512), nullable=False),
        sa.Column("seats", sa.BigInteger(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("election_date", sa.Date(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", _json(), nullable=True),
        sa.Column("check_status", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["actors.id"],
            name=op.f("fk_attestations_subject_id_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attestations")),
        sa.UniqueConstraint("uri", name=op.f("uq_attestations_uri")),
    )
    op.create_index(
        op.f("ix_attestations_subject_id"), "attestations", ["subject_id"], unique=False
    )
    op.create_index(
        op.f("ix_attestations_state"), "attestations", ["state"], unique=False
    )
    op.create_index(
        op.f("ix_attestations_ocd_id"), "attestations", ["ocd_id"], unique=False
    )
    # Plain ADD COLUMN with server defaults (kept, as the model declares them): every
    # account so far speaks in a personal capacity and has no attested office.
    op.add_column(
        "actors",
        sa.Column(
            "capacity",
            sa.String(length=16),
            nullable=False,
            server_default=sa.text("'personal'"),
        ),
    )
    op.add_column(
        "actors",
        sa.Column("offices", _json(), nullable=False, server_default=sa.text("'[]'")),
    )


def downgrade() -> None:
    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.drop_column("offices")
        batch_op.drop_column("capacity")
    op.drop_index(op.f("ix_attestations_ocd_id"), table_name="attestations")
    op.drop_index(op.f("ix_attestations_state"), table_name="attestations")
    op.drop_index(op.f("ix_attestations_subject_id"), table_name="attestations")
    op.drop_table("attestations")
