"""Mastodon's stream names, and which streams a post belongs to for which viewer.

The rules follow the REST timelines, so a stream shows what a refresh would show:
- `user`: whatever `storage.queries.posts.home_filter` lets into the viewer's home
  timeline (own posts, followed accounts, followed hashtags; a mention from an
  account not followed is only a notification); plus notifications and
  `filters_changed`.
- `public`, `public:local`, `public:remote` (and `:media` variants): public posts that
  are not boosts (`services.timelines.public`).
- `hashtag`, `hashtag:local`: public posts with the tag.
- `direct`: direct posts the viewer wrote or is mentioned in.
- `list`: what `storage.queries.posts.list_timeline_filter` lets into the list's
  timeline, for the list's owner only.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import BigInteger, ColumnElement, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import BadRequest
from fedcity.storage.models import MediaAttachment, Post, UserList, Visibility
from fedcity.storage.queries import posts as post_q

USER = "user"
NOTIFICATION = "user:notification"
DIRECT = "direct"
HASHTAG = "hashtag"
HASHTAG_LOCAL = "hashtag:local"
LIST = "list"
PUBLIC_STREAMS = frozenset(
    {
        "public",
        "public:media",
        "public:local",
        "public:local:media",
        "public:remote",
        "public:remote:media",
    }
)
# Viewers (or lists) checked against home_filter (or the list's filter) per query,
# one UNION ALL branch each.
HOME_CHECK_CHUNK = 50
STREAM_NAMES = PUBLIC_STREAMS | {
    USER,
    NOTIFICATION,
    DIRECT,
    HASHTAG,
    HASHTAG_LOCAL,
    LIST,
}


@dataclass(frozen=True, order=True)
class StreamKey:
    """One subscription: a stream name and, for hashtag and list, its parameter."""

    name: str
    param: str | None = None

    def as_list(self) -> list[str]:
        """The `stream` array of Mastodon's WebSocket messages."""
        return [self.name] if self.param is None else [self.name, self.param]


def parse_stream(
    name: str, *, tag: str | None = None, list_id: str | None = None
) -> StreamKey:
    """A StreamKey from Mastodon's parameters; BadRequest for what Mastodon refuses."""
    if name not in STREAM_NAMES:
        raise BadRequest("Unknown stream type")
    if name in (HASHTAG, HASHTAG_LOCAL):
        tag = (tag or "").strip().lstrip("#").lower()
        if not tag:
            raise BadRequest("No tag for stream provided")
        return StreamKey(name, tag)
    if name == LIST:
        if not list_id:
            raise BadRequest("No list for stream provided")
        return StreamKey(name, str(list_id))
    return StreamKey(name)


def filter_context(key: StreamKey) -> str | None:
    """The filter context whose filters apply to a stream's statuses, as in
    Mastodon: home for `user` and `list`, public for the public and hashtag
    streams; none for `direct`, whose conversations are never filtered."""
    if key.name in (USER, LIST):
        return "home"
    if key.name in PUBLIC_STREAMS or key.name in (HASHTAG, HASHTAG_LOCAL):
        return "public"
    return None


def required_scope(key: StreamKey) -> str | None:
    """The OAuth scope a stream needs; None for the public streams (no token needed)."""
    if key.name in PUBLIC_STREAMS or key.name in (HASHTAG, HASHTAG_LOCAL):
        return None
    if key.name == NOTIFICATION:
        return "read:notifications"
    return "read:statuses"


@dataclass(frozen=True)
class PostAudience:
    """Where one post shows: public streams for everyone; user, direct and list
    streams per viewer."""

    public: frozenset[StreamKey]
    home: frozenset[int]
    direct: frozenset[int]
    # (owner id, list id) of the lists whose timeline shows the post
    lists: frozenset[tuple[int, int]] = frozenset()

    def keys_for(self, viewer_id: int | None) -> set[StreamKey]:
        keys = set(self.public)
        if viewer_id is not None:
            if viewer_id in self.home:
                keys.add(StreamKey(USER))
            if viewer_id in self.direct:
                keys.add(StreamKey(DIRECT))
            keys.update(
                StreamKey(LIST, str(list_id))
                for owner_id, list_id in self.lists
                if owner_id == viewer_id
            )
        return keys


