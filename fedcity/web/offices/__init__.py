"""Verified offices on the web front: the attestation pages (issue 11)."""

from __future__ import annotations

from aiohttp import web

from fedcity.web.offices import attestations


def add_routes(app: web.Application) -> None:
    attestations.add_routes(app)
