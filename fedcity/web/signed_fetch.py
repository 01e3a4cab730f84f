"""Who is asking: the actor behind a signed GET of an ActivityPub document, and
whether it may read a post that is not public (followers-only and members-only
objects are served by it)."""

from __future__ import annotations

from aiohttp import web

from fedcity.appkeys import DB, FEDERATION
from fedcity.federation.actors import get_or_fetch_actor
from fedcity.federation.groups.membership import remote_group_admits
from fedcity.federation.inbox import InboundRequest, verify_request
from fedcity.federation.signatures.verify import parse_signature
from fedcity.services.groups import access as group_access
from fedcity.services.statuses.visibility import can_view
from fedcity.storage.models import Actor, Post


async def signed_viewer(request: web.Request) -> Actor | None:
    """The actor behind a signed GET, or None for an anonymous one."""
    if "Signature" not in request.headers and "Signature-Input" not in request.headers:
        return None
    fed = request.app[FEDERATION]
    info = parse_signature(request.method, request.raw_path, request.headers)
    inbound = InboundRequest(
        request.method, request.raw_path, request.headers, b"", request.host, None
    )
    signer = await verify_request(fed, info, inbound)
    async with request.app[DB].session() as session:
        return await get_or_fetch_actor(fed, session, signer)


async def readable(request: web.Request, post: Post, viewer: Actor | None) -> bool:
    """A post that is not public: its audience may read it, and so may a server
    that a group carrying it (here or elsewhere) lets read the group's threads."""
    async with request.app[DB].session() as session:
        return (
            await can_view(session, viewer, post)
            or await group_access.may_read_post(session, post, viewer)
            or await remote_group_admits(request.app[FEDERATION], session, post, viewer)
        )
