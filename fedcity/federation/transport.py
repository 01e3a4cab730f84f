"""Outbound HTTP: one ClientSession, timeouts, response size caps and an SSRF guard.

The guard sits in the resolver, so it also covers redirects and DNS names that point
at private addresses; tests and local development lift it with
`[federation] allow_private_addresses = true`.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from multidict import CIMultiDictProxy
from yarl import URL

from fedcity.domains import DomainPolicy
from fedcity.errors import AddressRefused, FetchError

USER_AGENT = "fedcity/0.1 (+https://fedcity.org)"
MAX_REDIRECTS = 3
REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str]  # looked up by case-insensitive name
    body: bytes
    url: str


class PolicySource(Protocol):
    """Where the transport reads the current domain policy (federation.policy)."""

    @property
    def current(self) -> DomainPolicy: ...


class HttpTransport(Protocol):
    async def get(
        self, url: str, headers: Mapping[str, str], *, max_bytes: int
    ) -> HttpResponse: ...

    async def post(
        self, url: str, headers: Mapping[str, str], body: bytes
    ) -> HttpResponse: ...

    async def close(self) -> None: ...


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # is_global leaves out private, loopback, link-local, reserved, documentation
    # and shared (carrier-grade NAT, 100.64.0.0/10) ranges; multicast is global but
    # no server lives there.
    return ip.is_global and not ip.is_multicast


class GuardedResolver(AbstractResolver):
    """Resolves like aiohttp does, then refuses any non-public address."""

    def __init__(self) -> None:
        self._inner = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        allowed = [r for r in results if is_public_address(r["host"])]
        if not allowed:
            raise AddressRefused(
                "refused", detail=f"{host} resolves only to non-public addresses"
            )
        return allowed

    async def close(self) -> None:
        await self._inner.close()


class AiohttpTransport:
    def __init__(
        self,
        *,
        allow_private_addresses: bool,
        timeout_seconds: float,
        max_connections: int = 100,
        policy: PolicySource | None = None,
    ) -> None:
        self._allow_private = allow_private_addresses
        # Set once the policy is loaded (`app.build_federation`); suspended
        # domains are refused for every request, media and link previews too.
        self.policy = policy
        resolver: AbstractResolver | None = (
            None if allow_private_addresses else GuardedResolver()
        )
        connector = aiohttp.TCPConnector(
            resolver=resolver,
            limit=max_connections,
            limit_per_host=8,
            ttl_dns_cache=300,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(
                total=timeout_seconds, connect=min(5, timeout_seconds)
            ),
            headers={"User-Agent": USER_AGENT},
            auto_decompress=True,
        )

    async def get(
        self, url: str, headers: Mapping[str, str], *, max_bytes: int
    ) -> HttpResponse:
        return await self._request("GET", url, headers, None, max_bytes)

    async def post(
        self, url: str, headers: Mapping[str, str], body: bytes
    ) -> HttpResponse:
        return await self._request("POST", url, headers, body, 65_536)

    async def _request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | None,
        max_bytes: int,
    ) -> HttpResponse:
        # Redirects are followed here, not by aiohttp, so that every hop passes the
        # address guard (aiohttp does not resolve IP-literal hosts, so the guarded
        # resolver alone would let http://169.254.169.254/ through).
        for _ in range(MAX_REDIRECTS + 1):
            self._check_host(url)
            response = await self._send(method, url, headers, body, max_bytes)
            location = response.headers.get("Location")
            if method != "GET" or response.status not in REDIRECTS or not location:
                return response
            url = str(URL(url).join(URL(location)))
        raise FetchError("too many redirects", detail=url)

    def _check_host(self, url: str) -> None:
        if self.policy is not None and self.policy.current.suspends(url):
            raise AddressRefused("refused", detail=f"{url} is on a blocked domain")
        if self._allow_private:
            return
        host = URL(url).host or ""
        try:
            literal = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return  # a name: the guarded resolver checks what it resolves to
        if not is_public_address(str(literal)):
            raise AddressRefused("refused", detail=f"{host} is not a public address")

    async def _send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | None,
        max_bytes: int,
    ) -> HttpResponse:
        kwargs: dict[str, Any] = {"headers": dict(headers), "allow_redirects": False}
        if body is not None:
            kwargs["data"] = body
        try:
            async with self._session.request(method, url, **kwargs) as response:
                content = await _read_capped(response, max_bytes)
                # Kept case-insensitive: a dict would keep the server's spelling
                # wherever aiohttp's parser does not (its pure-Python one never
                # does), and a "content-type" or "location" would go unseen.
                headers = CIMultiDictProxy(response.headers.copy())
                return HttpResponse(
                    response.status, headers, content, str(response.url)
                )
        except FetchError:
            raise
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise FetchError("unreachable", detail=f"{method} {url}: {exc!r}") from exc

    async def close(self) -> None:
        await self._session.close()


async def _read_capped(response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    declared = response.content_length
    if declared is not None and declared > max_bytes:
        raise FetchError(
            "too large", detail=f"{response.url} declares {declared} bytes"
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(65_536):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(
                "too large", detail=f"{response.url} exceeds {max_bytes} bytes"
            )
        chunks.append(chunk)
    return b"".join(chunks)
