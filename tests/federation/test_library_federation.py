"""A library item on the wire, as it goes now (issue 14's foundation): its post is
an `Article` that reaches the author's followers on another instance, and its
withdrawal reaches them as a Delete. What the Article carries of the structured
document is the federation part's to add; this keeps the plain path working."""

from __future__ import annotations

import aiohttp
import pytest

from fedcity.storage.models import Post
from fedcity.storage.queries import posts as post_q
from tests.support.http import AS2, Http, follow
from tests.support.instances import run_both
from tests.support.library import case_study

pytestmark = pytest.mark.usefixtures("backend")


async def test_a_case_study_reaches_followers_and_its_withdrawal_too(make_instance):
    # Given a resident of the league who follows the city's mayor
    city = await make_instance("city")
    league = await make_instance("league")
    await city.create_account("mayor")
    await league.create_account("resident")
    token = await city.token("mayor")
    async with aiohttp.ClientSession() as client:
        here, there = Http(client, city.base_url), Http(client, league.base_url)
        await follow(league, there, "resident", f"mayor@{city.domain}")
        await run_both(city, league)
        # When the mayor publishes a case study
        reply = await here.post(
            "/api/v1/fedcity/case_studies", token=token, json=case_study()
        )
        assert reply.status == 200, reply.text
        item = reply.json()
        await run_both(city, league)
        # Then its post is served as an Article linking to the item's page
        article = (await here.get(item["uri"], accept=AS2)).json()
        assert (article["type"], article["url"]) == ("Article", item["url"])
        # And the league stored it, with its content
        async with league.db.session() as session:
            copy = await post_q.get_post_by_uri(session, item["uri"])
            assert isinstance(copy, Post)
            assert copy.object_type == "Article"
            assert "Pothole blitz" in copy.content
        # When the mayor withdraws it, the league deletes its copy
        gone = await here.request(
            "DELETE", f"/api/v1/fedcity/case_studies/{item['id']}", token=token
        )
        assert gone.status == 200, gone.text
        await run_both(city, league)
        async with league.db.session() as session:
            copy = await post_q.get_post_by_uri(session, item["uri"])
            assert isinstance(copy, Post)
            assert copy.deleted_at is not None
