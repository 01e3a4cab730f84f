"""The Mastodon entities that pages show, made fit for a page.

Pages draw posts and accounts from the entities the client API serves, with two
differences. The pages' Content-Security-Policy loads images only from this
instance, so every remote image (attachments, link cards, avatars, headers) is
shown through its `/media_proxy/` route, whatever `[media] remote` says for apps.
And a remote account or post links to its page here (`/@user@domain`,
`/@user@domain/ID`), which links to its origin (`origin_url`).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from aiohttp import web

from fedcity.api.entities.formats import Entity
from fedcity.api.entities.statuses import serialize_account, serialize_statuses
from fedcity.api.feeds.filters import filtered_statuses
from fedcity.appkeys import DB, SETTINGS
from fedcity.storage.models import Actor, Post
from fedcity.urls import Urls


def page_urls(request: web.Request) -> Urls:
    """This instance's URLs, with remote media through its proxy."""
    return Urls(request.app[SETTINGS].instance.base_url, proxy_remote_media=True)


def profile_path(acct: str) -> str:
    """The page of an account here: `/@name`, or `/@name@domain` for remote ones."""
    return "/@" + quote(acct, safe="@")


def page_account(entity: Entity, base: str) -> Entity:
    """An Account entity with its remote images proxied and its link to its page
    here; `origin_url` keeps where it lives."""
    entity["origin_url"] = entity["url"]
    if not str(entity["avatar"]).startswith(base + "/"):
        proxied = f"{base}/media_proxy/avatars/{entity['id']}"
        entity["avatar"] = entity["avatar_static"] = proxied
    if not str(entity["header"]).startswith(base + "/"):
        proxied = f"{base}/media_proxy/headers/{entity['id']}"
        entity["header"] = entity["header_static"] = proxied
    if "@" in entity["acct"]:
        entity["url"] = base + profile_path(entity["acct"])
    return entity


def page_status(entity: Entity, base: str) -> Entity:
    """A Status entity for a page (see the module's docstring)."""
    page_account(entity["account"], base)
    entity["origin_url"] = entity["url"] or entity["uri"]
    if entity["reblog"] is not None:
        page_status(entity["reblog"], base)
    elif "@" in entity["account"]["acct"]:
        entity["url"] = f"{entity['account']['url']}/{entity['id']}"
    return entity


def account_for_page(request: web.Request, actor: Actor) -> Entity:
    urls = page_urls(request)
    return page_account(serialize_account(actor, urls), urls.base)


async def statuses_for_page(
    request: web.Request,
    posts: Sequence[Post],
    viewer: Actor | None,
    context: str | None = None,
) -> list[Entity]:
    """`posts` as entities for a page; with a filter `context` ("public",
    "account", "thread"), the signed-in viewer's filters of that context apply."""
    urls = page_urls(request)
    async with request.app[DB].session() as session:
        if context is None:
            items = await serialize_statuses(session, posts, viewer, urls)
        else:
            items = await filtered_statuses(session, posts, viewer, context, urls)
    return [page_status(item, urls.base) for item in items]
