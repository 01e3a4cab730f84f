"""A small HTTP client for tests that talk to a live fedcity over real sockets."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiohttp
from multidict import CIMultiDictProxy

from tests.support.openapi import check_reply

AS2 = "application/activity+json"
LD_AS2 = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


@dataclass
class Reply:
    status: int
    headers: CIMultiDictProxy[str]
    text: str
    links: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.text)

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip()


class Http:
    """Requests relative to one instance's base URL (absolute URLs pass through)."""

    def __init__(
        self, session: aiohttp.ClientSession, base_url: str, *, contract: bool = True
    ) -> None:
        self.session = session
        self.base_url = base_url
        self.contract = contract

    async def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        accept: str | None = None,
        headers: dict[str, str] | None = None,
        **kw: Any,
    ) -> Reply:
        url = path if path.startswith("http") else self.base_url + path
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        if accept is not None:
            sent["Accept"] = accept
        async with self.session.request(
            method, url, headers=sent, allow_redirects=False, **kw
        ) as resp:
            links = {
                str(link.get("rel")): str(link.get("url"))
                for link in resp.links.values()
            }
            reply = Reply(resp.status, resp.headers, await resp.text(), links)
        if self.contract and reply.content_type == "application/json":
            # Every client-API answer is held to Mastodon's published shapes.
            check_reply(method, resp.url.path, reply.status, reply.text)
        return reply

    async def get(self, path: str, **kw: Any) -> Reply:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, **kw: Any) -> Reply:
        return await self.request("POST", path, **kw)


async def post_status(instance: Any, http: Http, name: str, text: str, **fields: Any):
    """`name` posts `text` through POST /api/v1/statuses; the Status entity."""
    token = await instance.token(name)
    reply = await http.post(
        "/api/v1/statuses", token=token, json={"status": text, **fields}
    )
    assert reply.status == 200, reply.text
    return reply.json()


async def account_id(http: Http, acct: str) -> str:
    reply = await http.get("/api/v1/accounts/lookup", params={"acct": acct})
    assert reply.status == 200, reply.text
    return str(reply.json()["id"])


async def follow(instance: Any, http: Http, follower: str, acct: str) -> dict:
    target = await account_id(http, acct)
    token = await instance.token(follower)
    reply = await http.post(f"/api/v1/accounts/{target}/follow", token=token)
    assert reply.status == 200, reply.text
    return reply.json()


async def app_token(instance: Any, scope: str = "read write") -> str:
    """An app's own token (client_credentials), as a sign-up screen holds one."""
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{instance.base_url}/api/v1/apps",
            json={
                "client_name": "Signup",
                "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                "scopes": scope,
            },
        ) as resp:
            app = await resp.json()
        async with session.post(
            f"{instance.base_url}/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
                "scope": scope,
            },
        ) as resp:
            return str((await resp.json())["access_token"])
