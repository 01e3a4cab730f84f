"""seat accounts and succession (issue 11): who held a seat account when
(`seat_holders`), the one-time sign-in links of a handover (`handover_links`),
and on posts the holder period each seat post was written in (`posts.holder_id`)

`posts` gains its column by a plain ADD COLUMN on both engines: a batch "move and
copy" on SQLite would copy every post and drop the full-text triggers of
revision 0011 with the old table.

Revision ID: 0024
Revises: 0022
Create Date: 2026-12-06 13:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_posts_holder_id_seat_holders"


def upgrade() -> None:
    op.create_table(
        "seat_holders",
        sa.Column("seat_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("archive_name", sa.String(length=255), nullable=True),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["seat_id"],
            ["actors.id"],
            name=op.f("fk_seat_holders_seat_id_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seat_holders")),
        sa.UniqueConstraint("archive_name", name=op.f("uq_seat_holders_archive_name")),
    )
    op.create_index(
        op.f("ix_seat_holders_seat_id"), "seat_holders", ["seat_id"], unique=False
    )
    op.create_table(
        "handover_links",
        sa.Column("seat_id", sa.BigInteger(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["seat_id"],
            ["actors.id"],
            name=op.f("fk_handover_links_seat_id_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_links")),
        sa.UniqueConstraint(
            "token_digest", name=op.f("uq_handover_links_token_digest")
        ),
    )
    op.create_index(
        op.f("ix_handover_links_seat_id"), "handover_links", ["seat_id"], unique=False
    )
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its REFERENCES clause, not a constraint later.
        op.execute(
            f"ALTER TABLE posts ADD COLUMN holder_id BIGINT CONSTRAINT {FK} "
            "REFERENCES seat_holders (id)"
        )
    else:
        op.add_column("posts", sa.Column("holder_id", sa.BigInteger(), nullable=True))
        op.create_foreign_key(
            FK, "posts", "seat_holders", ["holder_id"], ["id"]
        )
    op.create_index(op.f("ix_posts_holder_id"), "posts", ["holder_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_posts_holder_id"), table_name="posts")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite 3.35+ drops a column that no index or constraint of the table
        # needs; its REFERENCES clause goes with it.
        op.execute("ALTER TABLE posts DROP COLUMN holder_id")
    else:
        op.drop_constraint(FK, "posts", type_="foreignkey")
        op.drop_column("posts", "holder_id")
    op.drop_index(op.f("ix_handover_links_seat_id"), table_name="handover_links")
    op.drop_table("handover_links")
    op.drop_index(op.f("ix_seat_holders_seat_id"), table_name="seat_holders")
    op.drop_table("seat_holders")
