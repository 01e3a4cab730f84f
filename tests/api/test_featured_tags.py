"""Featured hashtags: the FeaturedTag entity with its counts, Mastodon's refusals,
the tag feature/unfeature calls, suggestions, and the actor's `featuredTags`
collection that other servers read."""

from __future__ import annotations

import asyncio

import pytest
from mastodon import Mastodon

from tests.support.http import AS2, account_id, post_status

pytestmark = pytest.mark.usefixtures("backend")


def api(instance, token: str) -> Mastodon:
    return Mastodon(access_token=token, api_base_url=instance.base_url)


async def test_featuring_a_tag_counts_public_statuses(instance, http):
    # Given a mayor with two public and one followers-only post tagged #budget
    await instance.create_account("mayor")
    await post_status(instance, http, "mayor", "First #budget hearing")
    last = await post_status(instance, http, "mayor", "Second #Budget hearing")
    await post_status(instance, http, "mayor", "Draft #budget", visibility="private")
    # When the mayor features the tag (with its '#', as Mastodon.py allows)
    reply = await http.post(
        "/api/v1/featured_tags",
        token=await instance.token("mayor"),
        data={"name": "#budget"},
    )
    # Then the FeaturedTag counts the public posts, as a string, with the last date
    assert reply.status == 200, reply.text
    tag = reply.json()
    assert tag["name"] == "budget"
    assert tag["statuses_count"] == "2"
    assert tag["last_status_at"] == last["created_at"][:10]
    assert tag["url"] == f"{instance.base_url}/@mayor/tagged/budget"


async def test_featuring_a_tag_twice_is_refused(instance, http):
    # Given a mayor featuring #parks
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    await http.post("/api/v1/featured_tags", token=token, data={"name": "parks"})
    # When the same tag is featured again
    reply = await http.post(
        "/api/v1/featured_tags", token=token, data={"name": "Parks"}
    )
    # Then Mastodon's 422 comes back
    assert reply.status == 422
    assert reply.json() == {"error": "Validation failed: Name has already been taken"}


async def test_at_most_ten_tags_are_featured(instance, http):
    # Given a mayor featuring ten tags
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    for n in range(10):
        ok = await http.post(
            "/api/v1/featured_tags", token=token, data={"name": f"topic{n}"}
        )
        assert ok.status == 200
    # When an eleventh is asked for
    reply = await http.post("/api/v1/featured_tags", token=token, data={"name": "more"})
    # Then it is refused
    assert reply.status == 422
    assert "maximum number of hashtags" in reply.json()["error"]


async def test_a_missing_name_is_a_bad_request(instance, http):
    # Given a mayor
    await instance.create_account("mayor")
    # When no name is sent
    reply = await http.post(
        "/api/v1/featured_tags", token=await instance.token("mayor"), data={}
    )
    # Then it is 400, as Rails answers a missing parameter
    assert reply.status == 400


async def test_featured_tags_are_listed_and_unfeatured(instance):
    # Given a mayor featuring two tags with Mastodon.py
    mayor_row = await instance.create_account("mayor")
    mayor = api(instance, await instance.token("mayor"))
    parks = await asyncio.to_thread(mayor.featured_tag_create, "parks")
    await asyncio.to_thread(mayor.featured_tag_create, "roads")
    # When one is deleted
    await asyncio.to_thread(mayor.featured_tag_delete, parks["id"])
    # Then the own list and the public list of the profile show the other
    own = await asyncio.to_thread(mayor.featured_tags)
    public = await asyncio.to_thread(mayor.account_featured_tags, mayor_row.id)
    assert [t["name"] for t in own] == ["roads"]
    assert [t["name"] for t in public] == ["roads"]


async def test_lists_answer_with_the_featured_tag_entity(instance, http):
    # Given a mayor featuring a tag
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    await http.post("/api/v1/featured_tags", token=token, data={"name": "parks"})
    mayor = await account_id(http, "mayor")
    # When both lists are read (checked against Mastodon's description)
    own = await http.get("/api/v1/featured_tags", token=token)
    public = await http.get(f"/api/v1/accounts/{mayor}/featured_tags")
    # Then both hold the tag
    assert [t["name"] for t in own.json()] == ["parks"]
    assert public.json() == own.json()


async def test_deleting_a_featured_tag_answers_empty(instance, http):
    # Given a mayor featuring a tag
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    tag = await http.post("/api/v1/featured_tags", token=token, data={"name": "parks"})
    # When it is deleted
    reply = await http.request(
        "DELETE", f"/api/v1/featured_tags/{tag.json()['id']}", token=token
    )
    # Then the answer is an empty object and the tag is no longer featured
    assert (reply.status, reply.json()) == (200, {})
    assert (await http.get("/api/v1/featured_tags", token=token)).json() == []


