"""Which media a local post shows: attaching uploads to a status, and what happens
to them when the status is deleted.

Media dropped from a post, or left by a deleted one, stay stored and free, so that
"delete and redraft" can post them again; Mastodon's `delete_media` deletes them.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Unprocessable
from fedcity.services.limits import MAX_MEDIA_ATTACHMENTS
from fedcity.services.statuses.media import is_free, stored_paths
from fedcity.storage.models import Actor, MediaAttachment, MediaType, Post
from fedcity.storage.queries import media as q


def check_count(media_ids: Sequence[int]) -> list[int]:
    """The ids without repeats, in their order.

    Raises:
        Unprocessable: more than MAX_MEDIA_ATTACHMENTS.
    """
    ids = list(dict.fromkeys(media_ids))
    if len(ids) > MAX_MEDIA_ATTACHMENTS:
        raise Unprocessable(
            "Validation failed: Cannot attach more than {limit} files",
            limit=MAX_MEDIA_ATTACHMENTS,
        )
    return ids


async def set_post_media(
    session: AsyncSession, actor: Actor, post: Post, media_ids: Sequence[int]
) -> list[MediaAttachment]:
    """Make `media_ids` (in that order) the post's attachments. Each must belong to
    `actor` and be free: never attached, or attached to this post or to a deleted one
    (delete and redraft). Media dropped from the post stay stored, unattached."""
    ids = check_count(media_ids)
    found = await q.list_media_by_ids(session, ids)
    rows: list[MediaAttachment] = []
    for media_id in ids:
        row = found.get(media_id)
        if row is None or row.actor_id != actor.id:
            raise Unprocessable(
                "Validation failed: Media attachment {id} was not found", id=media_id
            )
        if not await is_free(session, row, post.id):
            raise Unprocessable(
                "Validation failed: Media attachment {id} is already "
                "attached to another status",
                id=media_id,
            )
        rows.append(row)
    kinds = {row.type for row in rows}
    if len(rows) > 1 and kinds & {MediaType.VIDEO, MediaType.AUDIO}:
        raise Unprocessable(
            "Validation failed: Cannot attach a video or audio file with other files"
        )
    await session.execute(
        update(MediaAttachment)
        .where(MediaAttachment.post_id == post.id, MediaAttachment.id.not_in(ids))
        .values(post_id=None, position=0)
        .execution_options(synchronize_session="fetch")
    )
    for position, row in enumerate(rows):
        row.post_id, row.position = post.id, position
    await session.flush()
    return rows


async def count_post_media(session: AsyncSession, post_id: int) -> int:
    """How many attachments the post has (a status with media may have no text)."""
    return len(await q.list_media_for_post(session, post_id))


async def delete_post_media(session: AsyncSession, post_id: int) -> list[str]:
    """Delete the post's media rows (a status deleted with `delete_media`, as
    Mastodon does); returns their stored paths, for `media.discard_files` once the
    change is committed."""
    rows = await q.list_media_for_post(session, post_id)
    paths = [path for row in rows for path in stored_paths(row)]
    for row in rows:
        await session.delete(row)
    await session.flush()
    return paths
