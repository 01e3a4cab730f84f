"""official audit and directory (issue 11): the audit log of official-capacity
accounts' moderation, replies an author removed from its threads, and the
directory's index of attested offices

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 13:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "official_actions",
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("account", sa.String(length=512), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("target_account_id", sa.BigInteger(), nullable=True),
        sa.Column("target_status_id", sa.BigInteger(), nullable=True),
        sa.Column("target_domain", sa.String(length=255), nullable=True),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("target_url", sa.String(length=2048), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_official_actions_actor_id_actors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["target_account_id"],
            ["actors.id"],
            name=op.f("fk_official_actions_target_account_id_actors"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_official_actions")),
    )
    op.create_index(
        "ix_official_actions_actor_id_id",
        "official_actions",
        ["actor_id", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_official_actions_target_account_id"),
        "official_actions",
        ["target_account_id"],
        unique=False,
    )
    op.create_table(
        "removed_replies",
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_removed_replies_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_removed_replies_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_removed_replies")),
        sa.UniqueConstraint("post_id", name=op.f("uq_removed_replies_post_id")),
    )
    op.create_index(
        op.f("ix_removed_replies_actor_id"),
        "removed_replies",
        ["actor_id"],
        unique=False,
    )
    op.create_table(
        "office_listings",
        sa.Column("actor_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("jurisdiction", sa.Text(), nullable=False),
        sa.Column("ocd_id", sa.String(length=512), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("election_date", sa.Date(), nullable=True),
        sa.Column("trusted", sa.Boolean(), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_office_listings_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_listings")),
    )
    for column in ("actor_id", "role", "state", "ocd_id"):
        op.create_index(
            op.f(f"ix_office_listings_{column}"),
            "office_listings",
            [column],
            unique=False,
        )
    _index_existing_offices()


def _index_existing_offices() -> None:
    """Offices attested before this revision: one listing row per current
    attestation (all local or checked; a failed check is not trusted)."""
    op.execute(
        """
        INSERT INTO office_listings (id, actor_id, kind, role, state, jurisdiction,
            ocd_id, valid_from, valid_until, election_date, trusted)
        SELECT id, subject_id, kind, role, state, jurisdiction, ocd_id, valid_from,
            valid_until, election_date,
            CASE WHEN check_status = 'unverified' THEN false ELSE true END
        FROM attestations WHERE revoked_at IS NULL
        """
    )


def downgrade() -> None:
    for column in ("ocd_id", "state", "role", "actor_id"):
        op.drop_index(op.f(f"ix_office_listings_{column}"), table_name="office_listings")
    op.drop_table("office_listings")
    op.drop_index(op.f("ix_removed_replies_actor_id"), table_name="removed_replies")
    op.drop_table("removed_replies")
    op.drop_index(
        op.f("ix_official_actions_target_account_id"), table_name="official_actions"
    )
    op.drop_index("ix_official_actions_actor_id_id", table_name="official_actions")
    op.drop_table("official_actions")
