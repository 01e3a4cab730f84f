"""Announcements: notices the instance's admins publish (with `fedcity announcement
create`) to every local account, which each account may dismiss and react to with
Unicode emoji or the instance's custom emoji, as on Mastodon."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity import text
from fedcity.errors import NotFound, Unprocessable
from fedcity.i18n import N_
from fedcity.services.limits import MAX_REACTION_NAME, check_length
from fedcity.services.statuses import custom_emojis
from fedcity.services.statuses.custom_emojis import EmojiRef
from fedcity.storage.models import (
    Actor,
    Announcement,
    AnnouncementDismissal,
    AnnouncementReaction,
)
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.types import utcnow
from fedcity.urls import Urls

MAX_REACTION_KINDS = 8  # Mastodon's ReactionValidator::LIMIT


@dataclass(frozen=True)
class NewAnnouncement:
    text: str
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    all_day: bool = False


async def _local_mentions(session: AsyncSession, body: str) -> dict[str, Actor]:
    found: dict[str, Actor] = {}
    for ref in text.extract_mentions(body):
        actor = await actor_q.get_local_actor(session, ref.username)
        if ref.domain is None and actor is not None:
            found[ref.handle.lower()] = actor
    return found


def _check(cmd: NewAnnouncement) -> None:
    if not cmd.text.strip():
        raise Unprocessable("Validation failed: Text can't be blank")
    if cmd.starts_at and cmd.ends_at and cmd.ends_at < cmd.starts_at:
        raise Unprocessable("Validation failed: Ends at must be after the start")


async def _render(session: AsyncSession, urls: Urls, body: str) -> str:
    mentions = await _local_mentions(session, body)

    def mention_url(ref: text.MentionRef) -> str | None:
        actor = mentions.get(ref.handle.lower())
        return (actor.url or actor.uri) if actor else None

    return text.render_plain_text(body, mention_url=mention_url, tag_url=urls.tag)


def _all_day(cmd: NewAnnouncement) -> bool:
    return cmd.all_day and (cmd.starts_at is not None or cmd.ends_at is not None)


async def create(
    session: AsyncSession, urls: Urls, cmd: NewAnnouncement
) -> Announcement:
    """Publish an announcement now. `starts_at`/`ends_at` say when the event it
    announces happens (Mastodon's meaning), not when it is shown.

    Raises:
        Unprocessable: empty text, or an end before the start.
    """
    _check(cmd)
    now = utcnow()
    row = Announcement(
        text=cmd.text,
        content=await _render(session, urls, cmd.text),
        starts_at=cmd.starts_at,
        ends_at=cmd.ends_at,
        all_day=_all_day(cmd),
        published=True,
        published_at=now,
        updated_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def update(
    session: AsyncSession, urls: Urls, announcement_id: int, cmd: NewAnnouncement
) -> Announcement:
    """Change an announcement's text and dates (the admin pages' edit form).

    Raises:
        NotFound: no such announcement.
        Unprocessable: empty text, or an end before the start.
    """
    row = await get(session, announcement_id)
    _check(cmd)
    row.text = cmd.text
    row.content = await _render(session, urls, cmd.text)
    row.starts_at, row.ends_at, row.all_day = cmd.starts_at, cmd.ends_at, _all_day(cmd)
    row.updated_at = utcnow()
    await session.flush()
    return row


async def set_published(
    session: AsyncSession, announcement_id: int, published: bool
) -> Announcement:
    """Show an announcement to every account again, or withdraw it without deleting
    it; publishing makes it new (Mastodon's `published_at`).

    Raises:
        NotFound: no such announcement.
    """
    row = await get(session, announcement_id)
    if row.published != published:
        row.published = published
        row.updated_at = utcnow()
        if published:
            row.published_at = row.updated_at
        await session.flush()
    return row


class Phase(StrEnum):
    """Where an announcement stands, as the admin pages list it."""

    UNPUBLISHED = "unpublished"
    SCHEDULED = "scheduled"  # the event it announces has not started yet
    ACTIVE = "active"
    ENDED = "ended"  # the event it announces is over


def phase(row: Announcement, now: datetime | None = None) -> Phase:
    now = now or utcnow()
    if not row.published:
        return Phase.UNPUBLISHED
    if row.ends_at is not None and row.ends_at < now:
        return Phase.ENDED
    if row.starts_at is not None and row.starts_at > now:
        return Phase.SCHEDULED
    return Phase.ACTIVE


async def delete(session: AsyncSession, announcement_id: int) -> None:
    """Raises: NotFound: no such announcement."""
    await session.delete(await get(session, announcement_id))
    await session.flush()


async def get(session: AsyncSession, announcement_id: int) -> Announcement:
    row = await session.get(Announcement, announcement_id)
    if row is None:
        raise NotFound()
    return row


async def _published(session: AsyncSession, announcement_id: int) -> Announcement:
    """An announcement accounts can see; an unpublished one is not found (as in
    Mastodon, which looks only among the published ones)."""
    row = await get(session, announcement_id)
    if not row.published:
        raise NotFound()
    return row


@dataclass(frozen=True)
class Reaction:
    name: str
    count: int
    me: bool
    emoji: EmojiRef | None = None  # when `name` is a custom emoji's shortcode


@dataclass(frozen=True)
class Shown:
    """An announcement as one account sees it."""

    announcement: Announcement
    read: bool
    reactions: list[Reaction]
    mentions: list[Actor] = field(default_factory=list)
    emojis: list[EmojiRef] | None = None  # the custom emoji its text uses


async def list_for(session: AsyncSession, viewer: Actor | None) -> list[Shown]:
    """Every published announcement, in Mastodon's order (by event start, else
    publication), with the viewer's read mark and the reactions."""
    rows = list(
        await session.scalars(
            select(Announcement)
            .where(Announcement.published.is_(True))
            .order_by(
                func.coalesce(Announcement.starts_at, Announcement.published_at),
                Announcement.id,
            )
        )
    )
    return await _shown(session, rows, viewer)


