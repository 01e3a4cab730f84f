"""the library's bulk loading: the file a local item was imported from
(`library_items.import_key`, unique per author and kind), so that importing the
same file again updates the item (issue 14)

Revision ID: 0033
Revises: 0031
Create Date: 2026-12-06 17:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0033"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("library_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_key", sa.String(length=512), nullable=True))
        # NULLs are distinct on both engines: items written on the web or through
        # the API have no key and never collide.
        batch_op.create_index(
            "ix_library_items_import_key",
            ["actor_id", "kind", "import_key"],
            unique=True,
        )


def downgrade() -> None:
    with op.batch_alter_table("library_items", schema=None) as batch_op:
        batch_op.drop_index("ix_library_items_import_key")
        batch_op.drop_column("import_key")
