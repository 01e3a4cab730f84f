"""Typed request parsing: query, form and JSON bodies read alike (clients send all)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from multidict import MultiDict, MultiDictProxy

from fedcity.errors import BadRequest, Unprocessable, UnsupportedMediaType
from fedcity.i18n import N_
from fedcity.ids import parse_id, require_id
from fedcity.storage.models import Visibility
from fedcity.storage.queries.posts import Page

MAX_LIMIT = 40
MAX_SECONDS = 100 * 366 * 86_400
NO_ID = 0  # snowflakes are positive: a filter on NO_ID matches nothing
# An offset past the end of any list answers the same empty page as this one; a
# larger one would overflow the databases' 64-bit integers.
MAX_OFFSET = 2**31 - 1

# The refusal of each kind of body that does not parse.
MALFORMED = {
    "body": N_("Malformed request body"),
    "json": N_("Body is not valid JSON"),
    "multipart": N_("Malformed multipart body"),
}

# What aiohttp's body parsers raise for a body that is not what its headers say:
# ValueError (invalid JSON or UTF-8, no boundary), LookupError (an unknown charset),
# HttpProcessingError (a malformed part header) and RuntimeError (an unknown
# Content-Transfer-Encoding). Each is the client's mistake: 400, not 500.
MALFORMED_BODY = (ValueError, LookupError, RuntimeError, HttpProcessingError)


@contextmanager
def malformed_body(kind: str = "body") -> Iterator[None]:
    """Answer 400 for a body aiohttp cannot parse, inside the `with` block."""
    try:
        yield
    except MALFORMED_BODY as exc:
        raise BadRequest(MALFORMED[kind], detail=repr(exc)) from None


async def read_form(request: web.Request) -> MultiDictProxy[Any]:
    """The form body (`request.post()`); 400 when it is malformed."""
    with malformed_body():
        return await request.post()


async def json_document(request: web.Request) -> Any:
    """A JSON body as it is (a structured document, not parameters): 415 unless
    it is sent as application/json, 400 when it does not parse or holds a NUL."""
    if request.content_type != "application/json":
        raise UnsupportedMediaType("Send the document as application/json")
    with malformed_body("json"):
        body = await request.json()
    refuse_nul(body)
    return body


def has_nul(value: object) -> bool:
    """Whether a string, or any key or value of a JSON array or object, holds a NUL
    character, which no database column can store (PostgreSQL refuses it in text)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    return False


def refuse_nul(value: object) -> None:
    if has_nul(value):
        raise BadRequest("Parameters must not contain NUL characters")


async def read_params(request: web.Request) -> MultiDict[Any]:
    """Query, form and JSON body parameters in one MultiDict (a JSON array `key`
    becomes repeated `key[]`); 400 for a malformed body or a NUL character."""
    params = await _read_params(request)
    refuse_nul(list(params.items()))
    return params


async def _read_params(request: web.Request) -> MultiDict[Any]:
    params: MultiDict[Any] = MultiDict(request.query)
    if request.method in ("GET", "HEAD", "DELETE") and not request.can_read_body:
        return params
    content_type = request.content_type
    if content_type == "application/json":
        with malformed_body("json"):
            body = await request.json()
        if isinstance(body, dict):
            for key, value in body.items():
                if isinstance(value, list):
                    for item in value:
                        params.add(f"{key}[]", item)
                else:
                    params.add(key, value)
    elif request.can_read_body:
        form = await read_form(request)
        for key, value in form.items():
            params.add(key, value)
    return params


def boolean(params: MultiDict[Any], key: str, default: bool = False) -> bool:
    return as_bool(params.get(key), default)


def optional_bool(params: MultiDict[Any], key: str) -> bool | None:
    """A boolean, or None when the client did not send it (a default applies)."""
    value = params.get(key)
    return None if value is None or value == "" else truthy(value)


def as_bool(value: Any, default: bool = False) -> bool:
    """A boolean as clients send it: JSON true/false, or "1", "true", "on"…"""
    if value is None or value == "":
        return default
    return truthy(value)


def truthy(value: Any) -> bool:
    """A JSON boolean, or a form value such as "1", "true" or "on"."""
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("1", "true", "t", "on", "yes")


