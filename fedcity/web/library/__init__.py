"""The library's pages (issue 14; docs/web.md, docs/library.md "On the web"):
browsing (/library), an item's page, the compose, edit and withdraw forms, the
funding board with "I'm applying", and the feeds. The search page
(/library/search) registers its own route."""

from __future__ import annotations

from aiohttp import web

from fedcity.web.library import board, browse, editing, feeds, item_page
from fedcity.web.library.sections import ITEM_PATTERN, SECTION_PATTERN

SECTION = f"/library/{SECTION_PATTERN}"


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/library", browse.library_page)
    r.add_get("/library/funding", board.board_page)
    r.add_get("/library/funding.ics", feeds.calendar_feed)
    r.add_get(f"{SECTION}.atom", feeds.atom_feed)
    r.add_get(f"{SECTION}/new", editing.new_page)
    r.add_post(f"{SECTION}/new", editing.create)
    r.add_get(ITEM_PATTERN, item_page.item_page)
    r.add_get(f"{ITEM_PATTERN}/edit", editing.edit_page)
    r.add_post(f"{ITEM_PATTERN}/edit", editing.save)
    r.add_get(f"{ITEM_PATTERN}/withdraw", editing.withdraw_page)
    r.add_post(f"{ITEM_PATTERN}/withdraw", editing.withdraw)
    r.add_post("/library/funding/{item_id:[0-9]{1,19}}/applying", board.mark)
