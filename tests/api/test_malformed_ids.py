"""Ids that are not ids, as clients and crawlers send them: each is "not found" (404
with Mastodon's body) where the URL names a record, and narrows or pages nothing where
it filters a list, never a 500. `'²'.isdigit()` is true while `int('²')` fails, and a
number past 64 bits cannot even be bound on SQLite."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.support.http import AS2, post_status

pytestmark = pytest.mark.usefixtures("backend")

MALFORMED = ["²", "-1", "1e3", " 1", "99999999999999999999", "\u0661"]

# Routes whose path names one record: 404 {"error": "Record not found"}.
PATH_ROUTES = [
    ("GET", "/api/v1/accounts/{id}"),
    ("GET", "/api/v1/accounts/{id}/statuses"),
    ("GET", "/api/v1/accounts/{id}/followers"),
    ("POST", "/api/v1/accounts/{id}/follow"),
    ("GET", "/api/v1/accounts/{id}/lists"),
    ("GET", "/api/v1/statuses/{id}"),
    ("GET", "/api/v1/statuses/{id}/context"),
    ("POST", "/api/v1/statuses/{id}/favourite"),
    ("DELETE", "/api/v1/statuses/{id}"),
    ("GET", "/api/v1/lists/{id}"),
    ("GET", "/api/v1/timelines/list/{id}"),
    ("GET", "/api/v1/polls/{id}"),
    ("GET", "/api/v1/media/{id}"),
    ("GET", "/api/v1/scheduled_statuses/{id}"),
    ("GET", "/api/v1/notifications/{id}"),
    ("GET", "/api/v2/notifications/ungrouped-{id}"),
    ("GET", "/api/v1/notifications/requests/{id}"),
    ("GET", "/api/v2/filters/{id}"),
    ("GET", "/api/v2/filters/keywords/{id}"),
    ("GET", "/api/v1/filters/{id}"),
    ("POST", "/api/v1/follow_requests/{id}/authorize"),
    ("POST", "/api/v1/announcements/{id}/dismiss"),
    ("DELETE", "/api/v1/featured_tags/{id}"),
    ("DELETE", "/api/v1/suggestions/{id}"),
    ("DELETE", "/api/v1/conversations/{id}"),
]

# Routes whose query filters or pages a list: 200 and nothing found.
LIST_ROUTES = [
    ("/api/v1/accounts/relationships?id[]={id}", []),
    ("/api/v1/accounts/familiar_followers?id[]={id}", []),
    ("/api/v1/statuses?id[]={id}", []),
    ("/api/v1/accounts?id[]={id}", []),
    ("/api/v1/notifications?account_id={id}", []),
]

PAGED_ROUTES = [
    "/api/v1/timelines/public?max_id={id}",
    "/api/v1/timelines/public?since_id={id}",
    "/api/v1/timelines/public?min_id={id}",
    "/api/v1/timelines/home?max_id={id}&since_id={id}",
    "/api/v1/notifications?max_id={id}",
    "/api/v2/notifications?since_id={id}",
    "/api/v1/accounts/{me}/statuses?max_id={id}",
    "/api/v2/search?q=hello&type=statuses&max_id={id}&account_id={me}",
]


@pytest.fixture
async def mayor(instance, http):
    account = await instance.create_account("mayor")
    await post_status(instance, http, "mayor", "hello square")
    return {"token": await instance.token("mayor"), "id": str(account.id)}


def _fill(path: str, value: str, mayor: dict) -> str:
    return path.format(id=quote(value, safe=""), me=mayor["id"])


# Each test sends every malformed value in turn: one instance per route, not per value.


@pytest.mark.parametrize(("method", "path"), PATH_ROUTES)
async def test_malformed_path_id_is_not_found(http, mayor, method, path):
    for value in MALFORMED:
        # When a client names a record by something that cannot be an id
        url = _fill(path, value, mayor)
        reply = await http.request(method, url, token=mayor["token"])
        # Then the record is not found, in Mastodon's words
        assert reply.status == 404, (value, reply.text)
        assert reply.json() == {"error": "Record not found"}


@pytest.mark.parametrize(("path", "empty"), LIST_ROUTES)
async def test_malformed_filter_id_finds_nothing(http, mayor, path, empty):
    for value in MALFORMED:
        # When a list is narrowed by something that cannot be an id
        reply = await http.get(_fill(path, value, mayor), token=mayor["token"])
        # Then nothing matches
        assert reply.status == 200, (value, reply.text)
        assert reply.json() == empty


@pytest.mark.parametrize("path", PAGED_ROUTES)
async def test_malformed_paging_id_is_ignored(http, mayor, path):
    for value in MALFORMED:
        # When a page is bounded by something that cannot be an id
        reply = await http.get(_fill(path, value, mayor), token=mayor["token"])
        # Then the bound is ignored, and the page is answered
        assert reply.status == 200, (value, reply.text)


@pytest.mark.parametrize("value", MALFORMED)
async def test_unauthenticated_lookups_with_malformed_ids(http, mayor, value):
    # When an anonymous client sends malformed ids
    ids = quote(value, safe="")
    relationships = await http.get(f"/api/v1/accounts/relationships?id={ids}")
    account = await http.get(f"/api/v1/accounts/{ids}")
    statuses = await http.get(f"/api/v1/statuses?id[]={ids}")
    # Then nothing is found, and nothing fails
    assert relationships.status == 401  # Mastodon asks for a token here
    assert account.status == 404
    assert statuses.json() == []


@pytest.mark.parametrize("value", MALFORMED)
async def test_malformed_ids_in_bodies(http, mayor, value):
    token = mayor["token"]
    listed = await http.post("/api/v1/lists", token=token, json={"title": "Council"})
    list_id = listed.json()["id"]
    # When bodies name records by something that cannot be an id
    reply = await http.post(
        "/api/v1/statuses", token=token, json={"status": "hi", "in_reply_to_id": value}
    )
    media = await http.post(
        "/api/v1/statuses", token=token, json={"status": "hi", "media_ids": [value]}
    )
    members = await http.post(
        f"/api/v1/lists/{list_id}/accounts", token=token, json={"account_ids": [value]}
    )
    marker = await http.post(
        "/api/v1/markers", token=token, json={"home": {"last_read_id": value}}
    )
    report = await http.post("/api/v1/reports", token=token, json={"account_id": value})
    # Then each is refused as a client error, never a 500
    assert reply.status == 404
    assert media.status == 422
    assert members.status < 500
    assert marker.status == 422
    assert report.status == 404


@pytest.mark.parametrize("value", MALFORMED)
async def test_activitypub_routes_with_malformed_ids(http, mayor, value):
    ids = quote(value, safe="")
    # When a peer or crawler asks for objects and pages by malformed ids
    status = await http.get(f"/users/mayor/statuses/{ids}", accept=AS2)
    activity = await http.get(f"/users/mayor/statuses/{ids}/activity", accept=AS2)
    outbox = await http.get(f"/users/mayor/outbox?page=true&max_id={ids}", accept=AS2)
    followers = await http.get(f"/users/mayor/followers?page={ids}", accept=AS2)
    # Then objects are not found, and pages are answered
    assert status.status == 404
    assert activity.status == 404
    assert outbox.status == 200
    assert followers.status == 200


async def test_far_pages_of_collections_are_empty(http, mayor):
    # When a crawler asks for a followers page far past the end
    reply = await http.get(
        "/users/mayor/followers?page=9223372036854775807", accept=AS2
    )
    # Then the page is empty, not an error
    assert reply.status == 200
    assert reply.json()["orderedItems"] == []


async def test_oversized_counts_are_refused_or_bounded(http, mayor):
    token = mayor["token"]
    huge, most = "99999999999999999999", "9223372036854775807"
    # When counts are past anything a column holds, or negative
    directory = await http.get(f"/api/v1/directory?offset={huge}", token=token)
    far = await http.get(f"/api/v1/directory?offset={most}", token=token)
    links = await http.get("/api/v1/trends/links?offset=-5", token=token)
    tags = await http.get("/api/v1/trends/tags?offset=-5", token=token)
    # Then they are answered: a page past the end is empty, as trends' are
    assert (directory.status, directory.json()) == (200, [])
    assert (far.status, far.json()) == (200, [])
    assert links.status == 200
    assert tags.status == 200


@pytest.mark.parametrize("seconds", ["99999999999999999999", "9223372036854775807"])
async def test_durations_past_any_date_are_refused(instance, http, mayor, seconds):
    token = mayor["token"]
    clerk = await instance.create_account("clerk")
    # When a mute or a filter is to last longer than any date can say
    mute = await http.post(
        f"/api/v1/accounts/{clerk.id}/mute", token=token, json={"duration": seconds}
    )
    keyword = {"title": "x", "context": ["home"], "expires_in": seconds}
    filtered = await http.post("/api/v2/filters", token=token, json=keyword)
    # Then it is refused as invalid, not a 500
    assert mute.status == 422
    assert filtered.status == 422
