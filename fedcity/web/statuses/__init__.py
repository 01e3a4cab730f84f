"""Post pages (a post with its thread, its embeddable form) and writing and acting
on posts from the browser: /compose, /statuses/ID/…"""

from aiohttp import web

from fedcity.web.statuses import actions, compose


def add_routes(app: web.Application) -> None:
    compose.add_routes(app)
    actions.add_routes(app)
