"""The Mastodon client API over real HTTP: routing, CORS, errors, paging and the
read endpoints apps call first."""

from __future__ import annotations

import pytest

from tests.support.http import account_id, follow, post_status

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


async def five_posts(instance, http, name: str = "alice") -> list[str]:
    """Ids of five public posts by `name`, oldest first."""
    return [
        (await post_status(instance, http, name, f"post {n}"))["id"] for n in range(5)
    ]


def ids(reply) -> list[str]:
    return [item["id"] for item in reply.json()]


# --- routing, CORS and errors -------------------------------------------------------


# A part header line without a colon: aiohttp raises InvalidHeader, which is no
# ValueError (found by tests/api/test_fuzz_openapi.py).
BROKEN_MULTIPART = b"--xx\r\nno colon here\r\n\r\nv\r\n--xx--\r\n"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data; boundary=xx", BROKEN_MULTIPART),
        ("application/x-www-form-urlencoded; charset=no-such", b"title=Council"),
        ("application/json; charset=no-such", b'{"title": "Council"}'),
    ],
    ids=["part-header", "form-charset", "json-charset"],
)
async def test_a_malformed_body_is_400_not_500(instance, http, content_type, body):
    # Given an account
    await instance.create_account("alice")
    token = await instance.token("alice")
    # When it sends a body that cannot be parsed as its headers say
    reply = await http.post(
        "/api/v1/lists",
        token=token,
        data=body,
        headers={"Content-Type": content_type},
    )
    # Then it is refused as a bad request (an Error the description allows)
    assert reply.status == 400, reply.text


@pytest.mark.parametrize(
    ("method", "path", "fields"),
    [
        ("GET", "/api/v2/search?q=a%00b&type=statuses", {}),
        ("GET", "/api/v1/tags/a%00b", {}),
        ("POST", "/api/v1/lists", {"json": {"title": "a\u0000b"}}),
    ],
    ids=["query", "path", "body"],
)
async def test_a_nul_character_is_400_not_500(instance, http, method, path, fields):
    # Given an account (PostgreSQL refuses NUL in text, so this was its 500)
    await instance.create_account("alice")
    token = await instance.token("alice")
    # When a NUL character comes in the query, the path or the body
    reply = await http.request(method, path, token=token, **fields)
    # Then it is refused as a bad request
    assert reply.status == 400, reply.text


@pytest.mark.parametrize(
    "path", ["/api/v1/instance/", "/api/v1/accounts/verify_credentials/"]
)
async def test_trailing_slash_is_accepted(instance, http, path):
    # Given an account and its token (toot and Mastodon.py may add a slash)
    await instance.create_account("alice")
    token = await instance.token("alice")
    # When the endpoint is called with a trailing slash
    reply = await http.get(path, token=token)
    # Then it answers as without one
    assert reply.status == 200
    assert reply.json() == (await http.get(path.rstrip("/"), token=token)).json()


