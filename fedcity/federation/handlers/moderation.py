"""Flag: another server reports local accounts (and their posts) to our moderators."""

from __future__ import annotations

from fedcity.federation.dispatch import Inbound, handles
from fedcity.federation.moderation import flagged_uris
from fedcity.services.moderation import reports
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import posts as post_q


@handles("Flag")
async def on_flag(inbound: Inbound) -> None:
    """Only local accounts and posts named in the Flag count; the sender (usually
    the other server's instance actor) is the report's author."""
    session = inbound.session
    targets, posts = [], []
    for uri in flagged_uris(inbound.activity)[:100]:
        actor = await actor_q.get_actor_by_uri(session, uri)
        if actor is not None and actor.is_local:
            targets.append(actor)
            continue
        post = await post_q.get_post_by_uri(session, uri)
        if post is not None and post.local:
            posts.append(post)
    content = inbound.activity.get("content")
    activity_id = inbound.activity.get("id")
    await reports.receive_flag(
        session,
        inbound.actor,
        activity_id if isinstance(activity_id, str) else None,
        targets,
        posts,
        content if isinstance(content, str) else "",
    )
