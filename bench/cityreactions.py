"""What people did with the posts: favourites and boosts of the reader's posts,
new followers, the other local accounts' favourites and the reader's own
favourites, boosts, bookmarks and pins; then the notification rows all that
caused, and the counters. See `cityseed` for what makes the rows honest."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from cityposts import FAVOURITES, FOLLOWS, REBLOGS, Posting
from cityseed import Row
from citytext import Who

from fedcity.services.notifications.groups import GROUPABLE, MAX_GROUP_SPAN_HOURS
from fedcity.storage.models import Actor, Bookmark, Favourite, Notification, Pin

BACKGROUND_FAVOURITES = 0.60  # times the reader's count, for the other local accounts
DELAY_HOURS = 4.0  # mean time from a post to a reaction to it
Act = Callable[[Who, Row, datetime], bool]


class Reactions:
    """What follows the posts, written into the same plan."""

    def __init__(self, posting: Posting) -> None:
        self.posting = posting
        self.plan, self.rng, self.urls = posting.plan, posting.rng, posting.urls

    def run(self) -> None:
        """The reader's notifications (favourites, boosts and follows of its own),
        the other local accounts' favourites, and what the reader did itself."""
        plan, rng, s, posting = self.plan, self.rng, self.plan.scale, self.posting
        reactors = [
            w for w in [*plan.authors, *plan.lurkers]
            if w.id != plan.reader.id and w.id not in plan.silenced
        ]  # fmt: skip
        # Shuffled, so that popularity (by rank) has nothing to do with age.
        own = rng.sample(posting.reader_posts, len(posting.reader_posts))
        self._react(own, round(s.notifications * FAVOURITES), reactors, self.favourite)
        author_ids = {w.id for w in plan.authors}
        boosters = [w for w in reactors if w.id in author_ids]
        self._react(own, round(s.notifications * REBLOGS), boosters, posting.boost)
        self.followers(round(s.notifications * FOLLOWS))
        others = [p for p in posting.recent if plan.who[p["actor_id"]].local
                  and p["actor_id"] != plan.reader.id]  # fmt: skip
        rng.shuffle(others)
        count = round(s.notifications * BACKGROUND_FAVOURITES)
        self._react(others, count, reactors, self.favourite)
        self.reader_actions()

    def favourite(self, actor: Who, post: Row, moment: datetime) -> bool:
        """As `services.interactions` (`_insert_favourite`) writes it."""
        plan = self.plan
        key = (actor.id, post["id"])
        if key in plan.favourites or actor.id == post["actor_id"]:
            return False
        plan.favourites.add(key)
        fav_id = plan.clock.id_at(moment)
        plan.rows[Favourite].append(
            {"id": fav_id, "actor_id": actor.id, "post_id": post["id"],
             "uri": self.urls.activity(fav_id) if actor.local else f"{actor.uri}#likes/{fav_id}",
             "created_at": moment}
        )  # fmt: skip
        post["favourites_count"] += 1
        self.posting.notify(
            moment, plan.who[post["actor_id"]], actor, "favourite", post["id"]
        )
        return True

    def _react(self, posts: list[Row], count: int, people: list[Who], act: Act) -> None:
        """`count` reactions to `posts` (the first ones most), each some hours after
        its post, by people drawn at random."""
        plan, rng = self.plan, self.rng
        weights = _zipf(len(posts))
        done = tries = 0
        while done < count and tries < count * 20:
            tries += 1
            post = rng.choices(posts, cum_weights=weights)[0]
            delay = timedelta(hours=rng.expovariate(1 / DELAY_HOURS))
            moment = post["created_at"] + delay
            if moment >= plan.now:
                continue
            if act(rng.choice(people), post, moment):
                done += 1

    def followers(self, count: int) -> None:
        plan = self.plan
        candidates = [
            w for w in [*plan.lurkers, *plan.locals]
            if w.id not in plan.silenced and (w.id, plan.reader.id) not in plan.follows
        ]  # fmt: skip
        for who in self.rng.sample(candidates, min(count, len(candidates))):
            moment = plan.moment(plan.start)
            plan.follow(who, plan.reader, moment)
            self.posting.notify(moment, plan.reader, who, "follow", None)

    def reader_actions(self) -> None:
        """The reader favourites, boosts and bookmarks posts of those it follows."""
        plan, rng, s = self.plan, self.rng, self.plan.scale
        posting = self.posting
        seen = [p for p in posting.recent if p["actor_id"] in posting.followee_ids]
        scale = s.notifications / 20_000
        for post in rng.sample(seen, min(len(seen), round(1_500 * scale))):
            self.favourite(plan.reader, post, self._after(post, 20))
        for post in rng.sample(seen, min(len(seen), round(100 * scale))):
            posting.boost(plan.reader, post, self._after(post, 30))
        for post in rng.sample(seen, min(len(seen), round(100 * scale))):
            moment = self._after(post, 60)
            plan.rows[Bookmark].append(
                {"id": plan.clock.id_at(moment), "actor_id": plan.reader.id,
                 "post_id": post["id"], "created_at": moment}
            )  # fmt: skip
        for post in posting.reader_posts[-3:]:
            moment = self._after(post, 5)
            plan.rows[Pin].append(
                {"id": plan.clock.id_at(moment), "actor_id": plan.reader.id,
                 "post_id": post["id"], "created_at": moment}
            )  # fmt: skip

    def _after(self, post: Row, minutes: int) -> datetime:
        return min(post["created_at"] + timedelta(minutes=minutes), self.plan.now)

    # --- notifications and counters ---------------------------------------------

    def notifications(self) -> None:
        """Rows in time order, with the group key `group_key_for` would have given
        each: a group (type, post, recipient) takes new members for
        MAX_GROUP_SPAN_HOURS from the hour it began."""
        plan = self.plan
        latest: dict[tuple[int, str], str] = {}
        for moment, recipient, sender, kind, post_id in sorted(plan.notes):
            group_key = None
            if kind in GROUPABLE:
                prefix = kind if kind == "follow" else f"{kind}-{post_id}"
                hour = int(moment.timestamp()) // 3600
                open_key = latest.get((recipient, prefix))
                if (
                    open_key
                    and int(open_key.rsplit("-", 1)[1]) > hour - MAX_GROUP_SPAN_HOURS
                ):
                    group_key = open_key
                else:
                    group_key = f"{prefix}-{hour}"
                latest[(recipient, prefix)] = group_key
            plan.rows[Notification].append(
                {"id": plan.clock.id_at(moment), "recipient_id": recipient,
                 "from_actor_id": sender, "type": kind, "post_id": post_id,
                 "group_key": group_key, "filtered": False, "created_at": moment}
            )  # fmt: skip

    def counters(self) -> None:
        """statuses_count and last_status_at as `_count_new_post` bumps them;
        follower counts as `follows.recount` makes them for local accounts (a remote
        account's come from its server, which sent none here)."""
        plan = self.plan
        followers: Counter[int] = Counter(t for _, t in plan.follows)
        following: Counter[int] = Counter(a for a, _ in plan.follows)
        statuses, last_status = self.posting.statuses, self.posting.last_status
        self.reader_counts = {
            "statuses_count": statuses[plan.reader.id],
            "last_status_at": last_status.get(plan.reader.id),
            "followers_count": followers[plan.reader.id],
            "following_count": following[plan.reader.id],
        }
        for row in plan.rows[Actor]:
            row["statuses_count"] = statuses[row["id"]]
            row["last_status_at"] = last_status.get(row["id"])
            if row["domain"] is None:
                row["followers_count"] = followers[row["id"]]
                row["following_count"] = following[row["id"]]


def _zipf(n: int) -> list[float]:
    out, total = [], 0.0
    for k in range(n):
        total += 1 / (k + 1) ** 0.8
        out.append(total)
    return out
