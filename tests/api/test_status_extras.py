"""Edit history, source, bookmarks, pins (and the featured collection), muted
conversations and Idempotency-Key, driven with Mastodon.py against a live instance."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta

import pytest
from mastodon import Mastodon, MastodonAPIError, MastodonNotFoundError
from sqlalchemy import update

from fedcity.storage.models import IdempotencyKey
from fedcity.storage.types import utcnow
from tests.api.test_openapi_contract import SPEC_PATH, check
from tests.support.http import AS2
from tests.support.images import png

pytestmark = pytest.mark.usefixtures("backend")

needs_spec = pytest.mark.skipif(
    not SPEC_PATH.exists(), reason=f"{SPEC_PATH} (Mastodon OpenAPI) is missing"
)


def api(instance, token: str) -> Mastodon:
    return Mastodon(access_token=token, api_base_url=instance.base_url)


async def client(instance, name: str) -> Mastodon:
    await instance.create_account(name)
    return api(instance, await instance.token(name))


def call(fn, *args, **kw):
    return asyncio.to_thread(fn, *args, **kw)


# --- history and source -----------------------------------------------------------


async def test_history_lists_every_version_with_the_current_one_last(instance):
    # Given a status edited twice
    mayor = await client(instance, "mayor")
    status = await call(mayor.status_post, "budget v1")
    await call(mayor.status_update, status["id"], "budget v2")
    await call(mayor.status_update, status["id"], "budget v3", spoiler_text="money")
    # When its history is read
    history = await call(mayor.status_history, status["id"])
    # Then there are three versions, oldest first, the last being the current one
    assert [("v1" in h["content"], "v3" in h["content"]) for h in history] == [
        (True, False),
        (False, False),
        (False, True),
    ]
    assert "v2" in history[1]["content"]
    assert history[-1]["spoiler_text"] == "money"
    assert all(h["account"]["username"] == "mayor" for h in history)


async def test_history_of_an_unedited_status_is_its_one_version(instance):
    # Given a status never edited
    mayor = await client(instance, "mayor")
    status = await call(mayor.status_post, "first and only")
    # When its history is read
    history = await call(mayor.status_history, status["id"])
    # Then it holds the status as it is
    assert len(history) == 1
    assert history[0]["content"] == status["content"]


async def test_history_shows_each_version_with_its_own_media_and_poll(instance, http):
    # Given a status with a described photo and a poll
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    mayor = api(instance, token)
    photo = await call(
        mayor.media_post, io.BytesIO(png(40, 30)), "image/png", description="old pier"
    )
    poll = await call(mayor.make_poll, ["Pier", "Park"], expires_in=3600)
    status = await call(mayor.status_post, "which first?", media_ids=[photo], poll=poll)
    # When an edit swaps the photo, redescribes nothing else, and changes the poll
    other = await call(
        mayor.media_post, io.BytesIO(png(30, 40)), "image/png", description="new pier"
    )
    reply = await http.request(
        "PUT",
        f"/api/v1/statuses/{status['id']}",
        token=token,
        json={
            "status": "which first, now?",
            "media_ids": [str(other["id"])],
            "poll": {"options": ["Pier", "Park", "Pool"], "expires_in": 3600},
        },
    )
    assert reply.status == 200, reply.text
    history = (await http.get(f"/api/v1/statuses/{status['id']}/history")).json()
    # Then the first version shows its own photo, description and poll options
    first, last = history
    assert [m["id"] for m in first["media_attachments"]] == [str(photo["id"])]
    assert first["media_attachments"][0]["description"] == "old pier"
    assert first["poll"] == {"options": [{"title": "Pier"}, {"title": "Park"}]}
    # And the current version shows the new ones
    assert [m["id"] for m in last["media_attachments"]] == [str(other["id"])]
    assert [o["title"] for o in last["poll"]["options"]] == ["Pier", "Park", "Pool"]


@needs_spec
async def test_history_entries_are_valid_status_edits(instance, http):
    # Given an edited status
    mayor = await client(instance, "mayor")
    status = await call(mayor.status_post, "draft")
    await call(mayor.status_update, status["id"], "final", sensitive=True)
    # When its history is read over HTTP
    reply = await http.get(f"/api/v1/statuses/{status['id']}/history")
    # Then every entry is a StatusEdit
    assert reply.status == 200
    for entry in reply.json():
        check(entry, "StatusEdit")


async def test_source_gives_the_author_the_plain_text(instance, http):
    # Given a status with a content warning and a hashtag
    mayor = await client(instance, "mayor")
    status = await call(mayor.status_post, "see #parks plan", spoiler_text="long")
    # When the author reads its source
    source = await call(mayor.status_source, status["id"])
    # Then it is the text as typed, not the rendered HTML
    assert source["text"] == "see #parks plan"
    assert source["spoiler_text"] == "long"
    assert source["id"] == status["id"]
    if SPEC_PATH.exists():
        reply = await http.get(
            f"/api/v1/statuses/{status['id']}/source",
            token=await instance.token("mayor"),
        )
        check(reply.json(), "StatusSource")


async def test_source_is_shown_to_whoever_may_see_the_status(instance):
    # Given a public status of the mayor
    mayor = await client(instance, "mayor")
    status = await call(mayor.status_post, "public words", spoiler_text="cw")
    resident = await client(instance, "resident")
    # When another account asks for its source
    source = await call(resident.status_source, status["id"])
    # Then it gets the plain text, as Mastodon serves it to anyone who sees it
    assert source == {"id": status["id"], "text": "public words", "spoiler_text": "cw"}


async def test_source_of_a_status_one_may_not_see_is_not_found(instance):
    # Given a followers-only status of the mayor, and a resident who does not follow
    mayor = await client(instance, "mayor")
    status = await call(mayor.status_post, "for followers", visibility="private")
    resident = await client(instance, "resident")
    # When the resident asks for its source
    # Then it is not found
    with pytest.raises(MastodonNotFoundError):
        await call(resident.status_source, status["id"])


# --- bookmarks ----------------------------------------------------------------------


async def test_bookmark_marks_the_status_and_lists_it(instance):
    # Given a resident and the mayor's status
    mayor = await client(instance, "mayor")
    status = await call(mayor.status_post, "read this later")
    resident = await client(instance, "resident")
    # When the resident bookmarks it
    marked = await call(resident.status_bookmark, status["id"])
    # Then the status says so, and it is in the resident's bookmarks
    assert marked["bookmarked"] is True
    assert [s["id"] for s in await call(resident.bookmarks)] == [status["id"]]
    assert (await call(resident.status, status["id"]))["bookmarked"] is True


async def test_bookmarks_are_private_to_who_made_them(instance):
    # Given a status the resident bookmarked
    mayor = await client(instance, "mayor")
    status = await call(mayor.status_post, "read this later")
    resident = await client(instance, "resident")
    await call(resident.status_bookmark, status["id"])
    # When the mayor reads the status and the mayor's bookmarks
    seen = await call(mayor.status, status["id"])
    # Then neither shows the resident's bookmark
    assert seen["bookmarked"] is False
    assert await call(mayor.bookmarks) == []


async def test_unbookmark_removes_it(instance):
    # Given a bookmarked status
    mayor = await client(instance, "mayor")
    status = await call(mayor.status_post, "read this later")
    await call(mayor.status_bookmark, status["id"])
    # When it is unbookmarked
    unmarked = await call(mayor.status_unbookmark, status["id"])
    # Then it is no longer bookmarked nor listed
    assert unmarked["bookmarked"] is False
    assert await call(mayor.bookmarks) == []


async def test_bookmarks_are_paged_newest_bookmark_first(instance, http):
    # Given three statuses bookmarked in the order 2, 0, 1
    mayor = await client(instance, "mayor")
    statuses = [await call(mayor.status_post, f"note {i}") for i in range(3)]
    for i in (2, 0, 1):
        await call(mayor.status_bookmark, statuses[i]["id"])
    token = await instance.token("mayor")
    # When the first page of two is read
    first = await http.get("/api/v1/bookmarks?limit=2", token=token)
    # Then it holds the two latest bookmarks, and Link leads to the last one
    assert [s["id"] for s in first.json()] == [statuses[1]["id"], statuses[0]["id"]]
    second = await http.get(first.links["next"], token=token)
    assert [s["id"] for s in second.json()] == [statuses[2]["id"]]


async def test_bookmarking_a_status_one_cannot_see_is_not_found(instance):
    # Given a followers-only status of the mayor
    mayor = await client(instance, "mayor")
    status = await call(mayor.status_post, "followers only", visibility="private")
    stranger = await client(instance, "stranger")
    # When a stranger tries to bookmark it
    # Then it does not exist for them
    with pytest.raises(MastodonNotFoundError):
        await call(stranger.status_bookmark, status["id"])


# --- pins ------------------------------------------------------------------------------


async def test_pinned_status_is_marked_and_listed_on_the_profile(instance):
    # Given the mayor's two statuses
    mayor = await client(instance, "mayor")
    pinned = await call(mayor.status_post, "office hours: Mondays")
    await call(mayor.status_post, "other news")
    me = await call(mayor.me)
    # When one is pinned
    result = await call(mayor.status_pin, pinned["id"])
    # Then it says pinned, and the profile's pinned statuses are just that one
    assert result["pinned"] is True
    listed = await call(mayor.account_statuses, me["id"], pinned=True)
    assert [s["id"] for s in listed] == [pinned["id"]]
    assert listed[0]["pinned"] is True


async def test_unpin_takes_it_off_the_profile(instance):
    # Given a pinned status
    mayor = await client(instance, "mayor")
    status = await call(mayor.status_post, "office hours: Mondays")
    await call(mayor.status_pin, status["id"])
    me = await call(mayor.me)
    # When it is unpinned
    result = await call(mayor.status_unpin, status["id"])
    # Then it is no longer pinned nor listed
    assert result["pinned"] is False
    assert await call(mayor.account_statuses, me["id"], pinned=True) == []


async def test_a_sixth_pin_is_refused(instance):
    # Given five pinned statuses
    mayor = await client(instance, "mayor")
    for i in range(5):
        status = await call(mayor.status_post, f"pin {i}")
        await call(mayor.status_pin, status["id"])
    sixth = await call(mayor.status_post, "one too many")
    # When a sixth is pinned
    # Then Mastodon's 422 answers
    with pytest.raises(MastodonAPIError, match="maximum number") as refused:
        await call(mayor.status_pin, sixth["id"])
    assert refused.value.args[1] == 422


async def test_pinning_someone_elses_status_is_refused(instance):
    # Given the mayor's status
    mayor = await client(instance, "mayor")
    status = await call(mayor.status_post, "mine")
    resident = await client(instance, "resident")
    # When a resident pins it
    # Then it is refused
    with pytest.raises(MastodonAPIError, match="Someone else's post") as refused:
        await call(resident.status_pin, status["id"])
    assert refused.value.args[1] == 422


async def test_pinning_a_direct_status_is_refused(instance):
    # Given a direct status
    mayor = await client(instance, "mayor")
    await instance.create_account("clerk")
    status = await call(mayor.status_post, "@clerk psst", visibility="direct")
    # When it is pinned
    # Then it is refused
    with pytest.raises(MastodonAPIError, match="only visible to mentioned"):
        await call(mayor.status_pin, status["id"])


async def test_pinned_private_status_is_hidden_from_strangers(instance):
    # Given a pinned followers-only status
    mayor = await client(instance, "mayor")
    status = await call(mayor.status_post, "followers only", visibility="private")
    await call(mayor.status_pin, status["id"])
    me = await call(mayor.me)
    stranger = await client(instance, "stranger")
    # When a stranger lists the mayor's pinned statuses
    listed = await call(stranger.account_statuses, me["id"], pinned=True)
    # Then it is not there
    assert listed == []


async def test_featured_collection_holds_the_pinned_notes(instance, http):
    # Given a pinned public status
    mayor = await client(instance, "mayor")
    status = await call(mayor.status_post, "office hours: Mondays")
    await call(mayor.status_pin, status["id"])
    # When the actor and its featured collection are fetched as ActivityPub
    actor = (await http.get("/users/mayor", accept=AS2)).json()
    featured = (await http.get(actor["featured"], accept=AS2)).json()
    # Then the collection lists the pinned Note
    assert actor["featured"] == f"{instance.base_url}/users/mayor/collections/featured"
    assert featured["type"] == "OrderedCollection"
    assert featured["totalItems"] == 1
    assert [n["id"] for n in featured["orderedItems"]] == [status["uri"]]
    assert featured["orderedItems"][0]["type"] == "Note"


# --- muted conversations -------------------------------------------------------------


async def test_muted_conversation_brings_no_more_notifications(instance):
    # Given the mayor's thread, in which a resident mentions the mayor
    mayor = await client(instance, "mayor")
    root = await call(mayor.status_post, "town hall tonight")
    resident = await client(instance, "resident")
    await call(resident.status_post, "@mayor what time?", in_reply_to_id=root["id"])
    assert len(await call(mayor.notifications)) == 1
    # When the mayor mutes the conversation
    muted = await call(mayor.status_mute, root["id"])
    # Then the status says muted, and further replies and favourites notify nothing
    assert muted["muted"] is True
    await call(resident.status_post, "@mayor hello?", in_reply_to_id=root["id"])
    await call(resident.status_favourite, root["id"])
    assert len(await call(mayor.notifications)) == 1


async def test_unmuted_conversation_notifies_again(instance):
    # Given a muted thread
    mayor = await client(instance, "mayor")
    root = await call(mayor.status_post, "town hall tonight")
    await call(mayor.status_mute, root["id"])
    resident = await client(instance, "resident")
    # When the mayor unmutes it and the resident replies
    unmuted = await call(mayor.status_unmute, root["id"])
    await call(resident.status_post, "@mayor what time?", in_reply_to_id=root["id"])
    # Then the reply is notified
    assert unmuted["muted"] is False
    assert [n["type"] for n in await call(mayor.notifications)] == ["mention"]


async def test_muting_a_reply_mutes_its_whole_thread(instance):
    # Given a reply deep in the mayor's thread
    mayor = await client(instance, "mayor")
    root = await call(mayor.status_post, "town hall tonight")
    resident = await client(instance, "resident")
    reply = await call(resident.status_post, "@mayor hi", in_reply_to_id=root["id"])
    # When the mayor mutes through the reply
    await call(mayor.status_mute, reply["id"])
    # Then the root shows muted too
    assert (await call(mayor.status, root["id"]))["muted"] is True


# --- Idempotency-Key -------------------------------------------------------------------


async def test_same_idempotency_key_returns_the_same_status(instance):
    # Given a status posted with an Idempotency-Key
    mayor = await client(instance, "mayor")
    first = await call(mayor.status_post, "announcement", idempotency_key="k-1")
    # When the same request is sent again
    again = await call(mayor.status_post, "announcement", idempotency_key="k-1")
    # Then the same status comes back and only one exists
    assert again["id"] == first["id"]
    me = await call(mayor.account_verify_credentials)
    assert me["statuses_count"] == 1


async def test_idempotency_keys_belong_to_one_account(instance):
    # Given the mayor posted with a key
    mayor = await client(instance, "mayor")
    first = await call(mayor.status_post, "announcement", idempotency_key="k-1")
    clerk = await client(instance, "clerk")
    # When the clerk posts with the same key
    other = await call(clerk.status_post, "announcement", idempotency_key="k-1")
    # Then the clerk gets a status of their own
    assert other["id"] != first["id"]
    assert other["account"]["username"] == "clerk"


async def test_idempotency_key_expires_after_an_hour(instance):
    # Given a key used more than an hour ago
    mayor = await client(instance, "mayor")
    first = await call(mayor.status_post, "announcement", idempotency_key="k-1")
    async with instance.db.session() as session:
        await session.execute(
            update(IdempotencyKey).values(created_at=utcnow() - timedelta(hours=2))
        )
    # When it is used again
    again = await call(mayor.status_post, "announcement", idempotency_key="k-1")
    # Then a new status is posted
    assert again["id"] != first["id"]


# --- delete and redraft -------------------------------------------------------------


async def test_delete_accepts_delete_media_and_returns_the_source(instance):
    # Given a status
    mayor = await client(instance, "mayor")
    status = await call(mayor.status_post, "typo #here")
    # When it is deleted with delete_media
    deleted = await call(mayor.status_delete, status["id"], delete_media=True)
    # Then the source comes back for redrafting, and the status is gone
    assert deleted["text"] == "typo #here"
    with pytest.raises(MastodonNotFoundError):
        await call(mayor.status, status["id"])
