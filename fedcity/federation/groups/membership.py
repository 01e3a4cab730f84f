"""Serving a local member's members-only post to another server: the post's
remote group is asked whether that server has a member
(`GET {followers}?is_follower={actor}`, signed, as Lemmy asks of a private
community), since only the group knows its members."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession
from yarl import URL

from fedcity.errors import FedcityError
from fedcity.federation.context import Federation
from fedcity.federation.fetch import check_policy
from fedcity.federation.signatures.cavage import sign_request
from fedcity.federation.vocab import ACCEPT_AS2
from fedcity.storage.models import Actor, Post
from fedcity.storage.queries import posts as post_q

log = logging.getLogger(__name__)


async def remote_group_admits(
    fed: Federation, session: AsyncSession, post: Post, viewer: Actor | None
) -> bool:
    """Whether a remote group the local `post` is addressed to (by a mention)
    counts `viewer`, or `viewer`'s server, among its members."""
    if viewer is None or not post.local or viewer.is_local:
        return False
    for group in await post_q.list_mentioned_actors(session, post.id):
        if group.actor_type != "Group" or group.is_local or not group.followers_uri:
            continue
        if await _is_follower(fed, group.followers_uri, viewer.uri):
            return True
    return False


async def _is_follower(fed: Federation, followers: str, actor_uri: str) -> bool:
    # Built as the HTTP client will send it, so that the signed request target
    # is the one the group reads.
    url = str(URL(followers).update_query(is_follower=actor_uri))
    try:
        check_policy(fed, url)
        key = fed.instance_key
        headers = sign_request(
            "GET",
            url,
            key_id=key.key_id,
            private_key=key.private_key,
            headers={"Accept": ACCEPT_AS2},
        )
        response = await fed.transport.get(url, headers, max_bytes=65536)
    except FedcityError as error:
        log.info("could not ask %s about %s: %s", followers, actor_uri, error)
        return False
    return response.status == 200