async def test_deleting_someone_elses_featured_tag_is_not_found(instance, http):
    # Given a mayor featuring a tag
    await instance.create_account("mayor")
    await instance.create_account("clerk")
    tag = await http.post(
        "/api/v1/featured_tags",
        token=await instance.token("mayor"),
        data={"name": "parks"},
    )
    # When the clerk tries to delete it
    reply = await http.request(
        "DELETE",
        f"/api/v1/featured_tags/{tag.json()['id']}",
        token=await instance.token("clerk"),
    )
    # Then it does not exist for the clerk
    assert reply.status == 404


async def test_suggestions_are_recently_used_tags_not_featured(instance, http):
    # Given a mayor who used #roads twice and #parks once, and features #parks
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    await post_status(instance, http, "mayor", "Fixing #roads")
    await post_status(instance, http, "mayor", "More #roads and #parks")
    await http.post("/api/v1/featured_tags", token=token, data={"name": "parks"})
    # When suggestions are asked for
    reply = await http.get("/api/v1/featured_tags/suggestions", token=token)
    # Then the tags in use that are not featured come back, as Tags
    assert [t["name"] for t in reply.json()] == ["roads"]
    assert reply.json()[0]["featuring"] is False


async def test_a_tag_is_featured_and_unfeatured_by_name(instance, http):
    # Given a mayor
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    # When #transit is featured (twice: nothing changes) and then unfeatured
    featured = await http.post("/api/v1/tags/transit/feature", token=token)
    again = await http.post("/api/v1/tags/Transit/feature", token=token)
    listed = await http.get("/api/v1/featured_tags", token=token)
    unfeatured = await http.post("/api/v1/tags/transit/unfeature", token=token)
    # Then the Tag says whether it is featured
    assert featured.status == 200, featured.text
    assert featured.json()["featuring"] is True
    assert again.json()["featuring"] is True
    assert [t["name"] for t in listed.json()] == ["transit"]
    assert unfeatured.json()["featuring"] is False
    assert (await http.get("/api/v1/featured_tags", token=token)).json() == []


async def test_unfeaturing_an_unknown_tag_is_not_found(instance, http):
    # Given a mayor
    await instance.create_account("mayor")
    # When a tag nobody used is unfeatured
    reply = await http.post(
        "/api/v1/tags/neverused/unfeature", token=await instance.token("mayor")
    )
    # Then it is 404
    assert reply.status == 404


async def test_the_actor_links_its_featured_tags_collection(instance, http):
    # Given a mayor featuring #budget, used in one public post (and by a clerk)
    await instance.create_account("mayor")
    await instance.create_account("clerk")
    await post_status(instance, http, "mayor", "The #budget is out")
    await post_status(instance, http, "clerk", "Typo in the #budget")
    await http.post(
        "/api/v1/featured_tags",
        token=await instance.token("mayor"),
        data={"name": "budget"},
    )
    # When another server reads the actor and the collection it links
    actor = (await http.get("/users/mayor", accept=AS2)).json()
    collection = (await http.get(actor["featuredTags"], accept=AS2)).json()
    # Then it is Mastodon's collection of Hashtags, linking the mayor's tag page
    href = f"{instance.base_url}/@mayor/tagged/budget"
    assert actor["featuredTags"] == f"{instance.base_url}/users/mayor/collections/tags"
    assert collection["type"] == "Collection"
    assert collection["totalItems"] == 1
    assert collection["items"] == [{"type": "Hashtag", "href": href, "name": "#budget"}]
    # And that page lists the mayor's public posts with the tag, not the clerk's
    page = await http.get(href)
    assert page.status == 200
    assert "is out" in page.text
    assert "Typo" not in page.text


async def test_featuring_a_tag_tells_followers_servers(instance, http, remote):
    # Given a mayor followed from another server
    await instance.create_account("mayor")
    resident = remote.add_actor("resident")
    status, _ = await remote.send(
        f"{instance.base_url}/users/mayor/inbox",
        {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": remote.activity_id("f1"),
            "type": "Follow",
            "actor": resident.uri,
            "object": instance.fed.urls.actor("mayor"),
        },
    )
    assert status == 202
    await instance.run_jobs()
    # When the mayor features a tag
    await http.post(
        "/api/v1/featured_tags",
        token=await instance.token("mayor"),
        data={"name": "budget"},
    )
    await instance.run_jobs()
    # Then the follower's server hears an Update of the actor, which links the
    # featuredTags collection it refetches (as Mastodon does on an Update)
    updates = [r.body for r in remote.received if r.body.get("type") == "Update"]
    assert updates
    assert updates[-1]["object"]["featuredTags"].endswith("/collections/tags")
