"""/search?q=: public posts, accounts and hashtags, for people in a browser.

The same services as the client API's /api/v2/search. Signed out, as on Mastodon:
this server's own public posts of accounts that chose to be found, accounts and
hashtags already known here, nothing fetched from elsewhere. Signed in: the posts
the account may find (its own index too), and a handle or address of another
server is looked up there (as `resolve=true`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from aiohttp import web

from fedcity import i18n
from fedcity.api.entities.statuses import serialize_account, serialize_statuses
from fedcity.appkeys import DB, FEDERATION, SETTINGS
from fedcity.errors import FedcityError
from fedcity.federation.actors import resolve_handle
from fedcity.federation.resolve import resolve_url
from fedcity.federation.vocab import is_http_url
from fedcity.services.accounts.search import AccountQuery, search_accounts
from fedcity.services.discovery import search as status_search
from fedcity.services.limits import MAX_SEARCH_QUERY
from fedcity.services.statuses.visibility import can_view
from fedcity.storage.models import Actor, Post, Tag
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import posts as post_q
from fedcity.storage.queries import search as search_q
from fedcity.text import normalize_hashtag
from fedcity.web.sessions import viewer
from fedcity.web.templating import page_language, render

LIMIT = 20


@dataclass
class _Found:
    accounts: list[Actor] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)


async def search_page(request: web.Request) -> web.Response:
    query = request.query.get("q", "").strip()
    signed = viewer(request)
    me = signed.actor if signed else None
    urls = request.app[FEDERATION].urls
    context: dict[str, Any] = {
        "query": query,
        "errors": {},
        "searched": False,
        "accounts": [],
        "statuses": [],
        "tags": [],
    }
    if len(query) > MAX_SEARCH_QUERY:
        context["errors"] = {
            "q": i18n.translate(
                page_language(request),
                i18n.N_("Search for at most {count} characters."),
                {"count": MAX_SEARCH_QUERY},
            )
        }
        return await render(request, "discovery/search.html", context, status=422)
    if query:
        async with request.app[DB].session() as session:
            found = await _search(request, session, query, me)
            context.update(
                searched=True,
                accounts=[serialize_account(a, urls) for a in found.accounts],
                statuses=await serialize_statuses(session, found.posts, me, urls),
                tags=[
                    {"name": t.name, "url": f"/tags/{quote(t.name)}"}
                    for t in found.tags
                ],
            )
    return await render(request, "discovery/search.html", context)


# `session` is the request's AsyncSession, typed as Any: pages import no SQLAlchemy.
async def _search(
    request: web.Request, session: Any, query: str, me: Actor | None
) -> _Found:
    if is_http_url(query):
        return await _by_address(request, session, query, me)
    domain = request.app[SETTINGS].instance.domain
    found = _Found()

    async def resolver(username: str, host: str) -> Actor | None:
        try:
            return await resolve_handle(
                request.app[FEDERATION], session, username, host
            )
        except FedcityError:
            return None

    found.accounts = await search_accounts(
        session,
        me,
        AccountQuery(text=query, limit=LIMIT, resolve=me is not None),
        own_domain=domain,
        resolver=resolver if me is not None else None,
    )
    wanted = status_search.StatusSearch(query=query, limit=LIMIT)
    if me is not None:
        found.posts = await status_search.search_statuses(session, me, wanted, domain)
    else:
        found.posts = await status_search.search_public_statuses(
            session, wanted, domain
        )
    term = normalize_hashtag(query.lstrip("#"))
    if term and "@" not in query and not any(c.isspace() for c in term):
        found.tags = await search_q.list_tags_by_prefix(session, term, limit=LIMIT)
    return found


async def _by_address(
    request: web.Request, session: Any, address: str, me: Actor | None
) -> _Found:
    """The account or post at a web address: known here, or (signed in) fetched."""
    thing: Actor | Post | None = await actor_q.get_actor_by_uri(session, address)
    if thing is None:
        thing = await post_q.get_post_by_uri_or_url(session, address)
    if thing is None and me is not None:
        try:
            thing = await resolve_url(request.app[FEDERATION], session, address)
        except FedcityError:
            thing = None
    if isinstance(thing, Actor) and thing.actor_type != "Application":
        return _Found(accounts=[thing])
    if isinstance(thing, Post) and await can_view(session, me, thing):
        return _Found(posts=[thing])
    return _Found()


def add_routes(app: web.Application) -> None:
    app.router.add_get("/search", search_page)
