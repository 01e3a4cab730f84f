"""Public keys of remote actors: an in-memory cache in front of the actors table,
fetched from the key's origin when unknown and refetched once when a signature fails
(the actor may have rotated its key)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fedcity.federation.signatures.keys import PublicKey, load_public_key

if TYPE_CHECKING:
    from fedcity.storage.models import Actor

MAX_CACHED_KEYS = 20_000


@dataclass(frozen=True)
class KnownKey:
    owner: str
    key: PublicKey


class KeyCache:
    def __init__(self) -> None:
        self._keys: OrderedDict[str, KnownKey] = OrderedDict()

    def get(self, key_id: str) -> KnownKey | None:
        found = self._keys.get(key_id)
        if found is not None:
            self._keys.move_to_end(key_id)
        return found

    def remember(self, actor: Actor) -> KnownKey | None:
        if not actor.key_id or not actor.public_key_pem:
            return None
        known = KnownKey(actor.uri, load_public_key(actor.public_key_pem))
        self._keys[actor.key_id] = known
        self._keys.move_to_end(actor.key_id)
        while len(self._keys) > MAX_CACHED_KEYS:
            self._keys.popitem(last=False)
        return known

    def forget(self, key_id: str) -> None:
        self._keys.pop(key_id, None)
