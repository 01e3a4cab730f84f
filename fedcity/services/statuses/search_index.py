"""What full-text search matches for a post: `Post.search_text`.

Mastodon's `searchable_text`: the content warning, the plain text of the (sanitised)
content, the poll's options and the media descriptions, separated by blank lines.
Boosts and deleted posts have none. The services that write posts (create, edit,
remote store and update, delete, polls) call `refresh` in the same transaction; the
database's index follows the column by itself (`storage/fulltext.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import MediaAttachment, Poll, Post
from fedcity.text import html_to_text


def compose(
    spoiler_text: str,
    content_html: str,
    poll_options: Sequence[str] = (),
    media_descriptions: Iterable[str | None] = (),
) -> str:
    """The searchable text from its parts; empty parts are left out."""
    parts = [
        spoiler_text.strip(),
        html_to_text(content_html),
        "\n\n".join(o for o in poll_options if o),
        "\n\n".join(d for d in media_descriptions if d),
    ]
    return "\n\n".join(p for p in parts if p)


async def refresh(session: AsyncSession, post: Post) -> None:
    """Recompute `post.search_text` from the post, its poll and its media."""
    if post.deleted_at is not None or post.reblog_of_id is not None:
        post.search_text = None
        return
    options = await session.scalar(select(Poll.options).where(Poll.post_id == post.id))
    post.search_text = compose(
        post.spoiler_text or "",
        post.content or "",
        list(options or []),
        await _media_descriptions(session, post),
    )


async def _media_descriptions(session: AsyncSession, post: Post) -> list[str | None]:
    if not post.local:
        # Remote attachments are kept on the post; `name` is their description.
        return [a.get("name") for a in post.attachments or [] if isinstance(a, dict)]
    rows = await session.scalars(
        select(MediaAttachment.description)
        .where(MediaAttachment.post_id == post.id)
        .order_by(MediaAttachment.position)
    )
    return list(rows)


def forget(post: Post) -> None:
    """A post leaving search (deleted): nothing of it stays in the index."""
    post.search_text = None
