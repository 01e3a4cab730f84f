"""Plain HTML pages for people who open a profile or post in a browser."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from aiohttp import web

from fedcity.appkeys import SETTINGS
from fedcity.services.statuses.polls import is_expired
from fedcity.storage.models import Actor, Poll, Post, Visibility

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>{head}
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;
padding:0 1rem;line-height:1.5}}
.meta{{color:#555;font-size:.9rem}}</style></head>
<body>{body}</body></html>"""


def render_page(title: str, body: str, head: str = "") -> web.Response:
    return web.Response(
        text=_PAGE.format(title=escape(title), body=body, head=head),
        content_type="text/html",
        headers={"Vary": "Accept"},
    )


def _alternate(uri: str) -> str:
    link = '<link rel="alternate" type="application/activity+json"'
    return f'\n{link} href="{escape(uri)}">'


def _oembed_link(base_url: str, status_page: str) -> str:
    """The oEmbed discovery link of a public status (answered by /api/oembed)."""
    href = f"{base_url}/api/oembed?url={quote(status_page, safe='')}"
    link = '<link rel="alternate" type="application/json+oembed"'
    return f'\n{link} href="{escape(href)}">'


async def profile(request: web.Request, actor: Actor) -> web.Response:
    domain = request.app[SETTINGS].instance.domain
    body = (
        f"<h1>{escape(actor.display_name or actor.username)}</h1>"
        f'<p class="meta">@{escape(actor.username)}@{escape(domain)}</p>'
        f"<div>{actor.summary}</div>"
        f'<p class="meta">{actor.statuses_count} posts · '
        f"{actor.followers_count} followers"
        f" · {actor.following_count} following</p>"
        "<p>Follow this account from any Mastodon-compatible app: "
        "search for its handle.</p>"
    )
    return render_page(
        actor.display_name or actor.username, body, _alternate(actor.uri)
    )


# Shown with every poll: votes come from any fediverse account that sees the post.
POLL_NOTICE = "Non-binding sentiment poll: nothing proves a voter lives in the city."


def _poll_html(poll: Poll | None) -> str:
    if poll is None:
        return ""
    ended = is_expired(poll)
    show = ended or not poll.hide_totals
    items = "".join(
        f"<li>{escape(title)}" + (f" — {count} votes" if show else "") + "</li>"
        for title, count in zip(poll.options, poll.votes_counts, strict=False)
    )
    when = poll.expires_at.isoformat() if poll.expires_at else ""
    state = f"Closed {when}" if ended else f"Open until {when}" if when else "Open"
    return (
        f'<section class="poll"><ul>{items}</ul>'
        f'<p class="meta">{escape(state)}. {escape(POLL_NOTICE)}</p></section>'
    )


async def status(
    request: web.Request, actor: Actor, post: Post, poll: Poll | None = None
) -> web.Response:
    body = (
        f'<p class="meta"><a href="{escape(actor.url or actor.uri)}">'
        f"{escape(actor.display_name or actor.username)}</a></p>"
        + (
            f"<p><strong>{escape(post.spoiler_text)}</strong></p>"
            if post.spoiler_text
            else ""
        )
        + f"<article>{post.content}</article>"
        + _poll_html(poll)
        + f'<p class="meta">{(post.published_at or post.created_at).isoformat()}</p>'
    )
    head = _alternate(post.uri)
    if post.visibility in (Visibility.PUBLIC, Visibility.UNLISTED):
        base = request.app[SETTINGS].instance.base_url
        head += _oembed_link(base, post.url or post.uri)
    return render_page(f"{actor.display_name or actor.username}", body, head)


async def home(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    body = (
        f"<h1>{escape(settings.instance.name)}</h1>"
        f"<p>{escape(settings.instance.description)}</p>"
        f'<p class="meta">A fedcity {escape(settings.instance.kind)} instance at '
        f"{escape(settings.instance.domain)}. "
        "Sign in with any Mastodon-compatible app.</p>"
    )
    return render_page(settings.instance.name, body)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", home)