def nested(params: MultiDict[Any], key: str) -> dict[str, Any]:
    """`key[a][b]=v` form fields and a JSON body's `{"key": {"a": {"b": v}}}` read
    alike, as one nested dict (Rails' nested parameters)."""
    found: dict[str, Any] = {}
    value = params.get(key)
    if isinstance(value, Mapping):
        found.update(value)
    for name, item in params.items():
        path = _bracketed(name, key)
        if not path:
            continue
        node = found
        for part in path[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[path[-1]] = item
    return found


def _bracketed(name: str, key: str) -> list[str]:
    """["a", "b"] for "key[a][b]"; [] for anything else (including "key[]")."""
    if not name.startswith(key + "[") or not name.endswith("]"):
        return []
    parts = name[len(key) + 1 : -1].split("][")
    return parts if all(parts) else []


def optional_int(params: MultiDict[Any], key: str) -> int | None:
    """A count or number of seconds (`limit`, `offset`, `duration`): ASCII digits,
    maybe negative, within signed 64 bits; else 422. Ids use `optional_id`."""
    value = params.get(key)
    if value in (None, ""):
        return None
    text = (
        str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    )
    negative = isinstance(text, str) and text.startswith("-")
    number = parse_id(text[1:] if negative else text)
    if number is None:
        raise Unprocessable("{key} must be an integer", key=key)
    return -number if negative else number


def seconds(params: MultiDict[Any], key: str) -> int | None:
    """A duration (`expires_in`, a mute's `duration`) as `optional_int`, within a
    century either way: past that no date can be computed from it (422)."""
    value = optional_int(params, key)
    if value is not None and abs(value) > MAX_SECONDS:
        raise Unprocessable("Validation failed: {key} is out of range", key=key)
    return value


def optional_id(params: MultiDict[Any], key: str) -> int | None:
    """A paging or filtering id (`max_id`, `since_id`, `min_id`): None when not
    sent, or when no row can have it (then it is ignored, as a bound on nothing)."""
    return parse_id(params.get(key))


def filter_id(params: MultiDict[Any], key: str) -> int | None:
    """An id that narrows a list (`account_id` of notifications or search): None
    when not sent; a malformed one narrows it to nothing (`NO_ID`, no row's id)."""
    value = params.get(key)
    if value in (None, ""):
        return None
    found = parse_id(value)
    return NO_ID if found is None else found


def reference_id(params: MultiDict[Any], key: str) -> int | None:
    """The id of a record the request acts on (`in_reply_to_id`, a report's
    `account_id`): None when not sent; a malformed one is not found (404)."""
    value = params.get(key)
    return None if value in (None, "") else require_id(value)


def page(
    params: MultiDict[Any], default_limit: int = 20, max_limit: int = MAX_LIMIT
) -> Page:
    limit = optional_int(params, "limit") or default_limit
    return Page(
        max_id=optional_id(params, "max_id"),
        since_id=optional_id(params, "since_id"),
        min_id=optional_id(params, "min_id"),
        limit=max(1, min(limit, max_limit)),
    )


def offset(params: MultiDict[Any]) -> int:
    """`offset` of an offset-paged list: 0 when absent or negative (PostgreSQL
    refuses a negative OFFSET), at most MAX_OFFSET, however many digits it has
    (a page past the end is empty, not an error); 422 when not a number."""
    value = params.get("offset")
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return min(int(value[:12]) if len(value) > 12 else int(value), MAX_OFFSET)
    return max(0, min(optional_int(params, "offset") or 0, MAX_OFFSET))


def visibility(
    params: MultiDict[Any], default: Visibility = Visibility.PUBLIC
) -> Visibility:
    value = params.get("visibility") or default
    try:
        return Visibility(str(value))
    except ValueError:
        raise Unprocessable(
            "Validation failed: visibility {value!r} is not valid", value=value
        ) from None


def list_param(params: MultiDict[Any], key: str) -> list[str]:
    return [str(v) for v in params.getall(f"{key}[]", [])] + [
        str(v) for v in params.getall(key, [])
    ]


def _raw_ids(params: MultiDict[Any], key: str) -> list[Any]:
    return [*params.getall(f"{key}[]", []), *params.getall(key, [])]


def id_list(params: MultiDict[Any], key: str) -> list[int]:
    """`key[]` (form) or `key` (JSON array) as ids of records to act on (`media_ids`,
    a report's `status_ids`); empty values skipped, a malformed one is 422."""
    found = [parse_id(v) for v in _raw_ids(params, key) if v != ""]
    if None in found:
        raise Unprocessable("{key} must be ids", key=key)
    return [i for i in found if i is not None]


def found_ids(params: MultiDict[Any], key: str) -> list[int]:
    """`key[]` as ids to look up (`id[]` of accounts, statuses, relationships),
    each once, in the order sent; one that no row can have is left out, as an id
    that is not found."""
    found = (parse_id(v) for v in _raw_ids(params, key))
    return list(dict.fromkeys(i for i in found if i is not None))


def lookup_ids(params: MultiDict[Any], key: str, most: int) -> list[int]:
    """`found_ids` for a lookup of several records at once (`GET /api/v1/accounts`,
    `/statuses`), refused past `most` ids as Mastodon bounds them.

    Raises:
        Unprocessable: more than `most` ids.
    """
    ids = found_ids(params, key)
    if len(ids) > most:
        raise Unprocessable(
            "Validation failed: at most {limit} ids at once", limit=most
        )
    return ids


def attribute_list(params: MultiDict[Any], key: str) -> list[dict[str, Any]]:
    """Rails-style nested attributes (`keywords_attributes`, `media_attributes`): a
    JSON array of objects, or form fields `key[][name]=…` (a repeated name starts
    the next item) or `key[0][name]=…`."""
    items: list[dict[str, Any]] = [
        dict(v) for v in params.getall(f"{key}[]", []) if isinstance(v, dict)
    ]
    indexed: dict[str, dict[str, Any]] = {}
    for name, value in params.items():
        if not name.startswith(f"{key}[") or name.endswith("[]"):
            continue
        parts = name.replace("]", "").split("[")
        if len(parts) != 3:
            continue
        _, index, field = parts
        if index == "":
            if not items or field in items[-1]:
                items.append({})
            items[-1][field] = value
        else:
            indexed.setdefault(index, {})[field] = value
    items += [indexed[k] for k in sorted(indexed, key=lambda k: (len(k), k))]
    return items


def path_id(request: web.Request, name: str = "id") -> int:
    """The id in the URL; one that no row can have is not found (404)."""
    return require_id(request.match_info[name])
