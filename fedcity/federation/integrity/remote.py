"""Verifying other servers' integrity proofs: the verification method named by a
proof is resolved to the FEP-521a `Multikey` its actor lists in `assertionMethod`
(through the actor cache, `federation.actors.get_or_fetch_actor`), and that actor
must be the owner of the signed document."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import FedcityError
from fedcity.federation.actors import get_or_fetch_actor
from fedcity.federation.context import Federation
from fedcity.federation.integrity.multikey import MultikeyError, decode_public_key
from fedcity.federation.integrity.proofs import (
    ProofError,
    ProofFailure,
    VerifiedProof,
    owner_of,
    verify,
)
from fedcity.federation.vocab import as_list, get_id, is_http_url, same_origin

SEC: Final = "https://w3id.org/security#"
# A document that went through JSON-LD compaction (`jsonld.normalize`) may carry
# the security terms as compact or full IRIs: read those spellings too.
_SPELLINGS: Final = {
    name: (name, f"sec:{name}", SEC + name)
    for name in ("assertionMethod", "controller", "publicKeyMultibase", "expires")
}


@dataclass(frozen=True)
class ResolvedKey:
    """A verification method: its id, the actor that lists it, its public key."""

    key_id: str
    controller: str
    public_key: Ed25519PublicKey


async def resolve_assertion_key(
    fed: Federation,
    session: AsyncSession,
    verification_method: str,
    *,
    refresh: bool = False,
) -> ResolvedKey:
    """The Ed25519 Multikey `verification_method` names (`<actor>#<fragment>`),
    as its actor lists it in `assertionMethod` with itself as `controller`.

    The actor comes from the cache, fetched when unknown or stale, or always
    with `refresh` (after a key rotation). This instance's own key is answered
    without a fetch.

    Raises:
        ProofError (KEY_UNAVAILABLE): not a URL, the actor can't be fetched, or
            it lists no such current Ed25519 Multikey.
    """
    own = fed.assertion_key
    if verification_method == own.key_id:
        return ResolvedKey(own.key_id, own.controller, own.public_key)
    if not is_http_url(verification_method):
        raise _unavailable(verification_method, "not an http(s) URL")
    actor_uri = verification_method.split("#", 1)[0]
    if same_origin(actor_uri, fed.urls.base):
        raise _unavailable(verification_method, "no such local key")
    try:
        actor = await get_or_fetch_actor(fed, session, actor_uri, refresh=refresh)
    except FedcityError as exc:
        raise _unavailable(verification_method, str(exc)) from exc
    if actor.deleted_at is not None or actor.uri != actor_uri:
        raise _unavailable(verification_method, "the actor is gone")
    key = find_multikey(actor.raw or {}, verification_method, actor.uri)
    if key is None:
        raise _unavailable(verification_method, "not in the actor's assertionMethod")
    return ResolvedKey(verification_method, actor.uri, key)


def find_multikey(
    actor_doc: Mapping[str, Any],
    key_id: str,
    controller: str,
    *,
    now: datetime | None = None,
) -> Ed25519PublicKey | None:
    """The Ed25519 key with id `key_id` in the actor document's `assertionMethod`
    whose `controller` is `controller`; None if absent, expired or revoked."""
    for entry in as_list(_get(actor_doc, "assertionMethod")):
        if not isinstance(entry, Mapping) or entry.get("id") != key_id:
            continue
        if "Multikey" not in {
            str(t).removeprefix("sec:") for t in as_list(entry.get("type"))
        }:
            continue
        if get_id(_get(entry, "controller")) != controller or "revoked" in entry:
            continue
        if _expired(_get(entry, "expires"), now or datetime.now(UTC)):
            continue
        value = _get(entry, "publicKeyMultibase")
        if isinstance(value, Mapping):
            value = value.get("@value")
        if not isinstance(value, str):
            continue
        try:
            return decode_public_key(value)
        except MultikeyError:
            continue
    return None


async def verify_remote(
    fed: Federation,
    session: AsyncSession,
    document: Mapping[str, Any],
    *,
    owner: str | None = None,
    refresh: bool = False,
    now: datetime | None = None,
) -> VerifiedProof:
    """Verify `document`'s proof (`proofs.verify`) with the key its
    `verificationMethod` resolves to, which the document's owner (`owner`, else
    `proofs.owner_of(document)`) must list itself. `document` is JSON as served
    (`fetch.fetch_document_as_served`), not normalised.

    Raises:
        ProofError: refused, with the reason (KEY_UNAVAILABLE when the key
            can't be resolved, FOREIGN_KEY when another actor lists it).
    """
    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    method = proof.get("verificationMethod") if isinstance(proof, Mapping) else None
    if not isinstance(method, str):
        raise ProofError(ProofFailure.MISSING)
    expected = owner or owner_of(document)
    key = await resolve_assertion_key(fed, session, method, refresh=refresh)
    if key.controller != expected:
        raise ProofError(
            ProofFailure.FOREIGN_KEY, detail=f"{method} is not {expected}'s"
        )
    return verify(document, key.public_key, owner=expected, now=now)


def _get(node: Mapping[str, Any], name: str) -> Any:
    for spelling in _SPELLINGS[name]:
        if spelling in node:
            return node[spelling]
    return None


def _expired(value: object, now: datetime) -> bool:
    if isinstance(value, Mapping):
        value = value.get("@value")
    if not isinstance(value, str):
        return value is not None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return True
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) <= now


def _unavailable(key_id: str, why: str) -> ProofError:
    return ProofError(ProofFailure.KEY_UNAVAILABLE, detail=f"{key_id}: {why}")
