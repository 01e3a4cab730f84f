"""Polls through the client API, driven with Mastodon.py against a live instance:
posting one, reading and voting, and the refusals Mastodon answers with 422."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from mastodon import Mastodon, MastodonAPIError
from sqlalchemy import update

from fedcity.storage.models import Poll
from fedcity.storage.types import utcnow
from tests.api.test_openapi_contract import SPEC_PATH, check

pytestmark = pytest.mark.usefixtures("backend")


def api(instance, token: str) -> Mastodon:
    return Mastodon(access_token=token, api_base_url=instance.base_url)


async def mayor_and_clerk(instance) -> tuple[Mastodon, Mastodon]:
    await instance.create_account("mayor")
    await instance.create_account("clerk")
    return (
        api(instance, await instance.token("mayor")),
        api(instance, await instance.token("clerk")),
    )


async def post_poll(client: Mastodon, *options: str, **kw) -> dict:
    poll = client.make_poll(list(options), expires_in=kw.pop("expires_in", 3600), **kw)
    return await asyncio.to_thread(
        client.status_post, "Which day for the budget hearing?", poll=poll
    )


async def expire(instance, poll_id: str) -> None:
    async with instance.db.session() as session:
        await session.execute(
            update(Poll)
            .where(Poll.id == int(poll_id))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )


async def test_posted_poll_is_a_mastodon_poll_entity(instance, http):
    # Given the mayor
    mayor, _ = await mayor_and_clerk(instance)
    # When the mayor posts a status with a two-option poll
    status = await post_poll(mayor, "Tuesday", "Thursday")
    # Then the status carries the poll, and GET /api/v1/polls/:id returns it
    poll = await asyncio.to_thread(mayor.poll, status["poll"]["id"])
    assert [o["title"] for o in poll["options"]] == ["Tuesday", "Thursday"]
    assert [o["votes_count"] for o in poll["options"]] == [0, 0]
    assert poll["expired"] is False
    assert poll["multiple"] is False
    assert poll["votes_count"] == 0
    assert poll["emojis"] == []
    assert poll["voted"] is True  # Mastodon's answer for the poll's own author
    assert poll["own_votes"] == []
    # And the JSON, raw and inside the status, matches Mastodon's Poll schema
    token = await instance.token("mayor")
    raw = await http.get(f"/api/v1/polls/{poll['id']}", token=token)
    anonymous = await http.get(f"/api/v1/polls/{poll['id']}")
    in_status = await http.get(f"/api/v1/statuses/{status['id']}", token=token)
    assert "voted" not in anonymous.json()  # only with a user token, as Mastodon
    if SPEC_PATH.exists():
        check(raw.json(), "Poll")
        check(anonymous.json(), "Poll")
        check(in_status.json()["poll"], "Poll")
        check(in_status.json(), "Status")


async def test_a_vote_counts_and_shows_as_own(instance):
    # Given the mayor's poll
    mayor, clerk = await mayor_and_clerk(instance)
    status = await post_poll(mayor, "Tuesday", "Thursday")
    # When the clerk votes for the second option
    poll = await asyncio.to_thread(clerk.poll_vote, status["poll"]["id"], [1])
    # Then the vote is counted and shown as the clerk's own
    assert [o["votes_count"] for o in poll["options"]] == [0, 1]
    assert poll["votes_count"] == 1
    assert poll["voters_count"] == 1
    assert poll["voted"] is True
    assert poll["own_votes"] == [1]
    # And the status the clerk reads says the same
    seen = await asyncio.to_thread(clerk.status, status["id"])
    assert seen["poll"]["own_votes"] == [1]


async def test_multiple_choice_poll_takes_several_choices(instance):
    # Given a multiple-choice poll
    mayor, clerk = await mayor_and_clerk(instance)
    status = await post_poll(mayor, "Parks", "Roads", "Libraries", multiple=True)
    # When the clerk picks two options
    poll = await asyncio.to_thread(clerk.poll_vote, status["poll"]["id"], [0, 2])
    # Then both count, from one voter
    assert [o["votes_count"] for o in poll["options"]] == [1, 0, 1]
    assert poll["votes_count"] == 2
    assert poll["voters_count"] == 1
    assert poll["own_votes"] == [0, 2]


async def test_hidden_totals_stay_hidden_until_the_end(instance):
    # Given a poll with hidden totals and one vote
    mayor, clerk = await mayor_and_clerk(instance)
    status = await post_poll(mayor, "Yes", "No", hide_totals=True)
    poll = await asyncio.to_thread(clerk.poll_vote, status["poll"]["id"], [0])
    # Then per-option counts are null while it runs (the total is shown)
    assert [o["votes_count"] for o in poll["options"]] == [None, None]
    assert poll["votes_count"] == 1
    # When it has ended, the counts appear
    await expire(instance, status["poll"]["id"])
    poll = await asyncio.to_thread(clerk.poll, status["poll"]["id"])
    assert poll["expired"] is True
    assert [o["votes_count"] for o in poll["options"]] == [1, 0]


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ([5], "The chosen vote option does not exist"),
        ([0, 1], "You have already voted on this poll"),
    ],
)
async def test_bad_choices_are_refused(instance, choices, message):
    # Given a single-choice poll
    mayor, clerk = await mayor_and_clerk(instance)
    status = await post_poll(mayor, "Tuesday", "Thursday")
    # When the clerk sends a choice that doesn't exist, or two choices
    # Then Mastodon's 422 comes back and nothing is counted
    with pytest.raises(MastodonAPIError, match=message):
        await asyncio.to_thread(clerk.poll_vote, status["poll"]["id"], choices)
    poll = await asyncio.to_thread(clerk.poll, status["poll"]["id"])
    assert poll["votes_count"] == 0


async def test_second_vote_is_refused(instance):
    # Given a clerk who has voted
    mayor, clerk = await mayor_and_clerk(instance)
    status = await post_poll(mayor, "Tuesday", "Thursday")
    await asyncio.to_thread(clerk.poll_vote, status["poll"]["id"], [0])
    # When the clerk votes again
    # Then it is refused, and the first vote stands alone
    with pytest.raises(MastodonAPIError, match="You have already voted on this poll"):
        await asyncio.to_thread(clerk.poll_vote, status["poll"]["id"], [1])
    poll = await asyncio.to_thread(clerk.poll, status["poll"]["id"])
    assert [o["votes_count"] for o in poll["options"]] == [1, 0]


async def test_voting_in_own_poll_is_refused(instance):
    # Given the mayor's poll
    mayor, _ = await mayor_and_clerk(instance)
    status = await post_poll(mayor, "Tuesday", "Thursday")
    # When the mayor votes in it
    # Then Mastodon's refusal comes back
    with pytest.raises(MastodonAPIError, match="You cannot vote in your own polls"):
        await asyncio.to_thread(mayor.poll_vote, status["poll"]["id"], [0])


async def test_voting_in_an_ended_poll_is_refused(instance):
    # Given a poll that has ended
    mayor, clerk = await mayor_and_clerk(instance)
    status = await post_poll(mayor, "Tuesday", "Thursday")
    await expire(instance, status["poll"]["id"])
    # When the clerk votes
    # Then it is refused
    with pytest.raises(MastodonAPIError, match="The poll has already ended"):
        await asyncio.to_thread(clerk.poll_vote, status["poll"]["id"], [0])


@pytest.mark.parametrize(
    ("options", "expires_in", "message"),
    [
        (["Only one"], 3600, "must have more than one item"),
        (["A", "B", "C", "D", "E"], 3600, "can't contain more than 4 items"),
        (["A" * 51, "B"], 3600, "cannot be longer than 50 characters"),
        (["Same", "Same"], 3600, "duplicate"),
        (["A", "B"], 299, "too soon"),
        (["A", "B"], 2_629_747, "too far into the future"),
    ],
)
async def test_invalid_polls_are_refused(instance, options, expires_in, message):
    # Given the mayor
    mayor, _ = await mayor_and_clerk(instance)
    # When a poll breaks the limits /api/v1/instance announces
    # Then the status is refused with 422 and not posted
    with pytest.raises(MastodonAPIError, match=message):
        await post_poll(mayor, *options, expires_in=expires_in)
    me = await asyncio.to_thread(mayor.me)
    assert me["statuses_count"] == 0


async def test_form_encoded_poll_is_read(instance, http):
    # Given the mayor's token
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    # When a client posts the poll as form fields
    form = [
        ("status", "Snow day?"),
        ("poll[options][]", "Yes"),
        ("poll[options][]", "No"),
        ("poll[expires_in]", "600"),
        ("poll[multiple]", "true"),
    ]
    reply = await http.post("/api/v1/statuses", token=token, data=form)
    # Then the status has a multiple-choice poll ending in ten minutes
    assert reply.status == 200, reply.text
    poll = reply.json()["poll"]
    assert [o["title"] for o in poll["options"]] == ["Yes", "No"]
    assert poll["multiple"] is True
    assert poll["expires_at"] is not None


async def test_form_encoded_vote_answers_the_poll_with_own_votes(instance, http):
    # Given the mayor's poll and the clerk's token
    mayor, _ = await mayor_and_clerk(instance)
    status = await post_poll(mayor, "Tuesday", "Thursday")
    clerk = await instance.token("clerk")
    # When the clerk votes with form fields, as Mastodon.py and most apps send them
    reply = await http.post(
        f"/api/v1/polls/{status['poll']['id']}/votes",
        token=clerk,
        data=[("choices[]", "1")],
    )
    # Then the answer is the poll with the vote counted as the clerk's own
    assert reply.status == 200, reply.text
    poll = reply.json()
    assert poll["id"] == status["poll"]["id"]
    assert [o["votes_count"] for o in poll["options"]] == [0, 1]
    assert (poll["voted"], poll["own_votes"]) == (True, [1])


async def test_status_page_says_the_poll_is_non_binding(instance, http):
    # Given the mayor's poll
    mayor, _ = await mayor_and_clerk(instance)
    status = await post_poll(mayor, "Tuesday", "Thursday")
    # When someone opens the post in a browser
    reply = await http.get(status["url"], accept="text/html")
    # Then the page lists the options and says the poll is only sentiment
    assert reply.status == 200
    assert "Tuesday" in reply.text
    assert "Non-binding sentiment poll" in reply.text
    assert "nothing proves a voter lives in the city" in reply.text


async def test_unknown_poll_is_not_found(instance):
    # Given a signed-in account
    _, clerk = await mayor_and_clerk(instance)
    # When it asks for a poll that doesn't exist
    # Then it is not found
    with pytest.raises(MastodonAPIError, match="Record not found"):
        await asyncio.to_thread(clerk.poll, "12345")
