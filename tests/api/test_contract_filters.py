"""Filters over raw HTTP, under the paths of Mastodon's OpenAPI description (which
Mastodon.py 2.x also uses): groups, their keywords and statuses, and the v1 view.
Every answer goes through the `http` fixture, so each is held to the description."""

from __future__ import annotations

import pytest

from tests.support.http import Http, post_status

pytestmark = pytest.mark.usefixtures("backend")


async def reader_with_filter(instance, http: Http, **fields) -> tuple[str, dict]:
    """A reader's token and a warn filter of theirs for home."""
    await instance.create_account("reader")
    token = await instance.token("reader")
    body = {"title": "Roadworks", "context": ["home"], "filter_action": "warn"}
    created = await http.post("/api/v2/filters", token=token, json=body | fields)
    assert created.status == 200, created.text
    return token, created.json()


async def test_filter_group_is_updated_and_listed(instance, http):
    # Given a reader's filter with one keyword
    token, created = await reader_with_filter(
        instance, http, keywords_attributes=[{"keyword": "detour"}]
    )
    # When it is renamed, made to hide and given public timelines too
    updated = await http.request(
        "PUT",
        f"/api/v2/filters/{created['id']}",
        token=token,
        json={
            "title": "Traffic",
            "filter_action": "hide",
            "context": ["home", "public"],
        },
    )
    listed = await http.get("/api/v2/filters", token=token)
    # Then the answer and the list show the change, the keyword kept
    assert updated.json()["title"] == "Traffic"
    assert updated.json()["filter_action"] == "hide"
    assert updated.json()["context"] == ["home", "public"]
    assert [k["keyword"] for k in updated.json()["keywords"]] == ["detour"]
    assert listed.json() == [updated.json()]


async def test_keywords_are_added_listed_shown_and_edited(instance, http):
    # Given a filter without keywords
    token, created = await reader_with_filter(instance, http)
    keywords = f"/api/v2/filters/{created['id']}/keywords"
    # When a keyword is added by form, as Mastodon.py sends it, then edited
    added = await http.post(
        keywords, token=token, data={"keyword": "detour", "whole_word": "0"}
    )
    one = f"/api/v2/filters/keywords/{added.json()['id']}"
    edited = await http.request("PUT", one, token=token, data={"keyword": "diversion"})
    # Then the keyword reads back the same listed, alone and under Mastodon's path
    expected = {"id": added.json()["id"], "keyword": "diversion", "whole_word": False}
    assert added.json()["keyword"] == "detour"
    assert edited.json() == expected
    assert (await http.get(keywords, token=token)).json() == [expected]
    assert (await http.get(one, token=token)).json() == expected
    legacy = await http.get(f"/api/v2/filter_keywords/{expected['id']}", token=token)
    assert legacy.json() == expected


async def test_filtered_statuses_are_listed_shown_and_removed(instance, http):
    # Given a filter holding one of the reader's own statuses
    token, created = await reader_with_filter(instance, http)
    status = await post_status(instance, http, "reader", "Closed for repairs")
    statuses = f"/api/v2/filters/{created['id']}/statuses"
    added = await http.post(statuses, token=token, data={"status_id": status["id"]})
    one = f"/api/v2/filters/statuses/{added.json()['id']}"
    # When it is listed, shown, then removed
    listed = await http.get(statuses, token=token)
    shown = await http.get(one, token=token)
    removed = await http.request("DELETE", one, token=token)
    # Then it named the status, and removing answers an empty object as Mastodon
    expected = {"id": added.json()["id"], "status_id": status["id"]}
    assert listed.json() == [expected]
    assert shown.json() == expected
    assert (removed.status, removed.json()) == (200, {})
    assert (await http.get(statuses, token=token)).json() == []


async def test_v1_filters_show_each_keyword_as_a_filter(instance, http):
    # Given a hiding filter group with two keywords
    token, _ = await reader_with_filter(
        instance,
        http,
        filter_action="hide",
        keywords_attributes=[
            {"keyword": "detour"},
            {"keyword": "lane closed", "whole_word": False},
        ],
    )
    # When an older app reads the v1 filters
    v1 = (await http.get("/api/v1/filters", token=token)).json()
    # Then each keyword is a v1 filter of the group's contexts, irreversible
    assert [(f["phrase"], f["whole_word"], f["irreversible"]) for f in v1] == [
        ("detour", True, True),
        ("lane closed", False, True),
    ]
    assert all(f["context"] == ["home"] for f in v1)
