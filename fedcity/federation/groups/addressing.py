"""Which groups a local post is addressed to (FEP-1b12): the groups it mentions,
and, for a reply that is not direct, the groups that carry the post it answers.
Lemmy, NodeBB and Mbin take a post into a group when the group is its `audience`
and in its `to`, and when it reaches the group's inbox (render.statuses and
outbox.statuses use this)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import Actor, Post, Visibility
from fedcity.storage.queries import groups as group_q


async def post_groups(
    session: AsyncSession, post: Post, mentioned: Sequence[Actor]
) -> list[Actor]:
    """The group actors `post` goes to, mentioned ones first, each once."""
    groups = [a for a in mentioned if a.actor_type == "Group"]
    if post.in_reply_to_id is not None and post.visibility != Visibility.DIRECT:
        # A private reply in a thread stays private: only a mention brings it in.
        for group in await group_q.list_groups_carrying(session, post.in_reply_to_id):
            if all(g.id != group.id for g in groups):
                groups.append(group)
    return groups
