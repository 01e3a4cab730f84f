"""Content filters (Mastodon's v2 and v1 filters): a local account's named keyword and
status filters. How they apply to statuses is `services.feeds.filtering`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound, Unprocessable
from fedcity.i18n import N_
from fedcity.services import limits
from fedcity.services.expiry import seconds_from_now
from fedcity.services.limits import check_count, check_length
from fedcity.services.ownership import require_own
from fedcity.storage.models import (
    FILTER_CONTEXTS,
    Actor,
    Filter,
    FilterAction,
    FilterKeyword,
    FilterStatus,
    Post,
)


@dataclass
class LoadedFilter:
    """A filter with its keywords and statuses, as the API shows it."""

    filter: Filter
    keywords: list[FilterKeyword] = field(default_factory=list)
    statuses: list[FilterStatus] = field(default_factory=list)


@dataclass(frozen=True)
class KeywordChange:
    """One of `keywords_attributes`: a new keyword (no id), an edit, or a removal."""

    id: int | None = None
    keyword: str | None = None
    whole_word: bool | None = None
    destroy: bool = False


@dataclass(frozen=True)
class FilterFields:
    """Fields to set; None leaves a field unchanged on update."""

    title: str | None = None
    contexts: Sequence[str] | None = None
    action: str | None = None
    expires_in: int | None = None  # seconds; 0 clears the expiry
    keywords: Sequence[KeywordChange] = ()


def _apply_fields(row: Filter, fields: FilterFields) -> None:
    if fields.title is not None:
        if not fields.title.strip():
            raise Unprocessable("Validation failed: Title can't be blank")
        check_length(N_("Title"), fields.title.strip(), limits.MAX_FILTER_TITLE)
        row.title = fields.title.strip()
    if fields.contexts is not None:
        contexts = list(dict.fromkeys(fields.contexts))
        if not contexts or any(c not in FILTER_CONTEXTS for c in contexts):
            raise Unprocessable("Validation failed: Context can't be blank or invalid")
        row.contexts = contexts
    if fields.action is not None:
        if fields.action not in set(FilterAction):
            raise Unprocessable("Validation failed: Filter action is not valid")
        row.action = fields.action
    if fields.expires_in is not None:
        if fields.expires_in < 0:
            raise Unprocessable("Validation failed: Expires in must be positive")
        row.expires_at = (
            seconds_from_now(fields.expires_in, N_("Expires in"))
            if fields.expires_in
            else None
        )


async def create_filter(
    session: AsyncSession, actor: Actor, fields: FilterFields
) -> LoadedFilter:
    """Create a filter; title and at least one context are required.

    Raises:
        Unprocessable: a missing title or context, an unknown context or action.
    """
    if fields.title is None or fields.contexts is None:
        raise Unprocessable("Validation failed: Title and context are required")
    row = Filter(actor_id=actor.id, title="", contexts=[], action=FilterAction.WARN)
    _apply_fields(row, fields)
    session.add(row)
    await session.flush()
    await _change_keywords(session, row, fields.keywords)
    return await load_filter(session, actor, row.id)


async def update_filter(
    session: AsyncSession, loaded: LoadedFilter, fields: FilterFields
) -> None:
    """Change a filter's fields and keywords (None fields stay as they are)."""
    _apply_fields(loaded.filter, fields)
    await _change_keywords(session, loaded.filter, fields.keywords)


async def _change_keywords(
    session: AsyncSession, row: Filter, changes: Sequence[KeywordChange]
) -> None:
    check_count(N_("Keywords"), len(changes), limits.MAX_FILTER_KEYWORDS)
    for change in changes:
        if change.id is None:
            if not change.destroy:
                await add_keyword(
                    session, row, change.keyword or "", change.whole_word is not False
                )
            continue
        keyword = await session.get(FilterKeyword, change.id)
        if keyword is None or keyword.filter_id != row.id:
            raise NotFound("Record not found")
        if change.destroy:
            await session.delete(keyword)
        else:
            update_keyword(keyword, change.keyword, change.whole_word)
    await session.flush()


async def delete_filter(session: AsyncSession, loaded: LoadedFilter) -> None:
    """Delete a filter with its keywords and statuses."""
    await session.delete(loaded.filter)
    await session.flush()


async def list_filters(session: AsyncSession, actor: Actor) -> list[LoadedFilter]:
    """The account's filters, oldest first, with their keywords and statuses."""
    rows = list(
        await session.scalars(
            select(Filter).where(Filter.actor_id == actor.id).order_by(Filter.id)
        )
    )
    return await _load(session, rows)


async def load_filter(
    session: AsyncSession, actor: Actor, filter_id: int
) -> LoadedFilter:
    """Raises: NotFound: no such filter of this account."""
    row = await require_own(session, Filter, filter_id, actor)
    return (await _load(session, [row]))[0]


async def _load(session: AsyncSession, rows: Sequence[Filter]) -> list[LoadedFilter]:
    loaded = {row.id: LoadedFilter(row) for row in rows}
    if not loaded:
        return []
    for keyword in await session.scalars(
        select(FilterKeyword)
        .where(FilterKeyword.filter_id.in_(loaded))
        .order_by(FilterKeyword.id)
    ):
        loaded[keyword.filter_id].keywords.append(keyword)
    for status in await session.scalars(
        select(FilterStatus)
        .where(FilterStatus.filter_id.in_(loaded))
        .order_by(FilterStatus.id)
    ):
        loaded[status.filter_id].statuses.append(status)
    return list(loaded.values())


