"""What became of a job, and when a failed one is tried again.

Shared by every handler that talks to other sites (deliveries, Web Push) and by the
worker for handlers that raise: one backoff schedule, one way to give up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Literal

from fedcity.storage.types import utcnow

OutcomeState = Literal["done", "retry", "failed", "held"]


@dataclass(frozen=True)
class Outcome:
    """What became of a job: done, retry at a time, failed for good, or held."""

    state: OutcomeState
    error: str | None = None
    retry_at: datetime | None = None


DONE = Outcome("done")


def backoff_delay(attempts: int, scale: float = 1.0) -> timedelta:
    """Mastodon's (Sidekiq's) schedule: attempts⁴ + 15 + jitter seconds.

    The first retry comes within a minute; sixteen attempts span about three days.
    """
    jitter = random.randint(0, 9) * (attempts + 1)
    return timedelta(seconds=(attempts**4 + 15 + jitter) * scale)


@dataclass(frozen=True)
class RetryPolicy:
    """How often a job is tried (`max_attempts`) and how fast the backoff grows
    (`scale`, below 1 in tests)."""

    max_attempts: int
    scale: float = 1.0

    def after_failure(
        self, attempts: int, error: str, retry_after: str | None = None
    ) -> Outcome:
        """Retry on the backoff schedule (later if the peer's `Retry-After` asks),
        or give up after `max_attempts`."""
        if attempts >= self.max_attempts:
            return Outcome(
                "failed", error=f"gave up after {attempts} attempts: {error}"
            )
        delay = backoff_delay(attempts, self.scale)
        asked = _retry_after(retry_after)
        if asked is not None:
            delay = max(delay, asked)
        return Outcome("retry", error=error, retry_at=utcnow() + delay)


def _retry_after(value: str | None) -> timedelta | None:
    if not value:
        return None
    if value.strip().isdigit():
        return timedelta(seconds=min(int(value), 86_400))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(timedelta(0), min(when - utcnow(), timedelta(days=1)))
