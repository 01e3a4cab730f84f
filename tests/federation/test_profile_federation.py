"""A profile picture crossing instances: two fedcity instances on loopback, a
resident of one following the mayor of the other; the mayor's new avatar reaches
the resident's instance as an Update of the actor with its `icon`."""

from __future__ import annotations

import io
import json

import aiohttp
import pytest
from sqlalchemy import select

from fedcity.storage.models import OutboxActivity
from tests.support.http import Http, account_id
from tests.support.images import png
from tests.support.instances import run_both

pytestmark = pytest.mark.usefixtures("backend")


async def test_a_new_avatar_reaches_a_follower_on_another_instance(make_instance):
    # Given a mayor on one city's instance, followed by a resident of another
    city = await make_instance("city")
    town = await make_instance("town")
    await city.create_account("mayor")
    await town.create_account("resident")
    handle = f"mayor@{city.domain}"
    async with aiohttp.ClientSession() as session:
        city_http, town_http = (
            Http(session, city.base_url),
            Http(session, town.base_url),
        )
        mayor_there = await account_id(town_http, handle)
        followed = await town_http.post(
            f"/api/v1/accounts/{mayor_there}/follow",
            token=await town.token("resident"),
        )
        assert followed.status == 200, followed.text
        await run_both(town, city)
        # When the mayor uploads an avatar
        form = aiohttp.FormData()
        form.add_field("avatar", io.BytesIO(png(500, 300)), filename="me.png")
        reply = await city_http.request(
            "PATCH",
            "/api/v1/accounts/update_credentials",
            token=await city.token("mayor"),
            data=form,
        )
        assert reply.status == 200, reply.text
        avatar = reply.json()["avatar"]
        await run_both(city, town)
        # Then the resident's instance shows the mayor with the new avatar
        seen = await town_http.get(f"/api/v1/accounts/{mayor_there}")
    assert seen.json()["avatar"] == avatar
    # And what the city sent was an Update of the actor, its icon the stored file
    async with city.db.session() as db:
        documents = (
            await db.scalars(
                select(OutboxActivity.document).where(
                    OutboxActivity.activity_type == "Update"
                )
            )
        ).all()
    updates = [json.loads(d) for d in documents]
    assert updates[-1]["object"]["type"] == "Person"
    assert updates[-1]["object"]["icon"] == {"type": "Image", "url": avatar}
