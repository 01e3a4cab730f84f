"""Flag: another server reports local accounts (and their posts) to our moderators.

The shapes servers send differ (docs/moderation.md):
- Mastodon: `object` = [account, statuses…], the comment in `content`, sent by the
  instance actor;
- Misskey: `object` = the account alone, `content`, sent by its system account;
- Lemmy: `object` = the post alone, the reason in `summary`, sent by the user;
- Mbin: `object` = [post, author] (or the post alone), `summary` = `content`.
So a named local post also names its author, and `summary` stands in for
`content` when there is none.
"""

from __future__ import annotations

import logging

from fedcity.federation.dispatch import Inbound, handles
from fedcity.federation.moderation import flagged_uris
from fedcity.federation.vocab import Document
from fedcity.services.moderation import reports
from fedcity.storage.models import Actor, Post
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import posts as post_q

MAX_FLAGGED = 100  # ids read from one Flag
log = logging.getLogger(__name__)


@handles("Flag")
async def on_flag(inbound: Inbound) -> None:
    """Only local accounts and posts named in the Flag count; the sender (usually
    the other server's instance actor) is the report's author. A domain blocked
    with `reject_reports` is not heard (Mastodon drops its Flags the same way)."""
    if inbound.fed.policy.current.rejects_reports(inbound.actor.uri):
        log.info("dropped a Flag from %s: its reports are rejected", inbound.actor.uri)
        return
    session = inbound.session
    targets: dict[int, Actor] = {}
    posts: list[Post] = []
    for uri in flagged_uris(inbound.activity)[:MAX_FLAGGED]:
        actor = await actor_q.get_actor_by_uri(session, uri)
        if actor is not None and actor.is_local:
            targets[actor.id] = actor
            continue
        post = await post_q.get_post_by_uri(session, uri)
        if post is not None and post.local:
            posts.append(post)
    for post in posts:  # Lemmy and Mbin name the post, not (only) its author
        if post.actor_id not in targets:
            author = await session.get(Actor, post.actor_id)
            if author is not None:
                targets[author.id] = author
    activity_id = inbound.activity.get("id")
    await reports.receive_flag(
        session,
        inbound.actor,
        activity_id if isinstance(activity_id, str) else None,
        list(targets.values()),
        posts,
        flag_comment(inbound.activity),
    )


def flag_comment(activity: Document) -> str:
    """The reporter's words: `content`, else Lemmy's `summary`."""
    for key in ("content", "summary"):
        value = activity.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return ""
