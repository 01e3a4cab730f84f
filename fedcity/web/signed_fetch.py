"""Who is asking: the actor behind a signed GET of an ActivityPub document (a
members-only or followers-only object is served by it)."""

from __future__ import annotations

from aiohttp import web

from fedcity.appkeys import DB, FEDERATION
from fedcity.federation.actors import get_or_fetch_actor
from fedcity.federation.inbox import InboundRequest, verify_request
from fedcity.federation.signatures.verify import parse_signature
from fedcity.storage.models import Actor


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
