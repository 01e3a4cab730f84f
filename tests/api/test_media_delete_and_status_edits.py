"""DELETE /api/v1/media/:id, and status edits that change a poll or describe media
(`PUT /api/v1/statuses/:id` with `poll` and `media_attributes[]`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from fedcity.federation.outbox.publish import build
from fedcity.storage.models import Job, MediaAttachment
from tests.api.test_media import raw_upload
from tests.support.http import post_status
from tests.support.images import png

pytestmark = pytest.mark.usefixtures("backend")

POLL = {"options": ["Yes", "No"], "expires_in": 3600}


@pytest.fixture
async def mayor(instance):
    await instance.create_account("mayor")
    return await instance.token("mayor")


async def upload(instance, token) -> dict:
    status, body = await raw_upload(instance, token, png(40, 30))
    assert status == 200
    return body


async def test_unattached_media_is_deleted_with_its_files(instance, http, mayor):
    # Given an upload not yet posted
    media = await upload(instance, mayor)
    async with instance.db.session() as session:
        row = await session.get(MediaAttachment, int(media["id"]))
        files = [Path(instance.settings.media.root) / row.file_path]
    assert files[0].exists()
    # When it is deleted
    reply = await http.request("DELETE", f"/api/v1/media/{media['id']}", token=mayor)
    # Then it and its file are gone
    assert (reply.status, reply.json()) == (200, {})
    assert (await http.get(f"/api/v1/media/{media['id']}", token=mayor)).status == 404
    assert not files[0].exists()


async def test_media_in_a_status_or_of_someone_else_is_not_deleted(
    instance, http, mayor
):
    # Given posted media, and an upload by the clerk
    posted = await upload(instance, mayor)
    await post_status(instance, http, "mayor", "Photo", media_ids=[posted["id"]])
    await instance.create_account("clerk")
    clerk = await instance.token("clerk")
    theirs = await upload(instance, clerk)
    # When the mayor deletes both
    in_use = await http.request("DELETE", f"/api/v1/media/{posted['id']}", token=mayor)
    foreign = await http.request("DELETE", f"/api/v1/media/{theirs['id']}", token=mayor)
    # Then the first is in use and the second not found
    assert in_use.status == 422
    assert in_use.json() == {"error": "Media attachment is currently used by a status"}
    assert foreign.status == 404


async def posted_photo(instance, http, token) -> tuple[dict, list[Path], dict]:
    """An uploaded photo, its stored files, and a status of the mayor showing it."""
    media = await upload(instance, token)
    async with instance.db.session() as session:
        row = await session.get(MediaAttachment, int(media["id"]))
    root = Path(instance.settings.media.root)
    files = [root / row.file_path, root / row.thumbnail_path]
    status = await post_status(
        instance, http, "mayor", "Photo", media_ids=[media["id"]]
    )
    return media, files, status


async def test_status_deleted_with_delete_media_takes_its_media_and_files(
    instance, http, mayor
):
    # Given a status with a photo
    media, files, status = await posted_photo(instance, http, mayor)
    # When it is deleted with delete_media (Mastodon.py sends it in the body)
    reply = await http.request(
        "DELETE",
        f"/api/v1/statuses/{status['id']}",
        token=mayor,
        data={"delete_media": "true"},
    )
    # Then the media and their files are gone, and cannot be posted again
    assert reply.status == 200
    assert (await http.get(f"/api/v1/media/{media['id']}", token=mayor)).status == 404
    assert not any(path.exists() for path in files)
    again = await http.post(
        "/api/v1/statuses",
        token=mayor,
        json={"status": "Again", "media_ids": [media["id"]]},
    )
    assert again.status == 422


async def test_status_deleted_without_delete_media_keeps_its_media_for_a_redraft(
    instance, http, mayor
):
    # Given a status with a photo
    media, files, status = await posted_photo(instance, http, mayor)
    # When it is deleted without delete_media (the query says false)
    reply = await http.request(
        "DELETE", f"/api/v1/statuses/{status['id']}?delete_media=false", token=mayor
    )
    # Then the photo stays, and a redraft posts it again
    assert reply.status == 200
    assert all(path.exists() for path in files)
    redraft = await post_status(
        instance, http, "mayor", "Photo, fixed", media_ids=[media["id"]]
    )
    assert [m["id"] for m in redraft["media_attachments"]] == [media["id"]]


async def test_edit_describes_and_refocuses_the_statuss_media(instance, http, mayor):
    # Given a status with an undescribed photo
    media = await upload(instance, mayor)
    status = await post_status(
        instance, http, "mayor", "Bridge", media_ids=[media["id"]]
    )
    # When the status is edited with media_attributes
    reply = await http.request(
        "PUT",
        f"/api/v1/statuses/{status['id']}",
        token=mayor,
        json={
            "status": "Bridge",
            "media_ids": [media["id"]],
            "media_attributes": [
                {
                    "id": media["id"],
                    "description": "The new bridge",
                    "focus": "0.5,-0.2",
                }
            ],
        },
    )
    # Then the attachment carries the description and focus
    (attachment,) = reply.json()["media_attachments"]
    assert attachment["description"] == "The new bridge"
    assert attachment["meta"]["focus"] == {"x": 0.5, "y": -0.2}


async def vote(instance, http, status: dict, name: str = "clerk") -> None:
    await instance.create_account(name)
    reply = await http.post(
        f"/api/v1/polls/{status['poll']['id']}/votes",
        token=await instance.token(name),
        json={"choices": [0]},
    )
    assert reply.status == 200, reply.text


async def edit(http, token, status: dict, **fields) -> dict:
    reply = await http.request(
        "PUT",
        f"/api/v1/statuses/{status['id']}",
        token=token,
        json={"status": status["content"] or "x", **fields},
    )
    assert reply.status == 200, reply.text
    return reply.json()


async def test_new_poll_options_reset_the_votes(instance, http, mayor):
    # Given a poll with a vote
    status = await post_status(instance, http, "mayor", "Bus lane?", poll=POLL)
    await vote(instance, http, status)
    # When the mayor edits the poll's options
    edited = await edit(
        http, mayor, status, poll={"options": ["Yes", "No", "Later"], "expires_in": 600}
    )
    # Then it is a new poll with no votes
    poll = edited["poll"]
    assert [o["title"] for o in poll["options"]] == ["Yes", "No", "Later"]
    assert poll["votes_count"] == 0
    assert poll["id"] != status["poll"]["id"]


async def test_same_poll_options_keep_the_votes_and_restart_the_clock(
    instance, http, mayor
):
    # Given a poll with a vote
    status = await post_status(instance, http, "mayor", "Bus lane?", poll=POLL)
    await vote(instance, http, status)
    # When the mayor edits the text, sending the same poll with a longer time
    edited = await edit(http, mayor, status, poll={**POLL, "expires_in": 7200})
    # Then the vote stays, the poll ends later and will be closed then
    assert edited["poll"]["id"] == status["poll"]["id"]
    assert edited["poll"]["votes_count"] == 1
    assert edited["poll"]["expires_at"] > status["poll"]["expires_at"]
    async with instance.db.session() as session:
        closes = list(
            await session.scalars(select(Job).where(Job.kind == "close_poll"))
        )
    assert len(closes) == 2


async def test_edit_without_the_poll_removes_it(instance, http, mayor):
    # Given a status with a poll
    status = await post_status(instance, http, "mayor", "Bus lane?", poll=POLL)
    # When it is edited without a poll, as Mastodon's clients do to drop one
    edited = await edit(http, mayor, status)
    # Then it has none
    assert edited["poll"] is None


async def test_edited_poll_is_federated_in_the_update(instance, http, mayor):
    # Given a status with a poll
    status = await post_status(instance, http, "mayor", "Bus lane?", poll=POLL)
    # When its options are edited
    await edit(http, mayor, status, poll={"options": ["A", "B"], "expires_in": 600})
    # Then the Update the worker will send carries the new Question
    async with instance.db.session() as session:
        job = await session.scalar(
            select(Job).where(
                Job.kind == "federate", Job.payload["verb"].as_string() == "Update"
            )
        )
        [outgoing] = await build(instance.fed, session, job.payload)
    question = outgoing.activity["object"]
    assert question["type"] == "Question"
    assert [o["name"] for o in question["oneOf"]] == ["A", "B"]
