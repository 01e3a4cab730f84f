"""A public-records export of a seat account (issue 11): every post written in one
holder period, with its visibility, text, media and dates, as one JSON document.
The HTML export (web/offices/records.py) is drawn from the same document, so the
two formats never disagree.

Every visibility is in it, followers-only and direct posts too: the export is for
the operator answering a request, who redacts what the law lets them withhold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound
from fedcity.services.offices.seats import years
from fedcity.storage.models import Actor, MediaAttachment, Post, SeatHolder
from fedcity.storage.queries import media as media_q
from fedcity.storage.queries import offices as q
from fedcity.storage.types import utcnow
from fedcity.urls import Urls

FORMAT = "fedcity-seat-records/1"


@dataclass(frozen=True)
class HolderRecords:
    seat: Actor
    holder: SeatHolder
    posts: list[Post]
    media: dict[int, list[MediaAttachment]]
    exported_at: datetime


async def records(
    session: AsyncSession, seat: Actor, holder_id: int | None = None
) -> HolderRecords:
    """The posts of one holder period of the seat: the one `holder_id` names,
    else the latest, oldest post first.

    Raises:
        NotFound: the seat has no such holder period (or none at all).
    """
    periods = await q.holders_of(session, seat.id)
    chosen = (
        periods[-1:] if holder_id is None else [h for h in periods if h.id == holder_id]
    )
    if not chosen:
        raise NotFound("{account} has no such holder", account=seat.username)
    [holder] = chosen
    posts = await q.posts_of_holder(session, holder.id)
    media = await media_q.list_media_for_posts(session, [p.id for p in posts])
    return HolderRecords(seat, holder, posts, media, utcnow())


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def holder_document(holder: SeatHolder) -> dict[str, Any]:
    return {
        "id": str(holder.id),
        "name": holder.name,
        "title": holder.title,
        "started_at": _time(holder.started_at),
        "ended_at": _time(holder.ended_at),
        "years": years(holder),
    }


def document(found: HolderRecords, urls: Urls, domain: str) -> dict[str, Any]:
    """The export as JSON: the seat, the holder period and its posts."""
    seat = found.seat
    return {
        "format": FORMAT,
        "exported_at": _time(found.exported_at),
        "seat": {
            "acct": f"{seat.username}@{domain}",
            "display_name": seat.display_name,
            "uri": seat.uri,
            "url": seat.url or seat.uri,
        },
        "holder": holder_document(found.holder),
        "posts": [_post(p, found.media.get(p.id, []), urls) for p in found.posts],
    }


def _post(post: Post, media: list[MediaAttachment], urls: Urls) -> dict[str, Any]:
    return {
        "id": str(post.id),
        "uri": post.uri,
        "url": post.url or post.uri,
        "created_at": _time(post.published_at or post.created_at),
        "edited_at": _time(post.edited_at),
        "visibility": post.visibility,
        "language": post.language,
        "spoiler_text": post.spoiler_text,
        "content": post.content,
        "text": post.source,
        "in_reply_to": post.in_reply_to_uri,
        "media": [
            {
                "url": urls.media(m.file_path) if m.file_path else m.remote_url,
                "type": m.type,
                "description": m.description,
            }
            for m in media
        ],
    }
