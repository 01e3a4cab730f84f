"""GET /api/v2/search: full-text status search as Mastodon 4.2+ (public posts of
`indexable` accounts, plus what the searcher wrote or interacted with), its
operators and parameters, the index kept in step with edits, deletes and the
inbox; accounts and hashtags. Every answer is checked against the OpenAPI
description by the `http` fixture, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import update

from fedcity.storage.models import Post
from tests.support.http import Http, account_id, follow, post_status
from tests.support.images import jpeg_with_exif

pytestmark = pytest.mark.usefixtures("backend")


async def search(
    http: Http, token: str | None, q: str, **params: Any
) -> dict[str, Any]:
    reply = await http.get("/api/v2/search", token=token, params={"q": q, **params})
    assert reply.status == 200, reply.text
    return reply.json()


async def found_ids(http: Http, token: str | None, q: str, **params: Any) -> list:
    """Ids of the statuses a search for `q` finds."""
    body = await search(http, token, q, type="statuses", **params)
    return [s["id"] for s in body["statuses"]]


async def set_indexable(instance, http: Http, name: str, value: bool) -> None:
    reply = await http.request(
        "PATCH",
        "/api/v1/accounts/update_credentials",
        token=await instance.token(name),
        json={"indexable": value},
    )
    assert reply.status == 200, reply.text
    assert reply.json()["indexable"] is value


def note_activity(remote, actor, verb: str, number: str, html: str) -> dict:
    """A Create or Update of a public Note by a remote actor."""
    note = {
        "id": f"{actor.uri}/statuses/{number}",
        "type": "Note",
        "attributedTo": actor.uri,
        "content": html,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [f"{actor.uri}/followers"],
    }
    if verb == "Update":
        note["updated"] = datetime.now(UTC).isoformat()
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{remote.base_url}/activities/{verb.lower()}-{number}",
        "type": verb,
        "actor": actor.uri,
        "object": note,
        "to": note["to"],
        "cc": note["cc"],
    }


async def reader(instance) -> str:
    await instance.create_account("reader")
    return await instance.token("reader")


# --- who finds what ------------------------------------------------------------


async def test_a_word_in_an_indexable_accounts_public_post_is_found(instance, http):
    # Given an indexable account's public post, and a signed-in searcher
    await instance.create_account("mayor")
    token = await reader(instance)
    posted = await post_status(
        instance, http, "mayor", "The <b>Pothole</b> on Elm Street is fixed"
    )
    await post_status(instance, http, "mayor", "Library hours change")
    # When the searcher looks for one word of it, in another case
    ids = await found_ids(http, token, "POTHOLE")
    # Then that post, and only it, is found
    assert ids == [posted["id"]]


async def test_anonymous_searches_find_no_statuses(instance, http):
    # Given an indexable account's public post
    await instance.create_account("mayor")
    await post_status(instance, http, "mayor", "Pothole on Elm Street")
    # When searched for without a token
    body = await search(http, None, "pothole")
    # Then no statuses come back (Mastodon keeps full text to signed-in users)
    assert body["statuses"] == []


async def test_a_non_indexable_accounts_post_is_not_found(instance, http):
    # Given a public post by an account that opted out of search
    await instance.create_account("clerk")
    await set_indexable(instance, http, "clerk", False)
    token = await reader(instance)
    await post_status(instance, http, "clerk", "Pothole report filed")
    # When someone else searches for its words
    ids = await found_ids(http, token, "pothole")
    # Then it is not found
    assert ids == []


@pytest.mark.parametrize("interaction", ["favourite", "bookmark", "reblog"])
async def test_a_non_indexable_post_is_found_once_the_searcher_interacted(
    instance, http, interaction
):
    # Given a non-indexable account's public post
    await instance.create_account("clerk")
    await set_indexable(instance, http, "clerk", False)
    token = await reader(instance)
    posted = await post_status(instance, http, "clerk", "Pothole report filed")
    # When the searcher favourites, bookmarks or boosts it
    reply = await http.post(
        f"/api/v1/statuses/{posted['id']}/{interaction}", token=token
    )
    assert reply.status == 200, reply.text
    # Then its search finds it, and another account's does not
    assert await found_ids(http, token, "pothole") == [posted["id"]]
    await instance.create_account("other")
    assert await found_ids(http, await instance.token("other"), "pothole") == []


async def test_boosts_are_never_results_with_words_or_operators_alone(instance, http):
    # Given the mayor's post, and the mayor's boost of the clerk's post
    await instance.create_account("mayor")
    await instance.create_account("clerk")
    token = await reader(instance)
    own = await post_status(instance, http, "mayor", "Pothole fixed on Elm")
    theirs = await post_status(instance, http, "clerk", "Pothole on Oak")
    mayor = await instance.token("mayor")
    boost = await http.post(f"/api/v1/statuses/{theirs['id']}/reblog", token=mayor)
    assert boost.status == 200, boost.text
    # When the reader searches by words, and by an operator alone
    by_words = await found_ids(http, token, "pothole")
    by_author = await found_ids(http, token, "from:mayor")
    # Then only original posts come back, never the boost
    assert by_words == [theirs["id"], own["id"]]
    assert by_author == [own["id"]]


async def test_a_non_indexable_author_finds_its_own_posts(instance, http):
    # Given a non-indexable account's own post
    await instance.create_account("clerk")
    await set_indexable(instance, http, "clerk", False)
    posted = await post_status(instance, http, "clerk", "Pothole report filed")
    # When the author searches
    ids = await found_ids(http, await instance.token("clerk"), "pothole")
    # Then its post is found
    assert ids == [posted["id"]]


async def test_a_post_mentioning_the_searcher_is_found(instance, http):
    # Given a non-indexable account's direct message to the searcher
    await instance.create_account("clerk")
    await set_indexable(instance, http, "clerk", False)
    token = await reader(instance)
    posted = await post_status(
        instance, http, "clerk", "@reader your pothole claim", visibility="direct"
    )
    # When the searcher looks for its words
    ids = await found_ids(http, token, "claim")
    # Then it is found
    assert ids == [posted["id"]]


async def test_private_posts_stay_hidden_from_those_who_cannot_read_them(
    instance, http
):
    # Given an indexable account's followers-only post, and a follower
    await instance.create_account("mayor")
    token = await reader(instance)
    await instance.create_account("follower")
    await follow(instance, http, "follower", "mayor")
    posted = await post_status(
        instance, http, "mayor", "Budget draft attached", visibility="private"
    )
    # When a stranger and the follower search for it
    stranger = await found_ids(http, token, "budget")
    follower = await found_ids(http, await instance.token("follower"), "budget")
    # Then the stranger does not find it, nor the follower who never touched it
    # (only public posts are in the public index); its author does
    assert stranger == []
    assert follower == []
    assert await found_ids(http, await instance.token("mayor"), "budget") == [
        posted["id"]
    ]


async def test_muted_accounts_are_left_out(instance, http):
    # Given an indexable account the searcher muted
    await instance.create_account("mayor")
    token = await reader(instance)
    await post_status(instance, http, "mayor", "Pothole on Elm Street")
    mayor = await account_id(http, "mayor")
    await http.post(f"/api/v1/accounts/{mayor}/mute", token=token)
    # When the searcher looks for its words
    # Then nothing is found
    assert await found_ids(http, token, "pothole") == []


# --- operators -------------------------------------------------------------------


async def test_every_word_must_match_and_phrases_keep_their_order(instance, http):
    # Given two posts with the same words in another order
    await instance.create_account("mayor")
    token = await reader(instance)
    first = await post_status(instance, http, "mayor", "street repair on Elm")
    second = await post_status(instance, http, "mayor", "repair the street")
    # When searching for both words, then for a quoted phrase
    both = await found_ids(http, token, "repair street")
    phrase = await found_ids(http, token, "“street repair”")
    # Then both posts have both words, but only one has the phrase
    assert both == [second["id"], first["id"]]
    assert phrase == [first["id"]]


async def test_excluded_words_and_tags(instance, http):
    # Given posts about roads, one about a bridge, one tagged #closed
    await instance.create_account("mayor")
    token = await reader(instance)
    plain = await post_status(instance, http, "mayor", "Road works downtown")
    await post_status(instance, http, "mayor", "Road works on the bridge")
    tagged = await post_status(instance, http, "mayor", "Road works #closed")
    # When excluding a word, then excluding and requiring a tag
    without_bridge = await found_ids(http, token, "road -bridge -#closed")
    with_tag = await found_ids(http, token, "road #Closed")
    # Then the excluded post is left out, and the tag narrows the results
    assert without_bridge == [plain["id"]]
    assert with_tag == [tagged["id"]]


async def test_from_operator(instance, http):
    # Given two accounts writing the same word
    await instance.create_account("mayor")
    await instance.create_account("clerk")
    token = await reader(instance)
    by_mayor = await post_status(instance, http, "mayor", "Pothole fixed")
    by_clerk = await post_status(instance, http, "clerk", "Pothole reported")
    mine = await post_status(instance, http, "reader", "Pothole seen")
    # When searching from one account, from nobody known, and from oneself
    # Then only that account's posts are found
    assert await found_ids(http, token, "pothole from:mayor") == [by_mayor["id"]]
    assert await found_ids(http, token, f"pothole from:@clerk@{instance.domain}") == [
        by_clerk["id"]
    ]
    assert await found_ids(http, token, "pothole from:nobody") == []
    assert await found_ids(http, token, "pothole from:me") == [mine["id"]]
    assert await found_ids(http, token, "pothole -from:me") == [
        by_clerk["id"],
        by_mayor["id"],
    ]


async def test_has_and_is_operators(instance, http):
    # Given a post with a poll, a sensitive one, a reply and a plain one
    await instance.create_account("mayor")
    token = await reader(instance)
    poll = await post_status(
        instance,
        http,
        "mayor",
        "Park vote: which bench?",
        poll={"options": ["oak", "steel"], "expires_in": 3600},
    )
    sensitive = await post_status(
        instance, http, "mayor", "Park flooding photos", spoiler_text="water"
    )
    reply = await post_status(
        instance, http, "mayor", "Park reopens", in_reply_to_id=sensitive["id"]
    )
    plain = await post_status(instance, http, "mayor", "Park closed")
    # When filtering by property
    # Then each operator keeps its posts, and its negation the others
    assert await found_ids(http, token, "park has:poll") == [poll["id"]]
    assert await found_ids(http, token, "park is:sensitive") == [sensitive["id"]]
    assert await found_ids(http, token, "park is:reply") == [reply["id"]]
    assert await found_ids(http, token, "park -is:reply -is:sensitive -has:poll") == [
        plain["id"]
    ]
    assert await found_ids(http, token, "park has:media") == []
    # And poll options are searchable text
    assert await found_ids(http, token, "steel") == [poll["id"]]


async def test_has_media_finds_posts_with_attachments(instance, http):
    # Given a post with an uploaded image (described) and one without
    await instance.create_account("mayor")
    token = await reader(instance)
    form = aiohttp.FormData()
    form.add_field(
        "file", io.BytesIO(jpeg_with_exif()), filename="hole.jpg",
        content_type="image/jpeg",
    )  # fmt: skip
    form.add_field("description", "a crater in the asphalt")
    upload = await http.post(
        "/api/v2/media", token=await instance.token("mayor"), data=form
    )
    assert upload.status == 200, upload.text
    with_media = await post_status(
        instance, http, "mayor", "Road damage", media_ids=[upload.json()["id"]]
    )
    await post_status(instance, http, "mayor", "Road damage reported")
    # When filtering by media, and searching the description's words
    # Then the post with the image is found both ways
    assert await found_ids(http, token, "road has:media") == [with_media["id"]]
    assert await found_ids(http, token, "crater") == [with_media["id"]]


async def test_language_operator(instance, http):
    # Given posts in English and in Spanish
    await instance.create_account("mayor")
    token = await reader(instance)
    english = await post_status(instance, http, "mayor", "Taco night", language="en")
    spanish = await post_status(instance, http, "mayor", "Taco noche", language="es")
    # When filtering by language (a region is ignored)
    # Then only posts in that language are found
    assert await found_ids(http, token, "taco language:es") == [spanish["id"]]
    assert await found_ids(http, token, "taco language:en-GB") == [english["id"]]


async def test_date_operators(instance, http):
    # Given a post from 2024-03-10 and one from today
    await instance.create_account("mayor")
    token = await reader(instance)
    old = await post_status(instance, http, "mayor", "Snow removal schedule")
    new = await post_status(instance, http, "mayor", "Snow removal done")
    async with instance.db.session() as session:
        await session.execute(
            update(Post)
            .where(Post.id == int(old["id"]))
            .values(created_at=datetime(2024, 3, 10, 15, 0, tzinfo=UTC))
        )
    today = datetime.now(UTC).date()
    # When searching before, after and during days
    # Then the dates are whole UTC days, as in Mastodon
    assert await found_ids(http, token, "snow before:2024-03-11") == [old["id"]]
    assert await found_ids(http, token, "snow before:2024-03-10") == []
    assert await found_ids(http, token, "snow after:2024-03-10") == [new["id"]]
    assert await found_ids(http, token, "snow during:2024-03-10") == [old["id"]]
    yesterday = (today - timedelta(days=1)).isoformat()
    assert await found_ids(http, token, f"snow after:{yesterday}") == [new["id"]]
    assert await found_ids(http, token, "snow before:not-a-date") == []


async def test_operators_alone_list_matching_posts(instance, http):
    # Given the searcher's own posts
    token = await reader(instance)
    first = await post_status(instance, http, "reader", "First note")
    second = await post_status(instance, http, "reader", "Second note")
    # When the query is only an operator
    ids = await found_ids(http, token, "from:me")
    # Then every matching post is listed, newest first
    assert ids == [second["id"], first["id"]]


# --- the index follows the posts --------------------------------------------------


async def test_an_edit_updates_the_index(instance, http):
    # Given a found post
    await instance.create_account("mayor")
    token = await reader(instance)
    posted = await post_status(instance, http, "mayor", "Meeting on Tuesday")
    assert await found_ids(http, token, "tuesday") == [posted["id"]]
    # When its author edits it
    reply = await http.request(
        "PUT",
        f"/api/v1/statuses/{posted['id']}",
        token=await instance.token("mayor"),
        json={"status": "Meeting on Thursday"},
    )
    assert reply.status == 200, reply.text
    # Then the new words are found and the old ones no longer
    assert await found_ids(http, token, "thursday") == [posted["id"]]
    assert await found_ids(http, token, "tuesday") == []


async def test_a_delete_removes_the_post_from_the_index(instance, http):
    # Given a found post
    await instance.create_account("mayor")
    token = await reader(instance)
    posted = await post_status(instance, http, "mayor", "Temporary detour")
    assert await found_ids(http, token, "detour") == [posted["id"]]
    # When it is deleted
    reply = await http.request(
        "DELETE",
        f"/api/v1/statuses/{posted['id']}",
        token=await instance.token("mayor"),
    )
    assert reply.status == 200, reply.text
    # Then it is no longer found, and its text is gone from the index
    assert await found_ids(http, token, "detour") == []
    async with instance.db.session() as session:
        post = await session.get(Post, int(posted["id"]))
        assert post is not None
        assert post.search_text is None


async def test_remote_posts_from_the_inbox_are_indexed(instance, http, remote):
    # Given an indexable remote account, and one that did not opt in
    open_actor = remote.add_actor("mayor", indexable=True)
    closed_actor = remote.add_actor("clerk")
    token = await reader(instance)
    # When each delivers a public post
    for actor, number in ((open_actor, "1"), (closed_actor, "2")):
        status, _ = await remote.send(
            f"{instance.base_url}/inbox",
            note_activity(
                remote, actor, "Create", number, "<p>Bridge <em>inspection</em></p>"
            ),
        )
        assert status == 202
    await instance.run_jobs()
    # Then the indexable account's post is found by its words
    ids = await found_ids(http, token, "inspection")
    assert len(ids) == 1
    # When the author edits it
    edit = note_activity(remote, open_actor, "Update", "1", "<p>Bridge repainting</p>")
    await remote.send(f"{instance.base_url}/inbox", edit)
    await instance.run_jobs()
    # Then the index follows the edit
    assert await found_ids(http, token, "repainting") == ids
    assert await found_ids(http, token, "inspection") == []


# --- parameters ------------------------------------------------------------------


async def test_limit_offset_and_id_bounds(instance, http):
    # Given five matching posts
    await instance.create_account("mayor")
    token = await reader(instance)
    ids = [
        (await post_status(instance, http, "mayor", f"Hydrant {n} checked"))["id"]
        for n in range(5)
    ]
    newest_first = list(reversed(ids))
    # When paging with limit and offset, and bounding by id
    # Then each page is a slice of the newest-first results
    assert await found_ids(http, token, "hydrant", limit=2) == newest_first[:2]
    assert (
        await found_ids(http, token, "hydrant", limit=2, offset=2)
        == (newest_first[2:4])
    )
    assert await found_ids(http, token, "hydrant", max_id=ids[2]) == [ids[1], ids[0]]
    assert await found_ids(http, token, "hydrant", min_id=ids[2]) == [ids[4], ids[3]]


async def test_offset_without_a_token_is_refused(instance, http):
    # When an anonymous client pages a search
    reply = await http.get(
        "/api/v2/search", params={"q": "x", "type": "accounts", "offset": "5"}
    )
    # Then it is refused as Mastodon refuses it
    assert reply.status == 401
    assert reply.json() == {
        "error": "Search queries pagination is not supported without authentication"
    }


async def test_a_missing_query_is_a_bad_request(instance, http):
    reply = await http.get("/api/v2/search")
    assert reply.status == 400
    assert reply.json() == {"error": "param is missing or the value is empty: q"}


async def test_account_id_keeps_one_authors_posts(instance, http):
    # Given two authors of the same word
    await instance.create_account("mayor")
    await instance.create_account("clerk")
    token = await reader(instance)
    by_mayor = await post_status(instance, http, "mayor", "Pothole fixed")
    await post_status(instance, http, "clerk", "Pothole reported")
    # When searching with account_id
    ids = await found_ids(
        http, token, "pothole", account_id=await account_id(http, "mayor")
    )
    # Then only that author's post is found
    assert ids == [by_mayor["id"]]


async def test_following_keeps_followed_accounts(instance, http):
    # Given two accounts named alike, one followed by the searcher
    await instance.create_account("parks_dept")
    await instance.create_account("parks_club")
    token = await reader(instance)
    await follow(instance, http, "reader", "parks_dept")
    # When searching accounts with and without `following`
    everyone = await search(http, token, "parks", type="accounts")
    followed = await search(http, token, "parks", type="accounts", following="true")
    # Then `following` keeps only the followed one
    assert {a["acct"] for a in everyone["accounts"]} == {"parks_dept", "parks_club"}
    assert [a["acct"] for a in followed["accounts"]] == ["parks_dept"]


# --- hashtags ----------------------------------------------------------------------


async def test_hashtags_carry_their_history(instance, http):
    # Given #roads used twice today by one account and once by another
    await instance.create_account("mayor")
    await instance.create_account("clerk")
    token = await reader(instance)
    await post_status(instance, http, "mayor", "#roads one")
    await post_status(instance, http, "mayor", "#roads two")
    await post_status(instance, http, "clerk", "#roads three")
    await post_status(instance, http, "clerk", "#roadside", visibility="unlisted")
    # When hashtags are searched by prefix
    body = await search(http, token, "#road", type="hashtags")
    # Then the shortest name comes first, with seven days of history, today first
    assert [t["name"] for t in body["hashtags"]] == ["roads", "roadside"]
    roads = body["hashtags"][0]
    midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    assert len(roads["history"]) == 7
    assert roads["history"][0] == {
        "day": str(int(midnight.timestamp())),
        "uses": "3",
        "accounts": "2",
    }
    assert roads["history"][1]["day"] == str(
        int((midnight - timedelta(days=1)).timestamp())
    )
    assert {d["uses"] for d in roads["history"][1:]} == {"0"}
    assert roads["following"] is False
    # And unlisted use is not counted
    assert body["hashtags"][1]["history"][0]["uses"] == "0"


async def test_exclude_unreviewed_keeps_only_the_exact_hashtag(instance, http):
    # Given #road and #roads
    await instance.create_account("mayor")
    await post_status(instance, http, "mayor", "#road and #roads")
    # When searching with exclude_unreviewed
    body = await search(http, None, "road", type="hashtags", exclude_unreviewed="true")
    # Then only the exact name is kept (fedcity reviews no hashtags)
    assert [t["name"] for t in body["hashtags"]] == ["road"]