async def add_keyword(
    session: AsyncSession, row: Filter, keyword: str, whole_word: bool = True
) -> FilterKeyword:
    """Raises: Unprocessable: an empty or too long keyword, or one too many."""
    text = _keyword(keyword)
    count = await session.scalar(
        select(func.count()).where(FilterKeyword.filter_id == row.id)
    )
    check_count(N_("Keywords"), (count or 0) + 1, limits.MAX_FILTER_KEYWORDS)
    item = FilterKeyword(filter_id=row.id, keyword=text, whole_word=whole_word)
    session.add(item)
    await session.flush()
    return item


def update_keyword(
    item: FilterKeyword, keyword: str | None, whole_word: bool | None
) -> None:
    """Change a keyword's text or whole-word flag.

    Raises:
        Unprocessable: a blank or too long keyword.
    """
    if keyword is not None:
        item.keyword = _keyword(keyword)
    if whole_word is not None:
        item.whole_word = whole_word


def _keyword(text: str) -> str:
    keyword = text.strip()
    if not keyword:
        raise Unprocessable("Validation failed: Keyword can't be blank")
    check_length(N_("Keyword"), keyword, limits.MAX_FILTER_KEYWORD)
    return keyword


async def get_keyword(
    session: AsyncSession, actor: Actor, keyword_id: int
) -> FilterKeyword:
    """Raises: NotFound: no such keyword in this account's filters."""
    item = await session.get(FilterKeyword, keyword_id)
    if item is None:
        raise NotFound("Record not found")
    await load_filter(session, actor, item.filter_id)
    return item


async def add_status(session: AsyncSession, row: Filter, post: Post) -> FilterStatus:
    """Filter one status; filtering it again answers the existing entry."""
    existing = await session.scalar(
        select(FilterStatus).where(
            FilterStatus.filter_id == row.id, FilterStatus.post_id == post.id
        )
    )
    if existing is not None:
        return existing
    item = FilterStatus(filter_id=row.id, post_id=post.id)
    session.add(item)
    await session.flush()
    return item


async def get_status(
    session: AsyncSession, actor: Actor, status_id: int
) -> FilterStatus:
    """Raises: NotFound: no such status filter of this account."""
    item = await session.get(FilterStatus, status_id)
    if item is None:
        raise NotFound("Record not found")
    await load_filter(session, actor, item.filter_id)
    return item


async def delete_keyword(session: AsyncSession, item: FilterKeyword) -> None:
    """Remove one keyword from its filter."""
    await session.delete(item)
    await session.flush()


async def delete_status(session: AsyncSession, item: FilterStatus) -> None:
    """Stop filtering one status."""
    await session.delete(item)
    await session.flush()


# --- v1 filters ------------------------------------------------------------------


@dataclass(frozen=True)
class V1Fields:
    """A v1 filter: one phrase, which Mastodon keeps as a v2 filter of one keyword
    (titled by the phrase); `irreversible` stands for the `hide` action."""

    phrase: str | None = None
    contexts: Sequence[str] | None = None
    irreversible: bool | None = None
    whole_word: bool | None = None
    expires_in: int | None = None

    def filter_fields(self, title: str | None) -> FilterFields:
        action = None
        if self.irreversible is not None:
            action = FilterAction.HIDE if self.irreversible else FilterAction.WARN
        return FilterFields(
            title=title,
            contexts=self.contexts,
            action=action,
            expires_in=self.expires_in,
        )


async def create_v1(
    session: AsyncSession, actor: Actor, fields: V1Fields
) -> tuple[LoadedFilter, FilterKeyword]:
    """Raises: Unprocessable: no phrase or context."""
    if not (fields.phrase or "").strip():
        raise Unprocessable("Validation failed: Keyword can't be blank")
    phrase = fields.phrase or ""
    keyword = KeywordChange(keyword=phrase, whole_word=bool(fields.whole_word))
    base = fields.filter_fields(phrase)
    loaded = await create_filter(
        session,
        actor,
        FilterFields(
            title=base.title,
            contexts=base.contexts,
            action=base.action or FilterAction.WARN,
            expires_in=base.expires_in,
            keywords=[keyword],
        ),
    )
    return loaded, loaded.keywords[0]


async def load_v1(
    session: AsyncSession, actor: Actor, keyword_id: int
) -> tuple[LoadedFilter, FilterKeyword]:
    """A v1 filter is a keyword; its id is the keyword's. Raises: NotFound."""
    item = await get_keyword(session, actor, keyword_id)
    return await load_filter(session, actor, item.filter_id), item


async def update_v1(
    session: AsyncSession, loaded: LoadedFilter, item: FilterKeyword, fields: V1Fields
) -> None:
    """Change the phrase, and the filter's contexts, action and expiry. Like
    Mastodon, refuse to change a filter shared by several keywords this way.

    Raises: Unprocessable: such a change, or an invalid value.
    """
    update_keyword(item, fields.phrase, fields.whole_word)
    row = loaded.filter
    shared = len(loaded.keywords) > 1
    changes = fields.filter_fields(None if shared else fields.phrase)
    changed = (
        (changes.contexts is not None and list(changes.contexts) != row.contexts)
        or (changes.action is not None and changes.action != row.action)
        or changes.expires_in is not None
    )
    if shared and changed:
        raise Unprocessable(
            "These parameters cannot be changed from this application because they "
            "apply to more than one filter keyword. Use a more recent application."
        )
    _apply_fields(row, changes)
    await session.flush()
