"""merge status extras, lists/filters/mutes and polls

Three revisions were written in parallel on top of 0003; this one joins them so the
schema has a single head again. It changes nothing itself.

Revision ID: 0007
Revises: 0004, 0005, 0006
Create Date: 2026-11-23 09:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0007"
down_revision: str | Sequence[str] | None = ("0004", "0005", "0006")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
