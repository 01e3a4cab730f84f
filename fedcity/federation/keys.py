"""Public keys of remote actors: an in-memory cache in front of the actors table,
and the rule for refetching one whose signature failed (the actor may have rotated
its key): at most once per key id per `[federation] key_refetch_minutes`, with
concurrent requests sharing that one fetch. Without the limit, every request with a
bad signature would make fedcity fetch the key's origin again, so anyone could use
fedcity to hammer a third server."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from fedcity.federation.signatures.keys import PublicKey, load_public_key

if TYPE_CHECKING:
    from fedcity.storage.models import Actor

MAX_CACHED_KEYS = 20_000
_V = TypeVar("_V")


@dataclass(frozen=True)
class KnownKey:
    owner: str
    key: PublicKey


class KeyCache:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._keys: OrderedDict[str, KnownKey] = OrderedDict()
        # When each key id was last refetched (oldest first), and refetches running.
        self._refetched: OrderedDict[str, float] = OrderedDict()
        self._running: dict[str, asyncio.Future[KnownKey]] = {}
        self.clock = clock  # tests move time forward

    def get(self, key_id: str) -> KnownKey | None:
        found = self._keys.get(key_id)
        if found is not None:
            self._keys.move_to_end(key_id)
        return found

    def remember(self, actor: Actor) -> KnownKey | None:
        if not actor.key_id or not actor.public_key_pem:
            return None
        known = KnownKey(actor.uri, load_public_key(actor.public_key_pem))
        _put(self._keys, actor.key_id, known)
        return known

    def forget(self, key_id: str) -> None:
        self._keys.pop(key_id, None)

    def refetch(
        self,
        key_id: str,
        fetch: Callable[[], Awaitable[KnownKey]],
        *,
        every_seconds: float,
    ) -> Awaitable[KnownKey] | None:
        """The refetch of `key_id`: started with `fetch`, or joined when one is
        running; None when it was refetched less than `every_seconds` ago."""
        running = self._running.get(key_id)
        if running is not None:
            return asyncio.shield(running)
        now = self.clock()
        last = self._refetched.get(key_id)
        if last is not None and now - last < every_seconds:
            return None
        _put(self._refetched, key_id, now)
        task = asyncio.ensure_future(fetch())
        self._running[key_id] = task
        task.add_done_callback(lambda _: self._running.pop(key_id, None))
        # Shielded: a request that goes away does not cancel the others' fetch.
        return asyncio.shield(task)


def _put(entries: OrderedDict[str, _V], key: str, value: _V) -> None:
    """Store as the newest entry, dropping the oldest beyond MAX_CACHED_KEYS."""
    entries[key] = value
    entries.move_to_end(key)
    while len(entries) > MAX_CACHED_KEYS:
        entries.popitem(last=False)
