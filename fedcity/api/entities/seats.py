"""fedcity's `holder` of a seat account's post (issue 11): who held the seat when
the post was written. It rides in the Status entity's `fedcity` object, as
Pleroma adds `pleroma`, and only on the posts of seat accounts."""

from __future__ import annotations

from fedcity.api.entities.formats import Entity, timestamp
from fedcity.services.offices.seats import Holders, years
from fedcity.services.offices.seats import holders_of_posts as load_holders
from fedcity.storage.models import Post, SeatHolder
from fedcity.urls import Urls

__all__ = ["Holders", "holder_extension", "load_holders", "serialize_holder"]


def holder_extension(post: Post, holders: Holders, urls: Urls) -> Entity:
    """`{"fedcity": {"holder": …}}` for a seat account's status, else nothing."""
    holder = holders.get(post.holder_id) if post.holder_id is not None else None
    return (
        {}
        if holder is None
        else {"fedcity": {"holder": serialize_holder(holder, urls)}}
    )


def archive_url(urls: Urls, holder: SeatHolder) -> str | None:
    return (
        f"{urls.base}/archives/{holder.archive_name}" if holder.archive_name else None
    )


def serialize_holder(holder: SeatHolder, urls: Urls) -> Entity:
    return {
        "id": str(holder.id),
        "name": holder.name,
        "title": holder.title,
        "started_at": timestamp(holder.started_at),
        "ended_at": timestamp(holder.ended_at),
        "years": years(holder),
        "archive_url": archive_url(urls, holder),
    }
