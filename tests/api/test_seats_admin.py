"""Seat accounts and succession in the client API (issue 11): the Status entity's
`fedcity.holder` (only on seat posts, and Mastodon's shape otherwise, as every
reply of `Http` is checked against the OpenAPI description), and the admin API
under `/api/v1/fedcity/admin/seats/{id}`, gated as the offices' one."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from fedcity.services.offices import attestations as offices
from tests.api.test_action_log import logged
from tests.support.http import account_id, post_status

pytestmark = pytest.mark.usefixtures("backend")

ADMIN_SCOPES = "read admin:read admin:write"


async def seat(instance, http) -> str:
    """@mayor as an official seat account, attested Mayor of Ojai; its id."""
    await instance.create_account("mayor")
    async with instance.db.session() as session:
        mayor = await offices.find_account(session, "mayor", instance.domain)
        await offices.set_capacity(session, mayor, "official")
        await offices.verify(
            session,
            offices.Issuer(instance.fed.urls, instance.settings.instance.name),
            mayor,
            offices.Claim(role="mayor", jurisdiction="Ojai, CA"),
        )
    return await account_id(http, "mayor")


async def admin_token(instance, scopes: str = ADMIN_SCOPES) -> str:
    await instance.create_account("clerk", role="admin")
    return await instance.token("clerk", scopes)


async def test_the_admin_names_the_holder_and_posts_carry_it(instance, http):
    # Given a seat, and an admin who names its holder
    seat_id = await seat(instance, http)
    token = await admin_token(instance)
    made = await http.post(
        f"/api/v1/fedcity/admin/seats/{seat_id}/holders",
        token=token,
        json={"name": "Ana Ruiz"},
    )
    assert made.status == 200, made.text
    holder = made.json()
    assert (holder["name"], holder["title"], holder["ended_at"]) == (
        "Ana Ruiz",
        "Mayor of Ojai",
        None,
    )
    # When the seat posts, and a personal account posts
    await instance.create_account("resident")
    by_seat = await post_status(instance, http, "mayor", "Council meets at 6")
    by_resident = await post_status(instance, http, "resident", "See you there")
    # Then the seat's status carries fedcity.holder, the other no fedcity object
    assert by_seat["fedcity"] == {"holder": holder}
    assert "fedcity" not in by_resident
    # And so does the status read back, anonymously
    shown = await http.get(f"/api/v1/statuses/{by_seat['id']}")
    assert shown.json()["fedcity"]["holder"]["name"] == "Ana Ruiz"


async def test_the_admin_hands_over_and_exports_the_outgoing_holders_posts(
    instance, http
):
    # Given Ana Ruiz's post on the seat
    seat_id = await seat(instance, http)
    token = await admin_token(instance)
    base = f"/api/v1/fedcity/admin/seats/{seat_id}"
    await http.post(f"{base}/holders", token=token, json={"name": "Ana Ruiz"})
    seat_token = await instance.token("mayor")
    status = await post_status(instance, http, "mayor", "Budget hearing tonight")
    # When the admin hands the seat over to Ben Ortiz, archiving Ana's period
    done = await http.post(
        f"{base}/handover",
        token=token,
        json={"successor": "Ben Ortiz", "archive_as": "ana_ruiz"},
    )
    # Then the answer has the closed and opened periods and the one-time link
    assert done.status == 200, done.text
    body = done.json()
    assert body["closed"]["name"] == "Ana Ruiz"
    assert body["closed"]["archive_url"] == f"{instance.base_url}/archives/ana_ruiz"
    assert body["opened"]["name"] == "Ben Ortiz"
    assert body["sign_in_url"].startswith(f"{instance.base_url}/auth/handover/")
    assert body["revoked_tokens"] == 2  # ours and the one post_status made
    # And the seat's old token no longer works
    me = await http.get("/api/v1/accounts/verify_credentials", token=seat_token)
    assert me.status == 401
    # And Ana's period exports her post, as JSON and as an HTML document
    exported = await http.get(
        f"{base}/holders/{body['closed']['id']}/export", token=token
    )
    assert exported.status == 200, exported.text
    assert [p["id"] for p in exported.json()["posts"]] == [status["id"]]
    html = await http.get(
        f"{base}/holders/{body['closed']['id']}/export",
        token=token,
        params={"format": "html"},
    )
    assert html.status == 200
    assert html.content_type == "text/html"
    assert "<h1>Posts of @mayor@" in html.text
    assert "Budget hearing tonight" in html.text
    # And the periods list both holders, in order
    listed = await http.get(f"{base}/holders", token=token)
    assert [h["name"] for h in listed.json()] == ["Ana Ruiz", "Ben Ortiz"]
    # And the handover is in the admin action log
    assert (await logged(http, token))[-1] == (
        "handover",
        "Account",
        "mayor",
        "from Ana Ruiz to Ben Ortiz",
    )


async def test_the_seat_routes_are_gated_as_the_offices_ones(instance, http):
    seat_id = await seat(instance, http)
    base = f"/api/v1/fedcity/admin/seats/{seat_id}"
    reader = await admin_token(instance, "read admin:read")
    await instance.create_account("resident")
    resident = await instance.token("resident", ADMIN_SCOPES)
    # Without a token: 401; admin:read cannot hand over; a non-admin cannot read
    assert (await http.post(f"{base}/handover")).status == 401
    assert (await http.post(f"{base}/handover", token=reader)).status == 403
    assert (await http.get(f"{base}/holders", token=resident)).status == 403
    assert (await http.get(f"{base}/holders", token=reader)).status == 200


async def test_a_personal_account_is_no_seat(instance, http):
    await instance.create_account("resident")
    resident_id = await account_id(http, "resident")
    token = await admin_token(instance)
    reply = await http.post(
        f"/api/v1/fedcity/admin/seats/{resident_id}/handover", token=token
    )
    assert reply.status == 422
    assert "not a seat account" in reply.json()["error"]


async def test_a_handover_ends_the_streams_the_seats_apps_hold_open(instance, http):
    # Given the seat's app listening on its user stream
    seat_id = await seat(instance, http)
    token = await admin_token(instance)
    seat_token = await instance.token("mayor")
    url = instance.base_url.replace("http", "ws", 1) + "/api/v1/streaming?stream=user"
    async with http.session.ws_connect(url, protocols=(seat_token,)) as ws:
        # When the admin hands the seat over
        done = await http.post(
            f"/api/v1/fedcity/admin/seats/{seat_id}/handover", token=token
        )
        assert done.status == 200, done.text
        # Then the stream ends
        closing = await asyncio.wait_for(ws.receive(), 10)
        assert closing.type in (
            aiohttp.WSMsgType.CLOSE,
            aiohttp.WSMsgType.CLOSED,
            aiohttp.WSMsgType.CLOSING,
        )
