"""Serves fedcity's own JSON-LD context (schemas/contexts/fedcity/) at /ns/."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from fedcity.errors import NotFound

CONTEXTS_DIR = Path(__file__).resolve().parents[2] / "schemas" / "contexts" / "fedcity"


async def context_get(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    path = CONTEXTS_DIR / f"{name}.jsonld"
    if "/" in name or not path.is_file():
        raise NotFound()
    return web.Response(
        body=path.read_bytes(),
        content_type="application/ld+json",
        headers={
            "Access-Control-Allow-Origin": "*",
            "Cache-Control": "public, max-age=86400",
        },
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get(r"/ns/fedcity-{name:v[0-9]+}.jsonld", context_get)
