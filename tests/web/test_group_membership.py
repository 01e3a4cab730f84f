"""Joining and leaving a group from its page (issue 13): POST /@group/join and
/@group/leave with the CSRF token, answered by the group's policy."""

from __future__ import annotations

from tests.support.group_threads import follow_state, make_group, page, submit
from tests.support.pages import browser, h1
from tests.support.web import csrf_of, signed_in_client

OFFICIALS_ONLY = "Only accounts holding a verified office may join this group"


async def test_joining_and_leaving_an_open_group(instance):
    # Given an open public group and a signed-in resident
    await make_group(instance, "wildfire", display_name="Wildfire Prep")
    async with await signed_in_client(instance, "resident") as client:
        before = await page(client, "/@wildfire")
        assert "Join Wildfire Prep" in before
        assert 'action="/@wildfire/join"' in before
        # When the form is sent without its CSRF token
        async with client.post("/@wildfire/join", allow_redirects=False) as forged:
            # Then nothing happens
            assert forged.status == 403
        assert await follow_state(instance, "resident", "wildfire") is None
        # When they press Join
        joined = await submit(client, "wildfire", "join")
        # Then they are a member, and the page says so
        assert joined.status == 303
        assert joined.headers["Location"] == "/@wildfire?done=joined"
        assert await follow_state(instance, "resident", "wildfire") == "accepted"
        after = await page(client, "/@wildfire?done=joined")
        assert "You joined the group." in after
        assert "You are a member of this group." in after
        assert "Leave Wildfire Prep" in after
        # When they leave
        left = await submit(client, "wildfire", "leave")
        # Then they are no longer a member
        assert left.headers["Location"] == "/@wildfire?done=left"
        assert await follow_state(instance, "resident", "wildfire") is None
        gone = await page(client, "/@wildfire?done=left")
    assert "You are no longer a member of the group." in gone
    assert "Join Wildfire Prep" in gone


async def test_joining_an_approval_group_waits_for_a_moderator(instance):
    # Given a group whose moderators approve each member
    await make_group(instance, "housing", display_name="Housing", policy="approval")
    async with await signed_in_client(instance, "resident") as client:
        assert "Ask to join Housing" in await page(client, "/@housing")
        # When a resident asks to join
        asked = await submit(client, "housing", "join")
        # Then the request waits, and the page says so
        assert asked.headers["Location"] == "/@housing?done=requested"
        assert await follow_state(instance, "resident", "housing") == "pending"
        pending = await page(client, "/@housing?done=requested")
        assert "Your request to join was sent." in pending
        assert "A moderator of the group will answer." in pending
        # When they withdraw it
        await submit(client, "housing", "leave")
    # Then there is no request left
    assert await follow_state(instance, "resident", "housing") is None


async def test_an_officials_group_refuses_a_resident_with_the_reason(instance):
    # Given a group for verified officials only
    await make_group(instance, "mayors", display_name="Mayors", policy="officials")
    async with await signed_in_client(instance, "resident") as client:
        token = await csrf_of(client, "/@mayors")
        # When a resident without a verified office tries to join
        async with client.post(
            "/@mayors/join", data={"csrf_token": token}, allow_redirects=False
        ) as reply:
            html = await reply.text()
            # Then they are refused, with the reason, on the group's page
            assert reply.status == 403
    assert OFFICIALS_ONLY in html
    assert 'class="error-summary"' in html
    assert h1(html) == "Mayors"
    # And no request is kept
    assert await follow_state(instance, "resident", "mayors") is None


async def test_a_group_awaiting_approval_is_shown_to_its_proposer_only(instance):
    # Given a group proposed by a resident, not yet approved
    proposer = await instance.create_account("proposer")
    await make_group(
        instance, "parks", display_name="Parks", created_by=proposer, awaiting=True
    )
    async with browser(instance) as http:
        # When a visitor opens its page
        hidden = await http.get("/@parks")
    # Then there is no such page
    assert hidden.status == 404
    # When the proposer opens it
    async with await signed_in_client(instance, "proposer") as client:
        shown = await page(client, "/@parks")
        # Then it says it waits, and offers no way to join
        assert "waits for an administrator&#39;s approval" in shown
        assert "/@parks/join" not in shown
        # And joining it anyway is refused
        refused = await submit(client, "parks", "join")
        assert refused.status == 404
