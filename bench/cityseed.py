"""A city instance for the timelines benchmark, written straight into the database.

One reader (a local account made with `fedcity account create`) and the city around
it: local and remote accounts, a month of posts (replies, boosts, hashtags,
mentions, media, content warnings), follows, favourites, and the notifications
those would have caused, for the reader and for the other local accounts.

The rows are the ones the services write, made the way they make them, only in
bulk and in advance:
- remote actors and posts are Mastodon documents passed through
  `federation.parse` (`actors.parse_actor`, `statuses.parse_post`), stored as
  `services.accounts.remote_actors.upsert_remote_actor` and
  `services.statuses.remote_posts.store_remote_post` store them (with `raw`);
- local posts are rendered by `text.render_plain_text`, with the URIs of `urls.Urls`;
- `search_text` is `services.search_index.compose` of the same parts, and on
  SQLite the `posts_fts` triggers index every inserted post, as in production;
- notifications carry the group key `services.notification_groups.group_key_for`
  would give them, computed in time order; nobody is notified of their own
  actions or by an account they silenced;
- counters (replies, boosts, favourites, statuses, followers) match the rows;
- ids are snowflakes of each row's creation time, so paging by id is paging by time.

Shortcuts, none of which a timeline reads: local accounts share a few key pairs
and one password hash, remote actors one public key.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from citytext import Who, Writer, person_document
from sqlalchemy import Text, cast, insert, null, update
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity import text
from fedcity.federation.parse.actors import parse_actor
from fedcity.federation.signatures.keys import generate_private_key_pem
from fedcity.storage.db import Database
from fedcity.storage.models import (
    AccountDomainBlock,
    Actor,
    Block,
    Bookmark,
    Favourite,
    Filter,
    FilterKeyword,
    Follow,
    ListMember,
    MediaAttachment,
    Mention,
    Mute,
    Notification,
    Pin,
    Post,
    PostTag,
    Tag,
    TagFollow,
    User,
    UserList,
)
from fedcity.urls import Urls

SEARCH_WORD = "bicycle"  # in about 0.8 % of posts (`citytext.BICYCLE_LINE`)
TAG = "transit"  # the most used hashtag
FOLLOWED_TAGS = ("cityhall", "bikes")
KEY_PAIRS = 4
Row = dict[str, Any]


@dataclass(frozen=True)
class Scale:
    """How big the city is; `times` scales it up or down."""

    posts: int = 100_000
    authors: int = 2_000
    following: int = 300
    notifications: int = 20_000  # the reader's; as many again for other locals
    list_members: int = 50
    days: int = 30

    def times(self, factor: float) -> Scale:
        authors = max(50, round(self.authors * factor))
        return replace(
            self,
            posts=max(1_000, round(self.posts * factor)),
            authors=authors,
            following=min(self.following, authors // 3),
            notifications=max(200, round(self.notifications * factor)),
            list_members=min(self.list_members, authors // 6),
        )


@dataclass
class City:
    """What the benchmark needs to know about the seeded instance."""

    reader_id: int
    list_id: int
    deep_max_id: int  # a max_id three quarters of the way back in time
    counts: dict[str, int] = field(default_factory=dict)


# --- ids and times ------------------------------------------------------------


class Clock:
    """Snowflake ids (milliseconds << 16 | sequence) for moments in the past."""

    def __init__(self) -> None:
        self.used: Counter[int] = Counter()

    def id_at(self, moment: datetime) -> int:
        ms = int(moment.timestamp() * 1000)
        seq = self.used[ms]
        self.used[ms] += 1
        return (ms << 16) | seq


# --- the plan -------------------------------------------------------------------


class Plan:
    """Every row of the city, built in memory before anything is written."""

    def __init__(self, urls: Urls, reader: Who, scale: Scale, seed: int) -> None:
        self.urls, self.reader, self.scale = urls, reader, scale
        self.rng = random.Random(seed)
        self.writer = Writer(self.rng)
        self.clock = Clock()
        self.now = datetime.now(UTC) - timedelta(minutes=1)
        self.start = self.now - timedelta(days=scale.days)
        self.rows: dict[type[Any], list[Row]] = defaultdict(list)
        self.who: dict[int, Who] = {reader.id: reader}
        self.posts: dict[int, Row] = {}
        self.tag_ids: dict[str, int] = {}
        self.follows: set[tuple[int, int]] = set()
        self.follow_ids: dict[tuple[int, int], int] = {}
        self.favourites: set[tuple[int, int]] = set()
        self.boosts: set[tuple[int, int]] = set()
        self.notes: list[tuple[datetime, int, int, str, int | None]] = []
        self.silenced: set[int] = set()  # muted, blocked, domain-blocked by the reader
        # Filled by `accounts`, `citygraph.build` and the posting.
        self.locals: list[Who] = []
        self.remotes: list[Who] = []
        self.lurkers: list[Who] = []  # remote accounts that follow but never post
        self.authors: list[Who] = []
        self.domains: list[str] = []
        self.followees: list[Who] = []
        self.list_id = 0
        self.keypairs = [generate_private_key_pem() for _ in range(KEY_PAIRS)]
        self.password_hash = PasswordHasher().hash("bench-password")

    def moment(self, low: datetime, high: datetime | None = None) -> datetime:
        high = high or self.now
        return low + (high - low) * self.rng.random()

    # --- accounts -------------------------------------------------------------

    def accounts(self) -> None:
        s = self.scale
        n_local = max(3, round(s.authors * 0.2)) - 1
        n_remote = s.authors - n_local - 1
        self.locals = [self._local(f"resident{n}") for n in range(n_local)]
        domains = [f"town{n:02d}.example" for n in range(max(5, n_remote // 40))]
        self.domains = domains
        self.remotes = [
            self._remote(f"neighbour{n}", domains[n % len(domains)])
            for n in range(n_remote)
        ]
        lurkers = round(s.notifications * 0.15)  # new followers of the reader
        self.lurkers = [
            self._remote(f"lurker{n}", domains[n % len(domains)])
            for n in range(lurkers)
        ]
        self.authors = [*self.locals, *self.remotes]
        # Zipf-like activity: a few accounts post most of the time.
        order = self.authors[:]
        self.rng.shuffle(order)
        self.author_order = order
        self.author_weights = _cumulative(
            [1 / (k + 1) ** 0.9 for k in range(len(order))]
        )

    def _local(self, name: str) -> Who:
        who = Who(
            id=self.clock.id_at(self.start - timedelta(days=self.rng.uniform(30, 900))),
            username=name,
            domain=None,
            uri=self.urls.actor(name),
            url=self.urls.profile_page(name),
            followers_uri=self.urls.followers(name),
        )
        private_pem, public_pem = self.keypairs[len(self.who) % KEY_PAIRS]
        created = _time_of(who.id)
        self.rows[Actor].append(
            _actor_row(
                id=who.id,
                uri=who.uri,
                username=name,
                domain=None,
                display_name=name,
                url=who.url,
                inbox_uri=self.urls.inbox(name),
                shared_inbox_uri=self.urls.shared_inbox,
                outbox_uri=self.urls.outbox(name),
                followers_uri=who.followers_uri,
                following_uri=self.urls.following(name),
                key_id=self.urls.key_id(name),
                public_key_pem=public_pem,
                private_key_pem=private_pem,
                indexable=True,
                published_at=created,
                created_at=created,
            )
        )
        self.rows[User].append(
            {
                "id": self.clock.id_at(created),
                "actor_id": who.id,
                "password_hash": self.password_hash,
                "email": None,
                "role": "user",
                "disabled": False,
                "default_privacy": None,
                "default_sensitive": None,
                "default_language": None,
                "created_at": created,
            }
        )
        self.who[who.id] = who
        return who

    def _remote(self, name: str, domain: str) -> Who:
        created = self.start - timedelta(days=self.rng.uniform(1, 60))
        uri = f"https://{domain}/users/{name}"
        who = Who(
            id=self.clock.id_at(created),
            username=name,
            domain=domain,
            uri=uri,
            url=f"https://{domain}/@{name}",
            followers_uri=f"{uri}/followers",
        )
        published = created - timedelta(days=self.rng.uniform(30, 1500))
        data = parse_actor(person_document(who, published, self.rng.random() < 0.5))
        self.rows[Actor].append(
            _actor_row(
                id=who.id,
                uri=data.uri,
                username=data.username,
                domain=data.domain,
                actor_type=data.actor_type,
                display_name=data.display_name,
                summary=data.summary,
                url=data.url,
                avatar_url=data.avatar_url,
                header_url=data.header_url,
                inbox_uri=data.inbox_uri,
                shared_inbox_uri=data.shared_inbox_uri,
                outbox_uri=data.outbox_uri,
                followers_uri=data.followers_uri,
                following_uri=data.following_uri,
                key_id=data.key_id,
                public_key_pem=data.public_key_pem,
                locked=data.locked,
                discoverable=data.discoverable,
                indexable=data.indexable,
                bot=data.bot,
                published_at=data.published_at,
                fields=data.fields,
                raw=data.raw,
                fetched_at=created,
                created_at=created,
            )
        )
        self.who[who.id] = who
        return who

    # --- shared by the parts of the plan ---------------------------------------

    def follow(
        self, actor: Who, target: Who, moment: datetime, reblogs: bool = True
    ) -> None:
        if (actor.id, target.id) in self.follows or actor.id == target.id:
            return
        follow_id = self.clock.id_at(moment)
        self.follows.add((actor.id, target.id))
        self.follow_ids[(actor.id, target.id)] = follow_id
        uri = (
            self.urls.activity(follow_id)
            if actor.local
            else f"{actor.uri}#follows/{follow_id}"
        )
        self.rows[Follow].append(
            {"id": follow_id, "actor_id": actor.id, "target_id": target.id,
             "state": "accepted", "uri": uri, "show_reblogs": reblogs, "notify": False,
             "created_at": moment}
        )  # fmt: skip

    def tag_id(self, name: str) -> int:
        name = text.normalize_hashtag(name)[:255]
        if name not in self.tag_ids:
            tag_id = self.clock.id_at(self.start - timedelta(days=90))
            self.tag_ids[name] = tag_id
            self.rows[Tag].append(
                {"id": tag_id, "name": name, "created_at": _time_of(tag_id)}
            )
        return self.tag_ids[name]


def _actor_row(**values: Any) -> Row:
    row: Row = {
        "actor_type": "Person", "display_name": "", "summary": "", "url": None,
        "avatar_url": None, "header_url": None, "inbox_uri": None,
        "shared_inbox_uri": None, "outbox_uri": None, "followers_uri": None,
        "following_uri": None, "key_id": None, "public_key_pem": None,
        "private_key_pem": None, "locked": False, "discoverable": True,
        "indexable": False, "bot": False, "hide_collections": None,
        "attribution_domains": None, "fields": [], "followers_count": 0,
        "following_count": 0, "statuses_count": 0, "last_status_at": None,
        "published_at": None, "updated_at": None, "fetched_at": None,
        "deleted_at": None, "raw": None,
    }  # fmt: skip
    row.update(values)
    return row


def _cumulative(weights: Iterable[float]) -> list[float]:
    out, total = [], 0.0
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _time_of(snowflake: int) -> datetime:
    return datetime.fromtimestamp((snowflake >> 16) / 1000, UTC)


# --- writing --------------------------------------------------------------------

# Parents before children, so that foreign keys hold at every insert.
TABLES: tuple[type[Any], ...] = (
    Actor, User, Tag, Post, MediaAttachment, Mention, PostTag, Follow, Favourite,
    Notification, Bookmark, Pin, AccountDomainBlock, Block, Mute, UserList,
    ListMember, Filter, FilterKeyword, TagFollow,
)  # fmt: skip
CHUNK = 2_000


async def write(db_url: str, plan: Plan, reader_values: Row) -> dict[str, int]:
    """Insert every planned row in one transaction (posts in id order, which is
    time order: a reply comes after what it answers); returns rows per table."""
    plan.rows[Post] = sorted(plan.posts.values(), key=lambda row: int(row["id"]))
    db = Database(db_url)
    counts: dict[str, int] = {}
    try:
        async with db.session() as session:
            for model in TABLES:
                rows = plan.rows[model]
                for start in range(0, len(rows), CHUNK):
                    await session.execute(insert(model), rows[start : start + CHUNK])
                counts[model.__tablename__] = len(rows)
            await session.execute(
                update(Actor).where(Actor.id == plan.reader.id).values(**reader_values)
            )
            await _sql_nulls(session)
    finally:
        await db.dispose()
    return counts


# Nullable JSON columns: an insert of many rows writes None as JSON `null`, where the
# services (through the ORM) leave SQL NULL.
_JSON_NULLABLE = (Post.raw, Actor.raw, Actor.attribution_domains)


async def _sql_nulls(session: AsyncSession) -> None:
    for column in _JSON_NULLABLE:
        await session.execute(
            update(column.class_)
            .where(cast(column, Text) == "null")
            .values({column.key: null()})
        )
