"""Accept-header handling: ActivityStreams JSON for servers, HTML for browsers."""

from __future__ import annotations

import orjson
from aiohttp import web

from fedcity.federation.vocab import LD_MEDIA_TYPE

AS2_CONTENT_TYPE = "application/activity+json"


def wants_activity_json(request: web.Request) -> bool:
    accept = request.headers.get("Accept", "")
    return (
        "application/activity+json" in accept
        or ("application/ld+json" in accept and "activitystreams" in accept)
        or accept.strip() == "application/ld+json"
        or accept.strip() == "application/json"
    )


def activity_response(doc: object, status: int = 200) -> web.Response:
    return web.Response(
        body=orjson.dumps(doc),
        status=status,
        headers={
            "Content-Type": f"{AS2_CONTENT_TYPE}; charset=utf-8",
            "Vary": "Accept",
        },
    )


__all__ = [
    "AS2_CONTENT_TYPE",
    "LD_MEDIA_TYPE",
    "activity_response",
    "wants_activity_json",
]
