"""Local signing keys for integrity proofs: the instance actor's Ed25519 key pair,
kept in `instance_keys` as "ed25519" and published on the instance actor as the
FEP-521a Multikey `<actor>#ed25519-key` in `assertionMethod`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.federation.integrity.multikey import encode_public_key, multikey_document
from fedcity.federation.integrity.proofs import ASSERTION_METHOD, sign
from fedcity.services.instance.keys import ensure_instance_key
from fedcity.urls import Urls

INSTANCE_KEY_NAME: Final = "ed25519"


@dataclass(frozen=True)
class AssertionKey:
    """A local actor's Ed25519 key for integrity proofs, and its Multikey id."""

    key_id: str
    controller: str
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def public_key_multibase(self) -> str:
        return encode_public_key(self.public_key)

    def multikey(self) -> dict[str, str]:
        """The FEP-521a `Multikey` object for the actor's `assertionMethod`."""
        return multikey_document(self.key_id, self.controller, self.public_key)

    def sign(
        self,
        document: Mapping[str, Any],
        *,
        created: datetime | str | None = None,
        proof_purpose: str = ASSERTION_METHOD,
    ) -> dict[str, Any]:
        """`document` with an eddsa-jcs-2022 proof made with this key
        (`proofs.sign`)."""
        return sign(
            document,
            self.private_key,
            self.key_id,
            created=created,
            proof_purpose=proof_purpose,
        )


def generate_ed25519_key() -> tuple[str, str]:
    """A new Ed25519 key pair: (PKCS#8 private PEM, `publicKeyMultibase`)."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return private.decode("ascii"), encode_public_key(key.public_key())


def load_ed25519_private_key(pem: str) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"the instance key {INSTANCE_KEY_NAME!r} is not Ed25519")
    return key


async def ensure_instance_assertion_key(
    session: AsyncSession, urls: Urls
) -> AssertionKey:
    """The instance actor's proof key, made on first start and kept in the
    database so that every `serve` and `worker` process signs with the same one."""
    row = await ensure_instance_key(session, INSTANCE_KEY_NAME, generate_ed25519_key)
    return AssertionKey(
        key_id=urls.instance_assertion_key_id,
        controller=urls.instance_actor,
        private_key=load_ed25519_private_key(row.private_key_pem),
    )
