"""The last string-built page helper: `web.tags` still answers with it until its
hashtag page moves to the templates (docs/web.md); then this module goes."""

from __future__ import annotations

from html import escape

from aiohttp import web

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>{head}
</head>
<body>{body}</body></html>"""


def render_page(title: str, body: str, head: str = "") -> web.Response:
    return web.Response(
        text=_PAGE.format(title=escape(title), body=body, head=head),
        content_type="text/html",
        headers={"Vary": "Accept"},
    )
