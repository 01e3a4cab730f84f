"""Rate limits on sign-up, sign-in and password-reset attempts (issue 12), per
address and per account, in this process's memory (`sign_in.FailureLimiter`).

Past a limit the answer is 429 with `Retry-After` and Mastodon's
`X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` headers.
The limits follow Mastodon's rack-attack throttles: 25 sign-ups or password
resets per address in five minutes, 5 resets per account in half an hour, 25
failed sign-ins per address in five minutes and 50 per account in an hour (the
address-and-account limit of the sign-in page stays 10 in five minutes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from aiohttp import web

from fedcity.services.accounts.sign_in import FailureLimiter


@dataclass
class RateLimits:
    sign_up_ip: FailureLimiter = field(default_factory=lambda: FailureLimiter(25, 300))
    reset_ip: FailureLimiter = field(default_factory=lambda: FailureLimiter(25, 300))
    reset_account: FailureLimiter = field(
        default_factory=lambda: FailureLimiter(5, 1800)
    )
    login_ip: FailureLimiter = field(default_factory=lambda: FailureLimiter(25, 300))
    login_account: FailureLimiter = field(
        default_factory=lambda: FailureLimiter(50, 3600)
    )


RATE_LIMITS: web.AppKey[RateLimits] = web.AppKey("rate_limits", RateLimits)

Check = tuple[FailureLimiter, str]  # a limiter and the key it counts under


@dataclass(frozen=True)
class Refusal:
    wait: int  # seconds
    limit: int

    def headers(self) -> dict[str, str]:
        reset = datetime.now(UTC) + timedelta(seconds=self.wait)
        return {
            "Retry-After": str(self.wait),
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": reset.isoformat(timespec="milliseconds").replace(
                "+00:00", "Z"
            ),
        }


def address(request: web.Request) -> str:
    return request.remote or "unknown"


def refusal(checks: Sequence[Check]) -> Refusal | None:
    """The longest wait among the limits already reached, if any."""
    waits = [
        (wait, limiter.limit)
        for limiter, key in checks
        if (wait := limiter.retry_after(key)) is not None
    ]
    if not waits:
        return None
    wait, limit = max(waits)
    return Refusal(wait, limit)


def count(checks: Sequence[Check]) -> None:
    """One more attempt (or failure) under each key."""
    for limiter, key in checks:
        limiter.failed(key)


def too_many_requests(found: Refusal) -> web.Response:
    """The API's 429, Mastodon's body and headers."""
    return web.json_response(
        {"error": "Too many requests"}, status=429, headers=found.headers()
    )


def setup(app: web.Application) -> None:
    app[RATE_LIMITS] = RateLimits()