async def post_audience(
    session: AsyncSession,
    post: Post,
    viewer_ids: Collection[int],
    list_ids: Collection[int] = (),
) -> PostAudience:
    """The streams `post` belongs to, among the given (connected) viewers and the
    lists they listen to."""
    tags = (await post_q.list_tags(session, [post.id])).get(post.id, [])
    public: frozenset[StreamKey] = frozenset()
    if post.visibility == Visibility.PUBLIC and post.reblog_of_id is None:
        public = _public_keys(post, tags, await _has_media(session, post))
    if not viewer_ids:
        return PostAudience(public, frozenset(), frozenset())
    home = await _home_audience(session, post, viewer_ids)
    direct: frozenset[int] = frozenset()
    if post.visibility == Visibility.DIRECT and post.reblog_of_id is None:
        mentioned = (await post_q.list_mentions(session, [post.id])).get(post.id, [])
        direct = frozenset(({post.actor_id} | set(mentioned)) & set(viewer_ids))
    lists = await _list_audience(session, post, list_ids)
    return PostAudience(public, home, direct, lists)


async def _has_media(session: AsyncSession, post: Post) -> bool:
    """Remote attachments are kept on the post, local ones in media_attachments
    (the same rule as the timelines' `only_media`, `feeds.has_media`)."""
    if post.attachments:
        return True
    found = await session.scalar(
        select(MediaAttachment.id).where(MediaAttachment.post_id == post.id).limit(1)
    )
    return found is not None


def _public_keys(
    post: Post, tags: Collection[str], has_media: bool
) -> frozenset[StreamKey]:
    """The public and hashtag streams of a public post that is not a boost."""
    where = "local" if post.local else "remote"
    names = ["public", f"public:{where}"]
    if has_media:
        names += ["public:media", f"public:{where}:media"]
    keys = {StreamKey(n) for n in names}
    for tag in tags:
        keys.add(StreamKey(HASHTAG, tag.lower()))
        if post.local:
            keys.add(StreamKey(HASHTAG_LOCAL, tag.lower()))
    return frozenset(keys)


async def _home_audience(
    session: AsyncSession, post: Post, viewer_ids: Collection[int]
) -> frozenset[int]:
    """Which of `viewer_ids` have `post` in their home timeline.

    Asks `storage.queries.posts.home_filter` itself, so that the stream never
    drifts from what the home timeline shows.
    """
    return await _shown_in(
        session, post, {v: post_q.home_filter(v) for v in viewer_ids}
    )


async def _list_audience(
    session: AsyncSession, post: Post, list_ids: Collection[int]
) -> frozenset[tuple[int, int]]:
    """Which of the lists show `post` in their timeline, as (owner, list) pairs;
    asks the list timeline's own rule, `posts.list_timeline_filter`."""
    if not list_ids:
        return frozenset()
    rows = await session.scalars(select(UserList).where(UserList.id.in_(list_ids)))
    lists = {row.id: row for row in rows}
    shown = await _shown_in(
        session,
        post,
        {i: post_q.list_timeline_filter(row) for i, row in lists.items()},
    )
    return frozenset((lists[i].actor_id, i) for i in shown)


async def _shown_in(
    session: AsyncSession, post: Post, feeds: Mapping[int, ColumnElement[bool]]
) -> frozenset[int]:
    """The keys of the feeds (a timeline's condition each) that show `post`: one
    feed per branch of a UNION ALL, HOME_CHECK_CHUNK branches per query."""
    shown: set[int] = set()
    ordered = sorted(feeds)
    for start in range(0, len(ordered), HOME_CHECK_CHUNK):
        branches = [
            select(literal(key, BigInteger)).where(Post.id == post.id, feeds[key])
            for key in ordered[start : start + HOME_CHECK_CHUNK]
        ]
        stmt = branches[0] if len(branches) == 1 else union_all(*branches)
        shown.update(int(v) for v in await session.scalars(stmt))
    return frozenset(shown)


async def boost_ids(session: AsyncSession, post_id: int) -> list[int]:
    """Ids of every boost of `post_id` (a deleted post takes its boosts with it)."""
    rows = await session.scalars(select(Post.id).where(Post.reblog_of_id == post_id))
    return list(rows)
