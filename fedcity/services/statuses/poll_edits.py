"""A local post's poll when the post is edited, as Mastodon's UpdateStatusService
treats it: the edit carries the poll again (or none, which removes it); other
options or a change of `multiple` make it a new poll whose votes start from zero;
the same options keep the votes and restart the poll's clock."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.jobs.kinds import JobKind
from fedcity.jobs.queue import enqueue
from fedcity.services.statuses.polls import (
    NewPoll,
    attach_poll,
    check_new_poll,
    refresh_emojis,
)
from fedcity.storage.models import Poll, Post
from fedcity.storage.queries import polls as q
from fedcity.storage.types import utcnow


async def replace_poll(
    session: AsyncSession, post: Post, cmd: NewPoll | None
) -> Poll | None:
    """Apply an edit's poll to `post` in the edit's transaction (the post's Update
    renders the result). Raises: Unprocessable: an invalid poll."""
    existing = await q.get_poll_by_post_id(session, post.id)
    if cmd is None:
        if existing is not None:
            await session.delete(existing)  # its votes go with it (cascade)
            post.object_type = "Note"
            await session.flush()
        return None
    check_new_poll(cmd)
    if existing is not None and (
        list(existing.options) != list(cmd.options) or existing.multiple != cmd.multiple
    ):
        await session.delete(existing)
        await session.flush()
        existing = None
    if existing is None:
        return await attach_poll(session, post, cmd)
    existing.hide_totals = cmd.hide_totals
    await refresh_emojis(session, post, existing)  # the edit re-read the text alone
    existing.closed_at = None
    existing.expires_at = utcnow() + timedelta(seconds=cmd.expires_in)
    # The earlier close job finds the poll not yet over and does nothing.
    await enqueue(
        session,
        JobKind.CLOSE_POLL,
        {"poll_id": existing.id},
        dedupe_key=f"close_poll:{existing.id}:{int(existing.expires_at.timestamp())}",
        run_at=existing.expires_at,
    )
    await session.flush()
    return existing
