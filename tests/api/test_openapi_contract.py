"""fedcity's client-API JSON against the Mastodon OpenAPI description (the component
schemas are JSON Schema 2020-12; `$ref`s resolve inside the one document)."""

from __future__ import annotations

import json

import pytest

from tests.support.http import account_id, follow, post_status
from tests.support.openapi import (
    DATA,
    MISSING_SPEC,
    SPEC_PATH,
    check,
    errors_for,
    find_operation,
    response_schema,
)

pytestmark = pytest.mark.skipif(not SPEC_PATH.exists(), reason=MISSING_SPEC)


def test_the_checker_catches_a_bad_account():
    # Given an Account missing required fields and with a bad timestamp
    bad = {"id": "1", "username": "alice", "created_at": "yesterday"}
    # When it is checked
    # Then the check fails
    with pytest.raises(AssertionError, match="created_at"):
        check(bad, "Account")


URI = {"type": "string", "format": "uri"}


@pytest.mark.parametrize(
    "uri",
    [
        "https://city.example/@mayor",
        "com.tapbots.Ivory.1234:/request_token",  # an app's custom-scheme redirect
        "oauth2redirect://tusky/",
        "urn:ietf:wg:oauth:2.0:oob",
    ],
)
def test_the_checker_takes_every_absolute_uri(uri):
    # Given an absolute URI, web or not
    # When it is checked as a `uri`
    # Then it passes
    assert errors_for(uri, URI) == []


@pytest.mark.parametrize("uri", ["/api/v1/apps", "https:///no-host", "not a uri"])
def test_the_checker_refuses_what_is_no_absolute_uri(uri):
    # Given a relative path, a web URL without a host, or prose
    # When it is checked as a `uri`
    # Then it fails
    assert errors_for(uri, URI)


def _answer_schema(method: str, path: str) -> dict:
    op = find_operation(method, path)
    assert op is not None
    schema = response_schema(op, 200)
    assert schema is not None
    return schema


def test_v1_filters_are_held_to_a_list_as_mastodon_sends_them():
    # Given Mastodon's answer to GET /api/v1/filters: one V1::Filter per keyword
    answer = [
        {
            "id": "1",
            "phrase": "spoiler",
            "context": ["home"],
            "whole_word": True,
            "expires_at": None,
            "irreversible": False,
        }
    ]
    # When it is checked against the operation (the description says one object)
    schema = _answer_schema("GET", "/api/v1/filters")
    # Then the list passes and a lone filter does not
    assert errors_for(answer, schema) == []
    assert errors_for(answer[0], schema)


def test_removing_a_filtered_status_is_held_to_mastodons_empty_answer():
    # Given what Mastodon answered to DELETE /api/v2/filters/statuses/:id
    samples = DATA / "mastodon-api-samples.json"
    if not samples.exists():
        pytest.skip(f"{samples} is missing")
    recorded = next(
        endpoint["samples"][0]["response_json"]
        for endpoint in json.loads(samples.read_text())["endpoints"]
        if endpoint["endpoint"] == "DELETE /api/v2/filters/statuses/1"
    )
    # When it is checked against the operation (the description says FilterStatus)
    schema = _answer_schema("DELETE", "/api/v2/filters/statuses/1")
    # Then Mastodon's {} passes, and a FilterStatus would not
    assert recorded == {}
    assert errors_for(recorded, schema) == []
    assert errors_for({"id": "1", "status_id": "2"}, schema)


# --- accounts ----------------------------------------------------------------------------


async def test_account_entity(instance, http):
    # Given a local account
    created = await instance.create_account("alice", display_name="Alice")
    # When it is read anonymously
    reply = await http.get(f"/api/v1/accounts/{created.id}")
    # Then it is a valid Account
    assert reply.status == 200
    check(reply.json(), "Account")


async def test_account_with_a_post_has_last_status_at(instance, http):
    # Given an account that has posted
    created = await instance.create_account("alice")
    await post_status(instance, http, "alice", "hello")
    # When it is read
    entity = (await http.get(f"/api/v1/accounts/{created.id}")).json()
    # Then it is valid, last_status_at (a date) included
    assert entity["last_status_at"] is not None
    check(entity, "Account")


@pytest.mark.parametrize("role", ["user", "admin"])
async def test_credential_account(instance, http, role):
    # Given an account and its token
    await instance.create_account("alice", role=role)
    # When verify_credentials is called
    reply = await http.get(
        "/api/v1/accounts/verify_credentials", token=await instance.token("alice")
    )
    # Then it is a valid CredentialAccount with source and role
    assert reply.status == 200
    check(reply.json(), "CredentialAccount")


async def test_relationship(instance, http):
    # Given bob follows alice
    await instance.create_account("alice")
    await instance.create_account("bob")
    await follow(instance, http, "bob", "alice")
    alice = await account_id(http, "alice")
    # When bob reads his relationship with alice
    reply = await http.get(
        f"/api/v1/accounts/relationships?id[]={alice}",
        token=await instance.token("bob"),
    )
    # Then each item is a valid Relationship
    assert len(reply.json()) == 1
    for item in reply.json():
        check(item, "Relationship")


