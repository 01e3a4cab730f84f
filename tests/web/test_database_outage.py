"""While the database cannot be reached, the client API and the inbox answer 503
with Retry-After (not 500), and answer normally again once it is back, with no
restart; what a peer resends after the 503 is stored and applied."""

from __future__ import annotations

import aiohttp
import pytest
from sqlalchemy import func, select

from fedcity.storage.models import Post
from fedcity.web.middlewares import RETRY_AFTER_SECONDS
from tests.federation.test_inbox_security import note_create
from tests.support.outages import database_down

pytestmark = pytest.mark.usefixtures("backend")


async def _get(
    url: str, token: str | None = None
) -> tuple[int, dict[str, str], object]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with (
        aiohttp.ClientSession() as session,
        session.get(url, headers=headers) as response,
    ):
        return response.status, dict(response.headers), await response.json()


async def test_client_api_answers_503_with_retry_after_while_the_database_is_down(
    instance,
):
    # Given an account with a token
    await instance.create_account("clerk")
    token = await instance.token("clerk")
    url = f"{instance.base_url}/api/v1/accounts/verify_credentials"
    # When the database goes away and the client calls the API
    async with database_down(instance.db):
        status, headers, body = await _get(url, token)
        public, _, _ = await _get(f"{instance.base_url}/api/v1/timelines/public")
    # Then it is told to come back later, not that the server broke
    assert (status, public) == (503, 503)
    assert headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert body == {"error": "Service temporarily unavailable"}
    # And once the database is back, the same server answers again
    status, _, body = await _get(url, token)
    assert status == 200
    assert isinstance(body, dict)
    assert body["username"] == "clerk"


async def test_inbox_answers_503_while_the_database_is_down_and_keeps_the_retry(
    instance, remote
):
    # Given a remote official and their Create
    actor = remote.add_actor("mayor")
    create = note_create(remote, actor, "1")
    # When it arrives while the database is down
    async with database_down(instance.db):
        status, body = await remote.send(f"{instance.base_url}/inbox", create)
    # Then the peer is told to retry
    assert status == 503
    assert body == {"error": "Service temporarily unavailable"}
    # And when it does, after the outage, the post is stored once
    status, _ = await remote.send(f"{instance.base_url}/inbox", create)
    assert status == 202
    await instance.run_jobs()
    async with instance.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Post)) == 1
