"""The library (issue 14): case studies and funding opportunities, local and
remote. Each item is backed by a `posts` row of object type "Article" (so that
timelines, the Mastodon API and status search see it) and keeps its structured
document here, as validated against `schemas/<kind>.schema.json`, with the
fields that lists and search filter on pulled out into columns.

`library_item_topics` and `library_item_states` repeat a document's topics and
states one row each, so that filtering by one is an indexed join: the states are
a case study's `jurisdiction.state`, or a funding opportunity's
`eligibility.states`. Former documents are kept in `library_item_versions`;
"I'm applying" marks on funding opportunities in `library_applications`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin
from fedcity.storage.types import JSONDoc


class LibraryKind(StrEnum):
    """What an item is; the value is the API's `type` and names its schema."""

    CASE_STUDY = "case_study"
    FUNDING_OPPORTUNITY = "funding_opportunity"


SEARCH_COLUMNS = (
    "indexable", "withdrawn_at", "kind", "status", "evidence_level", "population",
    "population_min", "population_max", "cost_amount", "deadline", "origin",
    "actor_id", "ocd_id",
)  # fmt: skip


class LibraryItem(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A case study or a funding opportunity. A local item's id is its post's id,
    so that the API's item and status share one number."""

    __tablename__ = "library_items"

    kind: Mapped[str] = mapped_column(String(32))
    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), unique=True
    )
    # The author (local or remote).
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    # The item's ActivityPub id (its post's `uri`) and its page.
    uri: Mapped[str] = mapped_column(String(2048), unique=True)
    url: Mapped[str | None] = mapped_column(String(2048))
    # The instance it came from (a domain, with its port if it has one).
    origin: Mapped[str] = mapped_column(String(255))
    # The document as validated (services.library.validation), defaults applied.
    document: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    # -- pulled out of the document, for filtering --------------------------------
    title: Mapped[str] = mapped_column(String(255))
    state: Mapped[str | None] = mapped_column(String(2))  # a case study's
    ocd_id: Mapped[str | None] = mapped_column(String(255), index=True)
    population: Mapped[int | None] = mapped_column(BigInteger)  # a case study's
    # A funding opportunity's eligible populations.
    population_min: Mapped[int | None] = mapped_column(BigInteger)
    population_max: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str | None] = mapped_column(String(32))
    evidence_level: Mapped[str | None] = mapped_column(String(32))
    cost_amount: Mapped[float | None] = mapped_column(Float)
    cost_currency: Mapped[str | None] = mapped_column(String(3))
    # A funding opportunity's deadline, in UTC.
    deadline: Mapped[datetime | None] = mapped_column(index=True)
    topics: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    # Consent to be found (the document's own, or for a remote item without one,
    # its author's); search leaves out items where it is false.
    indexable: Mapped[bool] = mapped_column(default=True)
    # What full-text search matches besides the title (services.library.
    # search_index); the index holds only items that may be found: not withdrawn,
    # and indexable (storage/queries/library/search.py, migration 0032).
    search_text: Mapped[str | None] = mapped_column(Text)
    # -- lifecycle ------------------------------------------------------------------
    updated_at: Mapped[datetime | None]  # the last edit; None until edited
    withdrawn_at: Mapped[datetime | None]  # withdrawn by its author (or deleted)
    # -- bulk loading -----------------------------------------------------------------
    # The file a local item was imported from (or exported to), as its path
    # relative to the imported folder without its extension: importing the same
    # file again as the same author updates the item instead of copying it.
    import_key: Mapped[str | None] = mapped_column(String(512))

    __table_args__ = (
        Index("ix_library_items_kind_id", "kind", "id"),
        Index(
            "ix_library_items_import_key",
            "actor_id",
            "kind",
            "import_key",
            unique=True,
        ),
        # Search (migration 0032): every column its filters read, in id order,
        # so that a search walks this narrow index newest first, or checks a
        # full-text match against it, without reading the wide rows (the
        # document).
        Index("ix_library_items_search", "id", *SEARCH_COLUMNS),
    )


class LibraryItemTopic(Base):
    """One of an item's topics (the fixed list of the schemas)."""

    __tablename__ = "library_item_topics"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("library_items.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class LibraryItemState(Base):
    """A state an item is about: a case study's, or one a funding opportunity
    is open to."""

    __tablename__ = "library_item_states"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("library_items.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(2), primary_key=True, index=True)


class LibraryItemVersion(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A former document of an item, kept when an edit replaced it at
    `created_at`; `written_at` is when that version was written."""

    __tablename__ = "library_item_versions"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("library_items.id", ondelete="CASCADE"), index=True
    )
    document: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    written_at: Mapped[datetime]


class LibraryApplication(SnowflakeIdMixin, CreatedAtMixin, Base):
    """`account` said it is applying for the funding opportunity `item`."""

    __tablename__ = "library_applications"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("library_items.id", ondelete="CASCADE")
    )
    account_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (UniqueConstraint("item_id", "account_id"),)
