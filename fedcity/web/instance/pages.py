"""The instance's own pages, for everyone: home, about, rules, privacy policy,
terms of service, and the apps to use it with.

The texts come from `[instance]` through `services.instance.texts`, the same
documents `/api/v1/instance/…` serves to apps.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from fedcity.appkeys import DB, SETTINGS
from fedcity.errors import NotFound
from fedcity.services.feeds import timelines
from fedcity.services.instance import texts
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries.posts import Page
from fedcity.storage.types import utcnow
from fedcity.web.media import account_for_page, statuses_for_page
from fedcity.web.sessions import viewer
from fedcity.web.templating import render

HOME_POSTS = 20

# Mastodon apps for everyday use: (name, platforms, address). Plain links, nothing
# loaded from their sites.
APPS = (
    ("Mastodon", "iOS", "https://apps.apple.com/app/mastodon-for-iphone/id1571998974"),
    (
        "Mastodon",
        "Android",
        "https://play.google.com/store/apps/details?id=org.joinmastodon.android",
    ),
    ("Ivory", "iOS, macOS", "https://tapbots.com/ivory/"),
    ("Ice Cubes", "iOS, macOS", "https://github.com/Dimillian/IceCubesApp"),
    ("Tusky", "Android", "https://tusky.app/"),
    ("Phanpy", "Web", "https://phanpy.social/"),
    ("Elk", "Web", "https://elk.zone/"),
    ("Tuba", "Linux", "https://tuba.geopjr.dev/"),
)


async def home(request: web.Request) -> web.Response:
    """What the instance is, who runs it, its rules, the latest public posts of its
    accounts, and how to join."""
    signed = viewer(request)
    async with request.app[DB].session() as session:
        posts = await timelines.public(
            session,
            Page(limit=HOME_POSTS),
            local=True,
            viewer_id=signed.actor.id if signed else None,
        )
        staff = await actor_q.list_staff(session)
    settings = request.app[SETTINGS].instance
    return await render(
        request,
        "instance/home.html",
        {
            "statuses": await statuses_for_page(
                request, posts, signed.actor if signed else None, "public"
            ),
            "staff": [account_for_page(request, a) for a in staff],
            "rules": texts.rules(settings),
            "page_url": settings.base_url + "/",
        },
    )


async def about(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS].instance
    document = await _read(settings.extended_description)
    return await render(
        request,
        "instance/about.html",
        {"document": document, "rules": texts.rules(settings)},
    )


async def rules(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS].instance
    return await render(
        request, "instance/rules.html", {"rules": texts.rules(settings)}
    )


async def privacy_policy(request: web.Request) -> web.Response:
    """The operators' policy, else fedcity's own."""
    settings = request.app[SETTINGS].instance
    document = await asyncio.to_thread(texts.privacy_policy, settings)
    if document is None:
        raise NotFound()
    return await render(request, "instance/privacy.html", {"document": document})


async def terms_of_service(request: web.Request) -> web.Response:
    """The terms in force (or those of `/{date}`), with the list of every version."""
    settings = request.app[SETTINGS].instance
    found = await asyncio.to_thread(
        texts.terms_document,
        settings,
        utcnow().date(),
        request.match_info.get("date"),
    )
    terms, document = found if found else (None, None)
    return await render(
        request,
        "instance/terms.html",
        {
            "terms": terms,
            "document": document,
            "versions": list(reversed(settings.terms_of_service)),
        },
    )


async def apps(request: web.Request) -> web.Response:
    return await render(request, "instance/apps.html", {"apps": APPS})


async def _read(path: str) -> texts.Document | None:
    return await asyncio.to_thread(texts.read_document, path)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", home)
    app.router.add_get("/about", about)
    app.router.add_get("/rules", rules)
    app.router.add_get("/privacy-policy", privacy_policy)
    app.router.add_get("/terms-of-service", terms_of_service)
    app.router.add_get("/terms-of-service/{date}", terms_of_service)
    app.router.add_get("/apps", apps)
