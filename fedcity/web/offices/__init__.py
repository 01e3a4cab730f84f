"""Verified offices on the web front: the attestation pages, a seat's handover
link and its former holders' archives (issue 11)."""

from __future__ import annotations

from aiohttp import web


def add_routes(app: web.Application) -> None:
    # Imported here, not above: the CLI imports `web.offices.records` (the HTML
    # export) without the rest of the web front and its import cycle.
    from fedcity.web.offices import attestations, seats

    attestations.add_routes(app)
    seats.add_routes(app)
