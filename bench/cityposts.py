"""The city's month of posts: originals and replies in time order, then boosts,
each with the mentions, hashtags, media and notifications it brings. See
`cityseed` for what makes the rows honest."""

from __future__ import annotations

import bisect
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from cityseed import Plan, Row
from citytext import CONTENT_WARNINGS, PostSpec, Who, note_document

from fedcity import text
from fedcity.federation.parse.statuses import parse_post
from fedcity.services.statuses import search_index
from fedcity.storage.models import MediaAttachment, Mention, PostTag

READER_SHARE = 0.005  # of posts, written by the reader
REPLY_SHARE = 0.25
BOOST_SHARE = 0.10  # of all posts
REPLY_TO_READER = 0.04  # of replies
# The reader's notifications, by type (mentions come from the posts themselves).
FAVOURITES, REBLOGS, FOLLOWS, MENTIONS = 0.50, 0.20, 0.15, 0.15


class Posting:
    """Writes the posts into `plan.posts`, in time order."""

    def __init__(self, plan: Plan) -> None:
        self.plan, self.rng, self.urls = plan, plan.rng, plan.urls
        self.recent: list[Row] = []  # public and unlisted posts, oldest first
        self.recent_times: list[datetime] = []
        self.reader_posts: list[Row] = []
        self.by_uri = {w.uri: w for w in plan.who.values()}
        self.statuses: Counter[int] = Counter()
        self.last_status: dict[int, datetime] = {}
        self.followee_ids = {w.id for w in plan.followees}

    # --- originals and replies -----------------------------------------------

    def originals(self) -> None:
        plan, s = self.plan, self.plan.scale
        n_boosts = max(round(s.notifications * REBLOGS), round(s.posts * BOOST_SHARE))
        n_orig = s.posts - n_boosts
        times = sorted(plan.moment(plan.start) for _ in range(n_orig))
        authors = self.rng.choices(
            plan.author_order, cum_weights=plan.author_weights, k=n_orig
        )
        # Replies to the reader mention it too; explicit mentions make up the rest.
        expected = n_orig * REPLY_SHARE * REPLY_TO_READER
        self.p_mention = max(0.0, s.notifications * MENTIONS - expected) / n_orig
        for moment, author in zip(times, authors, strict=True):
            if self.rng.random() < READER_SHARE:
                author = plan.reader
            self.original(moment, author)
        self.background_boosts(n_boosts - round(s.notifications * REBLOGS))

    def original(self, moment: datetime, author: Who) -> None:
        rng, plan = self.rng, self.plan
        parent = self._parent(author)
        mentions: list[Who] = []
        if parent is not None and parent["actor_id"] != author.id:
            mentions.append(plan.who[parent["actor_id"]])
        visibility = parent["visibility"] if parent else self._visibility(author)
        if visibility == "direct":
            if author.local:
                mentions.append(rng.choice(plan.remotes))
            else:
                mentions.append(plan.reader)
        elif (
            author.id != plan.reader.id
            and author.id not in plan.silenced
            and rng.random() < self.p_mention
        ):
            mentions.append(plan.reader)
        if rng.random() < 0.03:
            mentions.append(rng.choice(plan.remotes))
        mentions = list({m.id: m for m in mentions if m.id != author.id}.values())
        tags = self.plan.writer.hashtags() if rng.random() < 0.2 else []
        spoiler = rng.choice(CONTENT_WARNINGS) if rng.random() < 0.03 else ""
        media = (
            plan.writer.description()
            if rng.random() < (0.05 if author.local else 0.10)
            else None
        )
        spec = PostSpec(
            post_id=plan.clock.id_at(moment),
            author=author,
            published=moment,
            visibility=visibility,
            text=plan.writer.sentence(),
            mentions=mentions,
            tags=tags,
            spoiler=spoiler,
            in_reply_to=parent["uri"] if parent else None,
            conversation=(parent["conversation_uri"] or parent["uri"])
            if parent
            else None,
            media_description=media,
        )
        row, tag_names = self._local(spec) if author.local else self._remote(spec)
        self._store(row, author, mentions, tag_names, parent)

    def _parent(self, author: Who) -> Row | None:
        rng = self.rng
        if not self.recent or rng.random() >= REPLY_SHARE:
            return None
        if (
            self.reader_posts
            and author.id != self.plan.reader.id
            and author.id not in self.plan.silenced
            and rng.random() < REPLY_TO_READER
        ):
            return rng.choice(self.reader_posts[-50:])
        return rng.choice(self.recent[-3000:])

    def _visibility(self, author: Who) -> str:
        r = self.rng.random()
        if r < 0.72:
            return "public"
        if r < 0.86:
            return "unlisted"
        if r < 0.97:
            return "private"
        # Direct messages reach this instance only if they address someone here.
        if author.local or author.id in self.followee_ids:
            return "direct"
        return "private"

    def _local(self, spec: PostSpec) -> tuple[Row, list[str]]:
        """As `services.posts.create_local_post` writes it."""
        source = " ".join(
            [
                *(f"@{m.handle}" for m in spec.mentions),
                spec.text,
                *(f"#{t}" for t in spec.tags),
            ]
        )
        by_handle = {m.handle.lower(): m for m in spec.mentions}

        def mention_url(ref: text.MentionRef) -> str | None:
            found = by_handle.get(ref.handle.lower())
            return found.url if found else None

        content = text.render_plain_text(
            source, mention_url=mention_url, tag_url=self.urls.tag
        )
        media = spec.media_description
        if media is not None:
            self._media(spec, media)
        author, moment = spec.author, spec.published
        row = _post_row(
            id=spec.post_id,
            uri=self.urls.status(author.username, spec.post_id),
            url=self.urls.status_page(author.username, spec.post_id),
            actor_id=author.id,
            content=content,
            source=source,
            spoiler_text=spec.spoiler,
            sensitive=bool(spec.spoiler),
            language="en",
            visibility=spec.visibility,
            conversation_uri=spec.conversation,
            local=True,
            published_at=moment,
            created_at=moment,
            search_text=search_index.compose(
                spec.spoiler, content, [], [media] if media else []
            ),
        )
        return row, text.extract_hashtags(source)

    def _remote(self, spec: PostSpec) -> tuple[Row, list[str]]:
        """As `services.statuses.remote_posts.store_remote_post` stores what
        `parse_post` read."""
        data = parse_post(note_document(spec), spec.author.followers_uri)
        assert data.visibility == spec.visibility, (data.visibility, spec.visibility)
        assert [self.by_uri[u].id for u in data.mentioned_uris] == [
            m.id for m in spec.mentions
        ]
        row = _post_row(
            id=spec.post_id,
            uri=data.uri,
            url=data.url,
            actor_id=spec.author.id,
            object_type=data.object_type,
            content=data.content,
            spoiler_text=data.spoiler_text,
            sensitive=data.sensitive,
            language=data.language,
            visibility=data.visibility,
            in_reply_to_uri=data.in_reply_to_uri,
            conversation_uri=data.conversation_uri,
            attachments=list(data.attachments),
            local=False,
            published_at=data.published_at or spec.published,
            raw=data.raw,
            created_at=spec.published,
            search_text=search_index.compose(
                data.spoiler_text,
                data.content,
                [],
                [a.get("name") for a in data.attachments],
            ),
        )
        return row, list(data.tags)

    def _media(self, spec: PostSpec, description: str) -> None:
        """An uploaded image, as `services.media` stores it and the post takes it."""
        moment, post_id = spec.published - timedelta(minutes=2), spec.post_id
        name = f"{moment:%Y/%m}/{post_id:x}"
        self.plan.rows[MediaAttachment].append(
            {"id": self.plan.clock.id_at(moment), "actor_id": spec.author.id, "post_id": post_id, "position": 0, "type": "image",
             "file_path": f"{name}.jpg", "thumbnail_path": f"{name}_small.jpg",
             "content_type": "image/jpeg", "file_size": 245_000, "width": 1600,
             "height": 1200, "thumbnail_width": 400, "thumbnail_height": 300,
             "blurhash": "UFGRrd~q%Mxu-;t7xuWB4nj[t7ayRjRjWBay",
             "description": description, "focus_x": 0.0, "focus_y": 0.0,
             "remote_url": None, "created_at": moment}
        )  # fmt: skip

    def _store(
        self,
        row: Row,
        author: Who,
        mentions: list[Who],
        tag_names: list[str],
        parent: Row | None,
    ) -> None:
        plan, moment = self.plan, row["created_at"]
        if parent is not None:
            row["in_reply_to_id"] = parent["id"]
            row["in_reply_to_uri"] = parent["uri"]
            row["in_reply_to_actor_id"] = parent["actor_id"]
            parent["replies_count"] += 1
        plan.posts[row["id"]] = row
        self.statuses[author.id] += 1
        self.last_status[author.id] = moment
        for who in mentions:
            plan.rows[Mention].append({"post_id": row["id"], "actor_id": who.id})
            if who.local:
                self.notify(moment, who, author, "mention", row["id"])
        for name in dict.fromkeys(t.lower() for t in tag_names if t):
            plan.rows[PostTag].append(
                {"post_id": row["id"], "tag_id": plan.tag_id(name)}
            )
        if row["visibility"] in ("public", "unlisted"):
            self.recent.append(row)
            self.recent_times.append(moment)
            if author.id == plan.reader.id:
                self.reader_posts.append(row)

    # --- boosts -------------------------------------------

    def background_boosts(self, count: int) -> None:
        plan, rng = self.plan, self.rng
        boosters = [w for w in plan.authors if w.id != plan.reader.id]
        done = 0
        while done < count:
            moment = plan.moment(plan.start + timedelta(hours=1))
            index = bisect.bisect(self.recent_times, moment)
            if index == 0:
                continue
            original = self.recent[rng.randrange(max(0, index - 5000), index)]
            if original["actor_id"] == plan.reader.id:
                continue  # boosts of the reader's posts are made in `cityreactions`
            if self.boost(rng.choice(boosters), original, moment):
                done += 1

    def boost(self, booster: Who, original: Row, moment: datetime) -> bool:
        """As `services.statuses.boosts.reblog` / `receive_boost` (`_insert_boost`)
        write it."""
        plan = self.plan
        key = (booster.id, original["id"])
        if booster.id == original["actor_id"] or key in plan.boosts:
            return False
        plan.boosts.add(key)
        boost_id = plan.clock.id_at(moment)
        plan.posts[boost_id] = _post_row(
            id=boost_id,
            uri=self.urls.activity(boost_id)
            if booster.local
            else f"{booster.uri}/statuses/{original['id']}/activity",
            actor_id=booster.id,
            reblog_of_id=original["id"],
            visibility="public",
            local=booster.local,
            published_at=moment,
            created_at=moment,
        )
        original["reblogs_count"] += 1
        self.notify(
            moment, plan.who[original["actor_id"]], booster, "reblog", original["id"]
        )
        return True

    # --- notifications -----------------------------------------------------------

    def notify(
        self,
        moment: datetime,
        recipient: Who,
        sender: Who,
        kind: str,
        post_id: int | None,
    ) -> None:
        """As `services.notifications.notify` decides: local recipients only, never
        of one's own actions nor from an account the recipient silenced."""
        if not recipient.local or recipient.id == sender.id:
            return
        if recipient.id == self.plan.reader.id and sender.id in self.plan.silenced:
            return
        self.plan.notes.append((moment, recipient.id, sender.id, kind, post_id))


def _post_row(**values: Any) -> Row:
    row: Row = {
        "url": None, "object_type": "Note", "content": "", "source": None,
        "spoiler_text": "", "sensitive": False, "language": None,
        "visibility": "public", "in_reply_to_uri": None, "in_reply_to_id": None,
        "in_reply_to_actor_id": None, "reblog_of_id": None, "conversation_uri": None,
        "attachments": [], "replies_count": 0, "reblogs_count": 0,
        "favourites_count": 0, "local": True, "published_at": None,
        "edited_at": None, "deleted_at": None, "raw": None, "search_text": None,
    }  # fmt: skip
    row.update(values)
    return row