# --- statuses ---------------------------------------------------------------------------


async def test_status_with_mention_tag_and_reply(instance, http):
    # Given a reply by bob that mentions alice and carries a hashtag
    await instance.create_account("alice")
    await instance.create_account("bob")
    root = await post_status(instance, http, "alice", "Road works")
    reply_status = await post_status(
        instance,
        http,
        "bob",
        "@alice how long? #roads",
        in_reply_to_id=root["id"],
        spoiler_text="traffic",
        language="en",
    )
    # When it is read by its author and anonymously
    as_author = await http.get(
        f"/api/v1/statuses/{reply_status['id']}", token=await instance.token("bob")
    )
    anonymous = await http.get(f"/api/v1/statuses/{reply_status['id']}")
    # Then both are valid Statuses, and so was the POST's answer
    assert as_author.json()["mentions"]
    assert as_author.json()["tags"]
    check(reply_status, "Status")
    check(as_author.json(), "Status")
    check(anonymous.json(), "Status")


async def test_reblog_status(instance, http):
    # Given bob boosted alice's post
    await instance.create_account("alice")
    await instance.create_account("bob")
    original = await post_status(instance, http, "alice", "Budget approved")
    token = await instance.token("bob")
    boost = await http.post(f"/api/v1/statuses/{original['id']}/reblog", token=token)
    # When bob's home timeline is read
    home = await http.get("/api/v1/timelines/home", token=token)
    # Then the boost and the timeline entries are valid Statuses
    check(boost.json(), "Status")
    assert boost.json()["reblog"]["id"] == original["id"]
    for item in home.json():
        check(item, "Status")


async def test_deleted_status_answer(instance, http):
    # Given a post
    await instance.create_account("alice")
    status = await post_status(instance, http, "alice", "oops")
    # When it is deleted
    reply = await http.request(
        "DELETE",
        f"/api/v1/statuses/{status['id']}",
        token=await instance.token("alice"),
    )
    # Then the answer is a valid Status (with its source text for redrafting)
    assert reply.json()["text"] == "oops"
    check(reply.json(), "Status")


async def test_context(instance, http):
    # Given a three-post thread
    await instance.create_account("alice")
    root = await post_status(instance, http, "alice", "one")
    middle = await post_status(
        instance, http, "alice", "two", in_reply_to_id=root["id"]
    )
    await post_status(instance, http, "alice", "three", in_reply_to_id=middle["id"])
    # When the middle post's context is read
    reply = await http.get(f"/api/v1/statuses/{middle['id']}/context")
    # Then it is a valid Context
    assert len(reply.json()["ancestors"]) == len(reply.json()["descendants"]) == 1
    check(reply.json(), "Context")


# --- notifications, search, instance ---------------------------------------------------------


async def test_notifications(instance, http):
    # Given alice was followed, mentioned and favourited by bob
    await instance.create_account("alice")
    await instance.create_account("bob")
    await follow(instance, http, "bob", "alice")
    mine = await post_status(instance, http, "alice", "Budget approved")
    await post_status(instance, http, "bob", "@alice congratulations")
    bob = await instance.token("bob")
    await http.post(f"/api/v1/statuses/{mine['id']}/favourite", token=bob)
    # When alice reads her notifications
    reply = await http.get("/api/v1/notifications", token=await instance.token("alice"))
    # Then each is a valid Notification
    assert {n["type"] for n in reply.json()} == {"follow", "mention", "favourite"}
    for item in reply.json():
        check(item, "Notification")


async def test_search_accounts(instance, http):
    # Given an account
    await instance.create_account("alice", display_name="Alice Mayor")
    # When searching for it
    reply = await http.get("/api/v2/search", params={"q": "alice"})
    # Then the answer is a valid Search result
    assert reply.json()["accounts"]
    check(reply.json(), "Search")


async def test_search_hashtags(instance, http):
    # Given a hashtagged post
    await instance.create_account("alice")
    await post_status(instance, http, "alice", "Fixing #potholes")
    # When searching for the tag
    reply = await http.get("/api/v2/search", params={"q": "#potholes"})
    # Then the answer is a valid Search result
    assert reply.json()["hashtags"]
    check(reply.json(), "Search")


async def test_instance_v1(instance, http):
    # Given a running instance with an account
    await instance.create_account("alice")
    # When /api/v1/instance is read
    reply = await http.get("/api/v1/instance")
    # Then it is a valid V1Instance
    assert reply.status == 200
    check(reply.json(), "V1Instance")


async def test_instance_v2(instance, http):
    # Given a running instance
    # When /api/v2/instance is read
    reply = await http.get("/api/v2/instance")
    # Then it is a valid Instance
    assert reply.status == 200
    check(reply.json(), "Instance")
