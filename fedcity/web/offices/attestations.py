"""`/attestations/{id}`: an office or candidacy this instance attests, as JSON-LD
for servers and as a page for people (content negotiation, as actors and posts).
The page links back to the official's profile with rel="me", so that the "Office"
field of the profile, which links here, verifies in Mastodon. A revoked
attestation is gone: a `Tombstone` with 410, or the 410 page."""

from __future__ import annotations

from aiohttp import web

from fedcity.appkeys import DB, FEDERATION
from fedcity.errors import Gone, NotFound
from fedcity.federation.attestations.outbound import signed_attestation
from fedcity.federation.attestations.registry import render_registry
from fedcity.federation.render.collections import render_collection
from fedcity.federation.render.offices import render_attestation_tombstone
from fedcity.ids import parse_id
from fedcity.services.offices import attestations as offices
from fedcity.services.offices.status import summary_of, view
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.types import utcnow
from fedcity.web.negotiation import activity_response, wants_activity_json
from fedcity.web.templating import render


async def attestation_get(request: web.Request) -> web.Response:
    attestation_id = parse_id(request.match_info["id"])
    if attestation_id is None:
        raise NotFound()
    async with request.app[DB].session() as session:
        attestation, subject = await offices.get_attestation(session, attestation_id)
    as_json = wants_activity_json(request)
    if attestation.revoked_at is not None:
        if as_json:
            return activity_response(render_attestation_tombstone(attestation), 410)
        raise Gone()
    if as_json:
        # An FEP-8b32 proof by the instance's Ed25519 key (listed on /actor), dated
        # with the attestation so that every fetch serves the same bytes.
        fed = request.app[FEDERATION]
        return activity_response(signed_attestation(fed, attestation, subject.uri))
    shown = view(summary_of(attestation, ""), subject.capacity, utcnow().date())
    return await render(
        request,
        "offices/attestation.html",
        {
            "attestation": attestation,
            "subject": subject,
            "profile_url": subject.url or subject.uri,
            "view": shown,
            "alternates": [
                {
                    "type": "application/activity+json",
                    "href": attestation.uri,
                    "title": "",
                }
            ],
        },
    )


async def registry_get(request: web.Request) -> web.Response:
    """The league registry: what this instance attests, and its members."""
    async with request.app[DB].session() as session:
        doc = await render_registry(request.app[FEDERATION], session)
    return activity_response(doc)


async def instance_actor_followers(request: web.Request) -> web.Response:
    """The instances that follow the instance actor (those trusting it as a
    verifier, addressed in `cc` of its attestations): their number only."""
    fed = request.app[FEDERATION]
    async with request.app[DB].session() as session:
        actor = await actor_q.get_actor_by_uri(session, fed.urls.instance_actor)
    total = actor.followers_count if actor is not None else 0
    followers = f"{fed.urls.instance_actor}/followers"
    return activity_response(render_collection(followers, total, None))


def add_routes(app: web.Application) -> None:
    app.router.add_get(r"/attestations/{id}", attestation_get)
    app.router.add_get("/registry", registry_get)
    app.router.add_get("/actor/followers", instance_actor_followers)
