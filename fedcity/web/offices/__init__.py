"""Verified offices on the web front: the attestation pages, a seat's handover
link and its former holders' archives (issue 11)."""

from __future__ import annotations

from aiohttp import web

from fedcity.web.offices import attestations, seats


def add_routes(app: web.Application) -> None:
    attestations.add_routes(app)
    seats.add_routes(app)
