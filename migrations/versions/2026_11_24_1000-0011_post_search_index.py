"""full-text search over posts

Adds `posts.search_text` (what search matches: content warning, the content's plain
text, poll options, media descriptions), fills it for every existing post, then
builds the index over it:
- PostgreSQL: a GIN index on `to_tsvector('simple', search_text)`;
- SQLite: an FTS5 table with external content, `posts_fts`, rebuilt from the column,
  and triggers on `posts` that keep it in step on insert, update and delete.

A later revision that rebuilds `posts` on SQLite (a batch "move and copy") drops
these triggers with the old table, and must create them again.

The backfill carries its own copy of the HTML-to-text rule as it stood when this
revision was written (`fedcity.text.html_to_text`, `services.search_index.compose`):
revisions import nothing from fedcity, so that they keep meaning what they meant.

Revision ID: 0011
Revises: 0009
Create Date: 2026-11-24 10:00:00
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from html.parser import HTMLParser
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500

_TRIGGERS = {
    "posts_fts_ai": """
        CREATE TRIGGER posts_fts_ai AFTER INSERT ON posts BEGIN
          INSERT INTO posts_fts(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
    "posts_fts_ad": """
        CREATE TRIGGER posts_fts_ad AFTER DELETE ON posts BEGIN
          INSERT INTO posts_fts(posts_fts, rowid, search_text)
          VALUES ('delete', old.id, old.search_text);
        END""",
    "posts_fts_au": """
        CREATE TRIGGER posts_fts_au AFTER UPDATE OF search_text ON posts BEGIN
          INSERT INTO posts_fts(posts_fts, rowid, search_text)
          VALUES ('delete', old.id, old.search_text);
          INSERT INTO posts_fts(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
}


def upgrade() -> None:
    op.add_column("posts", sa.Column("search_text", sa.Text(), nullable=True))
    _backfill(op.get_bind())
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_posts_search_text",
            "posts",
            [sa.text("to_tsvector('simple'::regconfig, search_text)")],
            postgresql_using="gin",
        )
        return
    op.execute(
        "CREATE VIRTUAL TABLE posts_fts USING fts5(search_text, content='posts', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
    )
    op.execute("INSERT INTO posts_fts(posts_fts) VALUES ('rebuild')")
    for ddl in _TRIGGERS.values():
        op.execute(ddl)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_posts_search_text", table_name="posts")
    else:
        for name in _TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS posts_fts")
    with op.batch_alter_table("posts") as batch:
        batch.drop_column("search_text")


# --- backfill ---------------------------------------------------------------------

_posts = sa.table(
    "posts",
    sa.column("id", sa.BigInteger()),
    sa.column("content", sa.Text()),
    sa.column("spoiler_text", sa.Text()),
    sa.column("local", sa.Boolean()),
    sa.column("attachments", sa.JSON()),
    sa.column("reblog_of_id", sa.BigInteger()),
    sa.column("deleted_at", sa.DateTime(timezone=True)),
    sa.column("search_text", sa.Text()),
)
_polls = sa.table(
    "polls", sa.column("post_id", sa.BigInteger()), sa.column("options", sa.JSON())
)
_media = sa.table(
    "media_attachments",
    sa.column("post_id", sa.BigInteger()),
    sa.column("position", sa.Integer()),
    sa.column("description", sa.Text()),
)


def _backfill(bind: sa.Connection) -> None:
    for rows in _batches(bind):
        ids = [row.id for row in rows]
        options = dict(
            bind.execute(
                sa.select(_polls.c.post_id, _polls.c.options).where(
                    _polls.c.post_id.in_(ids)
                )
            ).all()
        )
        media: dict[int, list[str | None]] = {}
        for post_id, description in bind.execute(
            sa.select(_media.c.post_id, _media.c.description)
            .where(_media.c.post_id.in_(ids))
            .order_by(_media.c.position)
        ):
            media.setdefault(post_id, []).append(description)
        values = [
            {
                "post_id": row.id,
                "text": _compose(
                    row.spoiler_text or "",
                    row.content or "",
                    _as_list(options.get(row.id)),
                    media.get(row.id, [])
                    if row.local
                    else [
                        a.get("name")
                        for a in _as_list(row.attachments)
                        if isinstance(a, dict)
                    ],
                ),
            }
            for row in rows
        ]
        bind.execute(
            _posts.update()
            .where(_posts.c.id == sa.bindparam("post_id"))
            .values(search_text=sa.bindparam("text")),
            values,
        )


def _batches(bind: sa.Connection) -> Iterator[list[Any]]:
    """Live, non-boost posts in id order, BATCH at a time."""
    last = None
    while True:
        stmt = (
            sa.select(
                _posts.c.id,
                _posts.c.content,
                _posts.c.spoiler_text,
                _posts.c.local,
                _posts.c.attachments,
            )
            .where(_posts.c.reblog_of_id.is_(None), _posts.c.deleted_at.is_(None))
            .order_by(_posts.c.id)
            .limit(BATCH)
        )
        if last is not None:
            stmt = stmt.where(_posts.c.id > last)
        rows = list(bind.execute(stmt).all())
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _compose(
    spoiler: str, content: str, options: list[Any], descriptions: list[Any]
) -> str:
    parts = [
        spoiler.strip(),
        _html_to_text(content),
        "\n\n".join(str(o) for o in options if o),
        "\n\n".join(str(d) for d in descriptions if d),
    ]
    return "\n\n".join(p for p in parts if p)


_BLOCK_TAGS = {"p", "div", "blockquote", "pre", "ul", "ol"} | {
    f"h{n}" for n in range(1, 7)
}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag in ("br", "li"):
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
        if tag == "pre":
            self.pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
        if tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data if self.pre else re.sub(r"\s+", " ", data))


def _html_to_text(source: str) -> str:
    parser = _Text()
    parser.feed(source)
    parser.close()
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", "".join(parser.parts))
    return re.sub(r"\n{3,}", "\n\n", text).strip()
