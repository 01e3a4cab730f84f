"""Typed request parsing: query, form and JSON bodies read alike (clients send all)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDict

from fedcity.errors import BadRequest, NotFound, Unprocessable
from fedcity.storage.models import Visibility
from fedcity.storage.queries.posts import Page

MAX_LIMIT = 40


async def read_params(request: web.Request) -> MultiDict[Any]:
    params: MultiDict[Any] = MultiDict(request.query)
    if request.method in ("GET", "HEAD", "DELETE") and not request.can_read_body:
        return params
    content_type = request.content_type
    if content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise BadRequest("Body is not valid JSON") from None
        if isinstance(body, dict):
            for key, value in body.items():
                if isinstance(value, list):
                    for item in value:
                        params.add(f"{key}[]", item)
                else:
                    params.add(key, value)
    elif request.can_read_body:
        form = await request.post()
        for key, value in form.items():
            params.add(key, value)
    return params


def boolean(params: MultiDict[Any], key: str, default: bool = False) -> bool:
    return as_bool(params.get(key), default)


def as_bool(value: Any, default: bool = False) -> bool:
    """A boolean as clients send it: JSON true/false, or "1", "true", "on"…"""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("1", "true", "t", "on", "yes")


def optional_int(params: MultiDict[Any], key: str) -> int | None:
    value = params.get(key)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Unprocessable(f"{key} must be an integer id") from None


def page(
    params: MultiDict[Any], default_limit: int = 20, max_limit: int = MAX_LIMIT
) -> Page:
    limit = optional_int(params, "limit") or default_limit
    return Page(
        max_id=optional_int(params, "max_id"),
        since_id=optional_int(params, "since_id"),
        min_id=optional_int(params, "min_id"),
        limit=max(1, min(limit, max_limit)),
    )


def visibility(
    params: MultiDict[Any], default: Visibility = Visibility.PUBLIC
) -> Visibility:
    value = params.get("visibility") or default
    try:
        return Visibility(str(value))
    except ValueError:
        raise Unprocessable(
            f"Validation failed: visibility {value!r} is not valid"
        ) from None


def list_param(params: MultiDict[Any], key: str) -> list[str]:
    return [str(v) for v in params.getall(f"{key}[]", [])] + [
        str(v) for v in params.getall(key, [])
    ]


def path_id(request: web.Request, name: str = "id") -> int:
    try:
        return int(request.match_info[name])
    except ValueError:
        raise NotFound("Record not found") from None
