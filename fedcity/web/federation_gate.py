"""Who may read this instance's ActivityPub documents (issue 12).

- A signed GET whose key is on a suspended domain, or (allowlist mode) on a domain
  not allowed, gets 403 with the reason, before any key is fetched.
- In allowlist mode every ActivityPub GET must be signed (Mastodon's limited
  federation mode implies authorized fetch): an unsigned one gets 401, and a
  signed one is verified here, so a signature naming an allowed key it cannot
  produce gets nothing either.
- Exempt: the instance actor (`/actor`; peers fetch it unsigned to verify the
  instance's own signatures, as Mastodon exempts its instance actor), its allow
  list (`/actor/allowlist`, public by design), WebFinger, NodeInfo, contexts and
  HTML pages.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from fedcity.appkeys import FEDERATION
from fedcity.errors import Unauthorized
from fedcity.federation.inbox import InboundRequest, verify_request
from fedcity.federation.signatures.verify import parse_signature
from fedcity.web.negotiation import wants_activity_json

# Served only as ActivityStreams, whatever the Accept header says.
_DOCUMENT_PATHS = ("/activities/", "/emojis/")
# ActivityStreams for servers, HTML pages for browsers.
_NEGOTIATED_PATHS = ("/users/", "/@")


def _is_document_request(request: web.Request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    path = request.path
    if path.startswith(_DOCUMENT_PATHS):
        return True
    return path.startswith(_NEGOTIATED_PATHS) and wants_activity_json(request)


def _is_signed(request: web.Request) -> bool:
    headers = request.headers
    authorization = headers.get("Authorization", "")
    return (
        "Signature" in headers
        or "Signature-Input" in headers
        or authorization.lower().startswith("signature ")
    )


@web.middleware
async def federation_gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not _is_document_request(request):
        return await handler(request)
    fed = request.app[FEDERATION]
    policy = fed.policy.current
    if not _is_signed(request):
        if policy.mode == "allowlist":
            raise Unauthorized("Request not signed")
        return await handler(request)
    info = parse_signature(request.method, request.raw_path, request.headers)
    policy.check(info.key_id)
    if policy.mode == "allowlist":
        inbound = InboundRequest(
            request.method, request.raw_path, request.headers, b"", request.host, None
        )
        signer = await verify_request(fed, info, inbound)
        policy.check(signer)
    return await handler(request)
