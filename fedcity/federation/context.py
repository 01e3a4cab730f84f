"""What the federation layer needs at hand: settings, database, transport, keys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fedcity.config import Settings
from fedcity.federation.integrity.keys import AssertionKey
from fedcity.federation.keys import KeyCache
from fedcity.federation.policy import PolicyHolder
from fedcity.federation.signatures.keys import PrivateKey
from fedcity.federation.transport import HttpTransport
from fedcity.federation.vocab import origin_of
from fedcity.storage.db import Database
from fedcity.urls import Urls


@dataclass(frozen=True)
class SigningKey:
    key_id: str
    private_key: PrivateKey


@dataclass
class Federation:
    settings: Settings
    urls: Urls
    db: Database
    transport: HttpTransport
    instance_key: SigningKey
    # The instance actor's Ed25519 key for integrity proofs (FEP-8b32, FEP-521a).
    assertion_key: AssertionKey
    # Who this instance federates with, kept fresh per process (federation.policy).
    policy: PolicyHolder
    keys: KeyCache = field(default_factory=KeyCache)
    wake_worker: Callable[[], None] = lambda: None
    # Origins marked unavailable; an inbound activity from one releases its deliveries.
    unavailable_origins: set[str] = field(default_factory=set)
    # Activities being fanned out, read and key-loaded once (see federation.delivery).
    prepared_activities: dict[int, Any] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return origin_of(self.urls.base)