async def list_all(session: AsyncSession) -> list[Announcement]:
    return list(await session.scalars(select(Announcement).order_by(Announcement.id)))


async def _shown(
    session: AsyncSession, rows: Sequence[Announcement], viewer: Actor | None
) -> list[Shown]:
    ids = [row.id for row in rows]
    if not ids:
        return []
    read: set[int] = set()
    if viewer is not None:
        read = set(
            await session.scalars(
                select(AnnouncementDismissal.announcement_id).where(
                    AnnouncementDismissal.actor_id == viewer.id,
                    AnnouncementDismissal.announcement_id.in_(ids),
                )
            )
        )
    reactions = await _reactions(session, ids, viewer)
    return [
        Shown(
            row,
            row.id in read,
            reactions.get(row.id, []),
            list((await _local_mentions(session, row.text)).values()),
            await custom_emojis.local_refs(session, [row.text]),
        )
        for row in rows
    ]


async def _reactions(
    session: AsyncSession, ids: Sequence[int], viewer: Actor | None
) -> dict[int, list[Reaction]]:
    viewer_id = viewer.id if viewer is not None else None
    mine = func.max(case((AnnouncementReaction.actor_id == viewer_id, 1), else_=0))
    rows = await session.execute(
        select(
            AnnouncementReaction.announcement_id,
            AnnouncementReaction.name,
            func.count(),
            func.min(AnnouncementReaction.id),
            mine,
        )
        .where(AnnouncementReaction.announcement_id.in_(ids))
        .group_by(AnnouncementReaction.announcement_id, AnnouncementReaction.name)
        .order_by(func.min(AnnouncementReaction.id))
    )
    found = rows.all()
    custom = {
        ref["shortcode"]: ref
        for ref in await custom_emojis.refs_for_shortcodes(
            session, {name for _, name, *_ in found}
        )
    }
    out: dict[int, list[Reaction]] = {}
    for announcement_id, name, count, _, me in found:
        out.setdefault(announcement_id, []).append(
            Reaction(name, int(count), bool(me), custom.get(name))
        )
    return out


async def dismiss(session: AsyncSession, viewer: Actor, announcement_id: int) -> None:
    row = await _published(session, announcement_id)
    key = {"announcement_id": row.id, "actor_id": viewer.id}
    if await session.get(AnnouncementDismissal, key) is None:
        session.add(AnnouncementDismissal(**key))
        await session.flush()


async def _check_emoji(session: AsyncSession, name: str) -> None:
    """A reaction is a single Unicode emoji or a custom emoji's shortcode."""
    check_length(N_("Name"), name, MAX_REACTION_NAME)
    if await custom_emojis.refs_for_shortcodes(session, [name]):
        return
    # The emoji table costs ~8 MiB and 12 ms to load; only reactions need it, so
    # it is imported here rather than at every process start.
    import emoji

    if not emoji.is_emoji(name):
        raise Unprocessable("Validation failed: Name is not a recognized emoji")


async def add_reaction(
    session: AsyncSession, viewer: Actor, announcement_id: int, name: str
) -> None:
    """Raises: NotFound; Unprocessable: not an emoji, or an 9th kind of reaction."""
    row = await _published(session, announcement_id)
    await _check_emoji(session, name)
    names = set(
        await session.scalars(
            select(AnnouncementReaction.name).where(
                AnnouncementReaction.announcement_id == row.id
            )
        )
    )
    if name not in names and len(names) >= MAX_REACTION_KINDS:
        raise Unprocessable(
            "Validation failed: Maximum number of different reactions reached"
        )
    existing = await session.scalar(
        select(AnnouncementReaction).where(
            AnnouncementReaction.announcement_id == row.id,
            AnnouncementReaction.actor_id == viewer.id,
            AnnouncementReaction.name == name,
        )
    )
    if existing is None:
        session.add(
            AnnouncementReaction(announcement_id=row.id, actor_id=viewer.id, name=name)
        )
        await session.flush()


async def remove_reaction(
    session: AsyncSession, viewer: Actor, announcement_id: int, name: str
) -> None:
    row = await _published(session, announcement_id)
    existing = await session.scalar(
        select(AnnouncementReaction).where(
            AnnouncementReaction.announcement_id == row.id,
            AnnouncementReaction.actor_id == viewer.id,
            AnnouncementReaction.name == name,
        )
    )
    if existing is not None:
        await session.delete(existing)
        await session.flush()
