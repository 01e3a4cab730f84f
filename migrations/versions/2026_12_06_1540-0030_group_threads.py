"""group threads, the posts groups carry, group bans, and approval of proposed groups
(issue 13)

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06 15:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "group_bans",
        sa.Column("group_actor_id", sa.BigInteger(), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("block_uri", sa.String(length=2048), nullable=True),
        sa.Column("banned_by_id", sa.BigInteger(), nullable=True),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_group_bans_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["banned_by_id"],
            ["actors.id"],
            name=op.f("fk_group_bans_banned_by_id_actors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_actor_id"],
            ["actors.id"],
            name=op.f("fk_group_bans_group_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_bans")),
        sa.UniqueConstraint(
            "group_actor_id", "actor_id", name=op.f("uq_group_bans_group_actor_id")
        ),
    )
    with op.batch_alter_table("group_bans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_bans_actor_id"), ["actor_id"], unique=False
        )

    op.create_table(
        "group_threads",
        sa.Column("group_actor_id", sa.BigInteger(), nullable=False),
        sa.Column("root_post_id", sa.BigInteger(), nullable=False),
        sa.Column("context_uri", sa.String(length=2048), nullable=True),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pinned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posts_count", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_actor_id"],
            ["actors.id"],
            name=op.f("fk_group_threads_group_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["root_post_id"],
            ["posts.id"],
            name=op.f("fk_group_threads_root_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_threads")),
        sa.UniqueConstraint(
            "group_actor_id",
            "root_post_id",
            name=op.f("uq_group_threads_group_actor_id"),
        ),
    )
    with op.batch_alter_table("group_threads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_threads_context_uri"), ["context_uri"], unique=False
        )
        batch_op.create_index(
            "ix_group_threads_group_activity",
            ["group_actor_id", "last_activity_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_group_threads_root_post_id"), ["root_post_id"], unique=False
        )

    op.create_table(
        "group_posts",
        sa.Column("group_actor_id", sa.BigInteger(), nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=False),
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column("announce_uri", sa.String(length=2048), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_by_id", sa.BigInteger(), nullable=True),
        sa.Column("removal_reason", sa.Text(), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_actor_id"],
            ["actors.id"],
            name=op.f("fk_group_posts_group_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_group_posts_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["removed_by_id"],
            ["actors.id"],
            name=op.f("fk_group_posts_removed_by_id_actors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["group_threads.id"],
            name=op.f("fk_group_posts_thread_id_group_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_posts")),
        sa.UniqueConstraint(
            "group_actor_id", "post_id", name=op.f("uq_group_posts_group_actor_id")
        ),
    )
    with op.batch_alter_table("group_posts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_posts_post_id"), ["post_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_group_posts_thread_id"), ["thread_id"], unique=False
        )

    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True)
        )
    # Groups made before approval existed were all made by an operator.
    groups = sa.table("groups", sa.column("approved_at"), sa.column("created_at"))
    op.execute(groups.update().values(approved_at=groups.c.created_at))


def downgrade() -> None:
    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.drop_column("approved_at")

    with op.batch_alter_table("group_posts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_posts_thread_id"))
        batch_op.drop_index(batch_op.f("ix_group_posts_post_id"))

    op.drop_table("group_posts")
    with op.batch_alter_table("group_threads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_threads_root_post_id"))
        batch_op.drop_index("ix_group_threads_group_activity")
        batch_op.drop_index(batch_op.f("ix_group_threads_context_uri"))

    op.drop_table("group_threads")
    with op.batch_alter_table("group_bans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_bans_actor_id"))

    op.drop_table("group_bans")
