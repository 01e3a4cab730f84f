"""A cookie-keeping client for the sign-in and settings pages: it opens a page,
takes the CSRF token of its forms and posts them as a browser would."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import aiohttp
import pyotp
from multidict import CIMultiDictProxy

PASSWORD = "correct horse battery"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Page:
    status: int
    headers: CIMultiDictProxy[str]
    text: str
    body: bytes

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class WebBrowser:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.csrf = ""

    async def close(self) -> None:
        await self.session.close()

    async def request(self, method: str, path: str, **kw: Any) -> Page:
        url = path if path.startswith("http") else self.base_url + path
        async with self.session.request(
            method, url, allow_redirects=False, **kw
        ) as response:
            body = await response.read()
            page = Page(
                response.status,
                response.headers,
                body.decode("utf-8", "replace"),
                body,
            )
        if found := CSRF_RE.search(page.text):
            self.csrf = found.group(1)
        return page

    async def get(self, path: str, **kw: Any) -> Page:
        return await self.request("GET", path, **kw)

    async def post(
        self, path: str, data: dict[str, Any] | None = None, **kw: Any
    ) -> Page:
        if not self.csrf:
            await self.get("/auth/sign_in")
        fields = {"csrf_token": self.csrf, **(data or {})}
        return await self.request("POST", path, data=fields, **kw)

    async def sign_in(
        self, login: str, password: str = PASSWORD, next_path: str = "/"
    ) -> Page:
        await self.get("/auth/sign_in")
        return await self.post(
            "/auth/sign_in",
            {"login": login, "password": password, "next": next_path},
        )

    def cookie(self, name: str) -> str | None:
        for cookie in self.session.cookie_jar:
            if cookie.key == name:
                return cookie.value
        return None


async def turn_on_two_factor(browser: WebBrowser) -> tuple[str, list[str]]:
    """Through the settings page: the secret and the recovery codes shown."""
    page = await browser.get("/settings/two_factor")
    secret = re.search(r'name="secret" value="([A-Z2-7]+)"', page.text)
    assert secret is not None
    done = await browser.post(
        "/settings/two_factor/enable",
        {"secret": secret.group(1), "code": pyotp.TOTP(secret.group(1)).now()},
    )
    assert done.status == 200, done.text
    codes = re.findall(r"<li><code>([0-9-]+)</code></li>", done.text)
    return secret.group(1), codes