async def test_cors_preflight_on_statuses(instance, http):
    # Given a browser app on another origin about to post a status
    headers = {
        "Origin": "https://elk.zone",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    # When it sends the CORS preflight
    reply = await http.request("OPTIONS", "/api/v1/statuses", headers=headers)
    # Then the preflight succeeds and allows the method and headers
    assert reply.status == 204
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in reply.headers["Access-Control-Allow-Methods"]
    allowed = reply.headers["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed
    assert "content-type" in allowed


async def test_api_responses_expose_the_link_header_to_browsers(instance, http):
    # Given a browser app reading a paged list
    # When it gets a response
    reply = await http.get("/api/v1/timelines/public")
    # Then CORS lets it read Link (for paging)
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert "Link" in reply.headers["Access-Control-Expose-Headers"]


async def test_verify_credentials_without_token_is_401(instance, http):
    # Given no token
    # When verify_credentials is called
    reply = await http.get("/api/v1/accounts/verify_credentials")
    # Then it is 401 with a Mastodon error body
    assert reply.status == 401
    assert reply.json() == {"error": "The access token is invalid"}


async def test_unknown_status_is_404(instance, http):
    # Given no status with that id
    # When it is fetched
    reply = await http.get("/api/v1/statuses/999999999")
    # Then it is 404 "Record not found"
    assert reply.status == 404
    assert reply.json() == {"error": "Record not found"}


async def test_blank_status_is_422(instance, http):
    # Given an account
    await instance.create_account("alice")
    # When it posts an empty status
    reply = await http.post(
        "/api/v1/statuses", token=await instance.token("alice"), json={"status": " "}
    )
    # Then validation fails with 422 and an error message
    assert reply.status == 422
    assert set(reply.json()) == {"error"}
    assert "blank" in reply.json()["error"]


async def test_posting_with_a_read_only_token_is_403(instance, http):
    # Given a token granted only "read"
    await instance.create_account("alice")
    token = await instance.token("alice", scopes="read")
    # When it is used to post
    reply = await http.post("/api/v1/statuses", token=token, json={"status": "hi"})
    # Then the scope check refuses it
    assert reply.status == 403
    assert reply.json() == {"error": "This action is outside the authorized scopes"}


# --- paging -----------------------------------------------------------------------


async def test_home_timeline_first_page_newest_first_with_link(instance, http):
    # Given five posts
    await instance.create_account("alice")
    posted = await five_posts(instance, http)
    # When the home timeline is read two at a time
    reply = await http.get(
        "/api/v1/timelines/home?limit=2", token=await instance.token("alice")
    )
    # Then the two newest come first, with next (max_id) and prev (min_id) links
    assert ids(reply) == [posted[4], posted[3]]
    assert f"max_id={posted[3]}" in reply.links["next"]
    assert f"min_id={posted[4]}" in reply.links["prev"]
    assert "limit=2" in reply.links["next"]


async def test_following_next_and_prev_links(instance, http):
    # Given five posts and the first page of two
    await instance.create_account("alice")
    posted = await five_posts(instance, http)
    token = await instance.token("alice")
    first = await http.get("/api/v1/timelines/home?limit=2", token=token)
    # When next is followed, and then that page's prev
    second = await http.get(first.links["next"], token=token)
    back = await http.get(second.links["prev"], token=token)
    # Then next gives the two older posts and prev leads back to the first page
    assert ids(second) == [posted[2], posted[1]]
    assert ids(back) == [posted[4], posted[3]]


async def test_min_id_gives_the_page_just_after_newest_first(instance, http):
    # Given five posts
    await instance.create_account("alice")
    posted = await five_posts(instance, http)
    # When asked for two posts after the oldest (min_id)
    reply = await http.get(
        f"/api/v1/timelines/home?limit=2&min_id={posted[0]}",
        token=await instance.token("alice"),
    )
    # Then the two immediately newer ones come, newest first
    assert ids(reply) == [posted[2], posted[1]]


# --- accounts ------------------------------------------------------------------------


async def test_account_statuses_are_the_accounts_posts(instance, http):
    # Given alice's posts of several visibilities and a post by bob
    await instance.create_account("alice")
    await instance.create_account("bob")
    public = await post_status(instance, http, "alice", "public")
    await post_status(instance, http, "alice", "private", visibility="private")
    await post_status(instance, http, "bob", "bob's")
    # When alice's statuses are read anonymously
    alice = await account_id(http, "alice")
    reply = await http.get(f"/api/v1/accounts/{alice}/statuses")
    # Then only her public post is there
    assert reply.status == 200
    assert ids(reply) == [public["id"]]


async def test_followers_and_following_lists(instance, http):
    # Given bob follows alice
    await instance.create_account("alice")
    await instance.create_account("bob")
    await follow(instance, http, "bob", "alice")
    alice, bob = await account_id(http, "alice"), await account_id(http, "bob")
    # When alice's followers and bob's following are listed
    followers = await http.get(f"/api/v1/accounts/{alice}/followers")
    following = await http.get(f"/api/v1/accounts/{bob}/following")
    # Then each holds the other
    assert [a["acct"] for a in followers.json()] == ["bob"]
    assert [a["acct"] for a in following.json()] == ["alice"]


async def test_followers_page_back_and_forth_by_their_link_headers(instance, http):
    # Given three residents who followed the mayor one after another
    await instance.create_account("mayor")
    for name in ("ann", "ben", "cal"):
        await instance.create_account(name)
        await follow(instance, http, name, "mayor")
    mayor = await account_id(http, "mayor")
    path = f"/api/v1/accounts/{mayor}/followers"
    # When an app reads one follower at a time, older by `next`
    first = await http.get(path, params={"limit": "1"})
    second = await http.get(first.links["next"])
    third = await http.get(second.links["next"])
    # Then it walks from the newest follow to the oldest
    pages = [first, second, third]
    assert [[a["acct"] for a in p.json()] for p in pages] == [["cal"], ["ben"], ["ann"]]
    # And `prev` (min_id) from the oldest brings the one just newer, as Mastodon
    back = await http.get(third.links["prev"])
    assert [a["acct"] for a in back.json()] == ["ben"]
    assert "min_id=" in third.links["prev"]


async def test_relationships_both_ways(instance, http):
    # Given bob follows alice
    await instance.create_account("alice")
    await instance.create_account("bob")
    await follow(instance, http, "bob", "alice")
    alice, bob = await account_id(http, "alice"), await account_id(http, "bob")
    # When each asks for their relationship with the other
    from_bob = await http.get(
        f"/api/v1/accounts/relationships?id[]={alice}",
        token=await instance.token("bob"),
    )
    from_alice = await http.get(
        f"/api/v1/accounts/relationships?id[]={bob}",
        token=await instance.token("alice"),
    )
    # Then bob is following and alice is followed by
    (rel_bob,) = from_bob.json()
    (rel_alice,) = from_alice.json()
    assert (rel_bob["id"], rel_bob["following"], rel_bob["followed_by"]) == (
        alice,
        True,
        False,
    )
    assert (rel_alice["following"], rel_alice["followed_by"]) == (False, True)


@pytest.mark.parametrize("form", ["alice", "@alice", "alice@{domain}"])
async def test_lookup_local_account(instance, http, form):
    # Given a local account
    created = await instance.create_account("alice")
    # When it is looked up as acct, @acct or acct@this-domain
    reply = await http.get(
        "/api/v1/accounts/lookup", params={"acct": form.format(domain=instance.domain)}
    )
    # Then the local account comes back with a bare acct
    assert reply.status == 200
    assert reply.json()["id"] == str(created.id)
    assert reply.json()["acct"] == "alice"


async def test_lookup_remote_account_by_webfinger(instance, http, remote):
    # Given an account on another server
    remote.add_actor("mayor")
    # When it is looked up as mayor@remote
    reply = await http.get(
        "/api/v1/accounts/lookup", params={"acct": f"mayor@{remote.domain}"}
    )
    # Then it is found, with a full acct
    assert reply.status == 200
    assert reply.json()["acct"] == f"mayor@{remote.domain}"


async def test_lookup_unknown_is_404(instance, http):
    # Given no such account
    # When it is looked up
    reply = await http.get("/api/v1/accounts/lookup", params={"acct": "nobody"})
    # Then it is 404
    assert reply.status == 404
    assert reply.json() == {"error": "Record not found"}


# --- search, public timeline, notifications -------------------------------------------


async def test_search_finds_local_account_by_name(instance, http):
    # Given a local account with a display name
    await instance.create_account("alice", display_name="Alice Mayor")
    # When searching for part of the name
    reply = await http.get("/api/v2/search", params={"q": "mayor"})
    # Then the account is among the results
    assert [a["acct"] for a in reply.json()["accounts"]] == ["alice"]


async def test_search_finds_hashtag(instance, http):
    # Given a post with a hashtag
    await instance.create_account("alice")
    await post_status(instance, http, "alice", "Fixing #potholes today")
    # When searching for the tag
    reply = await http.get(
        "/api/v2/search", params={"q": "#pothole", "type": "hashtags"}
    )
    # Then the hashtag is found with its URL
    (tag,) = reply.json()["hashtags"]
    assert tag["name"] == "potholes"
    assert tag["url"] == f"{instance.base_url}/tags/potholes"


async def test_public_timeline_local_only(instance, http, remote):
    # Given a local public post, a local unlisted post and a remote public post
    await instance.create_account("alice")
    local = await post_status(instance, http, "alice", "local")
    await post_status(instance, http, "alice", "quiet", visibility="unlisted")
    actor = remote.add_actor("mayor")
    note = {
        "id": f"{actor.uri}/statuses/1",
        "type": "Note",
        "attributedTo": actor.uri,
        "content": "<p>remote</p>",
        "to": [PUBLIC],
        "cc": [f"{actor.uri}/followers"],
    }
    create = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{note['id']}/activity",
        "type": "Create",
        "actor": actor.uri,
        "object": note,
        "to": note["to"],
    }
    assert (await remote.send(f"{instance.base_url}/inbox", create))[0] == 202
    await instance.run_jobs()
    # When the public timeline is read with and without local=true
    everything = await http.get("/api/v1/timelines/public")
    local_only = await http.get("/api/v1/timelines/public?local=true")
    # Then both leave out the unlisted post and only the first has the remote one
    assert [s["content"] for s in everything.json()] == [
        "<p>remote</p>",
        "<p>local</p>",
    ]
    assert ids(local_only) == [local["id"]]


async def test_notifications_filtered_by_type(instance, http):
    # Given alice was followed by bob and then mentioned by him
    await instance.create_account("alice")
    await instance.create_account("bob")
    await follow(instance, http, "bob", "alice")
    await post_status(instance, http, "bob", "@alice the budget passed")
    token = await instance.token("alice")
    # When she reads all, only mentions, and all but follows
    every = await http.get("/api/v1/notifications", token=token)
    only = await http.get("/api/v1/notifications?types[]=mention", token=token)
    excluded = await http.get(
        "/api/v1/notifications?exclude_types[]=follow", token=token
    )
    # Then the filters select by type
    assert [n["type"] for n in every.json()] == ["mention", "follow"]
    assert [n["type"] for n in only.json()] == ["mention"]
    assert [n["type"] for n in excluded.json()] == ["mention"]
    assert only.json()[0]["account"]["acct"] == "bob"


# --- visibility and threads --------------------------------------------------------------


async def test_private_post_hidden_from_non_follower(instance, http):
    # Given alice's followers-only post and carol who does not follow her
    await instance.create_account("alice")
    await instance.create_account("carol")
    status = await post_status(
        instance, http, "alice", "for followers", visibility="private"
    )
    # When carol, anonymous visitors and alice fetch it
    as_carol = await http.get(
        f"/api/v1/statuses/{status['id']}", token=await instance.token("carol")
    )
    anonymous = await http.get(f"/api/v1/statuses/{status['id']}")
    as_alice = await http.get(
        f"/api/v1/statuses/{status['id']}", token=await instance.token("alice")
    )
    # Then only the author sees it
    assert (as_carol.status, anonymous.status) == (404, 404)
    assert as_alice.status == 200
    assert as_alice.json()["visibility"] == "private"


async def test_private_post_visible_to_follower(instance, http):
    # Given bob follows alice, who posts followers-only
    await instance.create_account("alice")
    await instance.create_account("bob")
    await follow(instance, http, "bob", "alice")
    status = await post_status(
        instance, http, "alice", "for followers", visibility="private"
    )
    # When bob fetches it
    reply = await http.get(
        f"/api/v1/statuses/{status['id']}", token=await instance.token("bob")
    )
    # Then he can read it
    assert reply.status == 200


async def test_context_has_ancestors_and_descendants(instance, http):
    # Given a thread: alice → bob's reply → alice's reply to bob
    await instance.create_account("alice")
    await instance.create_account("bob")
    root = await post_status(instance, http, "alice", "Road works on Main St")
    middle = await post_status(
        instance, http, "bob", "@alice how long?", in_reply_to_id=root["id"]
    )
    leaf = await post_status(
        instance, http, "alice", "@bob two weeks", in_reply_to_id=middle["id"]
    )
    # When the middle post's context is read
    reply = await http.get(f"/api/v1/statuses/{middle['id']}/context")
    # Then the root is its ancestor and alice's answer its descendant
    assert reply.status == 200
    assert ids_of(reply.json()["ancestors"]) == [root["id"]]
    assert ids_of(reply.json()["descendants"]) == [leaf["id"]]
    assert middle["in_reply_to_id"] == root["id"]


def ids_of(items: list[dict]) -> list[str]:
    return [item["id"] for item in items]
