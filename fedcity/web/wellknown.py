"""Discovery: WebFinger (RFC 7033), host-meta (RFC 6415) and NodeInfo 2.0/2.1."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

import orjson
from aiohttp import web

from fedcity import __version__
from fedcity.appkeys import DB, FEDERATION, SETTINGS
from fedcity.errors import BadRequest, NotFound
from fedcity.federation.vocab import AS2_MEDIA_TYPE
from fedcity.services.discovery.intents import FEP_3B86, OSTATUS_SUBSCRIBE
from fedcity.services.instance import instance as instance_service
from fedcity.storage.models import Actor
from fedcity.storage.queries import actors as q

JRD = "application/jrd+json"
NODEINFO_SCHEMAS = {
    "2.0": "http://nodeinfo.diaspora.software/ns/schema/2.0",
    "2.1": "http://nodeinfo.diaspora.software/ns/schema/2.1",
}


async def webfinger(request: web.Request) -> web.Response:
    resource = request.query.get("resource", "").strip()
    if not resource:
        raise BadRequest("the resource parameter is required")
    username = _username_from_resource(request, resource)
    async with request.app[DB].session() as session:
        actor = await q.get_local_actor(session, username) if username else None
    if actor is None:
        raise NotFound("no such account here")
    return web.json_response(_jrd(request, actor), content_type=JRD)


def _username_from_resource(request: web.Request, resource: str) -> str | None:
    settings = request.app[SETTINGS]
    domain = settings.instance.domain.lower()
    resource = unquote(resource)
    if resource.startswith("acct:"):
        user, _, host = resource[5:].lstrip("@").rpartition("@")
        return user if host.lower() == domain else None
    parts = urlsplit(resource)
    if parts.netloc.lower() != domain:
        return None
    path = parts.path.rstrip("/")
    if path == "/actor":
        return domain
    for prefix in ("/users/", "/@"):
        if path.startswith(prefix) and "/" not in path[len(prefix) :]:
            return path[len(prefix) :]
    return None


def _jrd(request: web.Request, actor: Actor) -> dict[str, object]:
    settings = request.app[SETTINGS]
    urls = request.app[FEDERATION].urls
    links: list[dict[str, str]] = [
        {"rel": "self", "type": AS2_MEDIA_TYPE, "href": actor.uri},
    ]
    if actor.actor_type != "Application":
        links.insert(
            0,
            {
                "rel": "http://webfinger.net/rel/profile-page",
                "type": "text/html",
                "href": actor.url or actor.uri,
            },
        )
        links += _intent_links(urls.base)
    return {
        "subject": f"acct:{actor.username}@{settings.instance.domain}",
        "aliases": [a for a in (actor.uri, actor.url) if a],
        "links": links,
    }


def _intent_links(base: str) -> list[dict[str, str]]:
    """Where this server's people act on something found elsewhere: the Activity
    Intents of FEP-3b86 and Mastodon's older subscribe template, all answered by
    /authorize_interaction (web/discovery/authorize.py)."""
    page = f"{base}/authorize_interaction"
    return [
        {"rel": OSTATUS_SUBSCRIBE, "template": f"{page}?uri={{uri}}"},
        {"rel": FEP_3B86 + "Object", "template": f"{page}?uri={{object}}"},
        {
            "rel": FEP_3B86 + "Follow",
            "template": f"{page}?intent=follow&uri={{object}}",
        },
        {
            "rel": FEP_3B86 + "Create",
            "template": f"{page}?intent=reply&uri={{inReplyTo}}",
        },
        {
            "rel": FEP_3B86 + "Announce",
            "template": f"{page}?intent=boost&uri={{object}}",
        },
        {"rel": FEP_3B86 + "Like", "template": f"{page}?intent=like&uri={{object}}"},
    ]


async def host_meta(request: web.Request) -> web.Response:
    base = request.app[FEDERATION].urls.base
    template = f"{base}/.well-known/webfinger?resource={{uri}}"
    if request.query.get("format") == "json" or request.path.endswith(".json"):
        return web.json_response({"links": [{"rel": "lrdd", "template": template}]})
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" template="{escape(template)}"/>\n'
        "</XRD>\n"
    )
    return web.Response(text=xml, content_type="application/xrd+xml")


async def nodeinfo_links(request: web.Request) -> web.Response:
    base = request.app[FEDERATION].urls.base
    return web.json_response(
        {
            "links": [
                {"rel": schema, "href": f"{base}/nodeinfo/{version}"}
                for version, schema in NODEINFO_SCHEMAS.items()
            ]
        }
    )


async def nodeinfo(request: web.Request) -> web.Response:
    version = request.match_info["version"].removesuffix(".json")
    if version not in NODEINFO_SCHEMAS:
        raise NotFound("unknown NodeInfo version")
    settings = request.app[SETTINGS]
    async with request.app[DB].session() as session:
        usage = await instance_service.usage(session)
    software: dict[str, str] = {"name": "fedcity", "version": __version__}
    if version == "2.1":
        software["repository"] = "https://github.com/fedcity/fedcity"
        software["homepage"] = "https://fedcity.org"
    body = {
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": False,
        "usage": {
            "users": {
                "total": usage.users,
                "activeMonth": usage.active_month,
                "activeHalfyear": usage.active_halfyear,
            },
            "localPosts": usage.local_posts,
        },
        "metadata": {
            "nodeName": settings.instance.name,
            "nodeDescription": settings.instance.description,
            "fedcity": {"kind": settings.instance.kind},
        },
    }
    # Bytes, not text: aiohttp would re-serialise the header and drop the quotes
    # around the profile URL, which peers compare literally.
    profile = f'application/json; profile="{NODEINFO_SCHEMAS[version]}#"'
    return web.Response(body=orjson.dumps(body), headers={"Content-Type": profile})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/.well-known/webfinger", webfinger)
    app.router.add_get("/.well-known/host-meta", host_meta)
    app.router.add_get("/.well-known/host-meta.json", host_meta)
    app.router.add_get("/.well-known/nodeinfo", nodeinfo_links)
    app.router.add_get("/nodeinfo/{version}", nodeinfo)
