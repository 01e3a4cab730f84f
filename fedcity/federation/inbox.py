"""Receiving activities: verify the signature, check who may say what, store, 202.

All checks that need no database write happen here, before anything is stored; the
activity is then written durably (grouped with other requests arriving at the same
time, one transaction per group) and applied later by the worker.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import (
    BadRequest,
    FedcityError,
    Forbidden,
    SignatureError,
    Unauthorized,
)
from fedcity.federation.actors import fetch_key, stored_key
from fedcity.federation.context import Federation
from fedcity.federation.jsonld.normalization import normalize
from fedcity.federation.keys import KnownKey
from fedcity.federation.signatures.common import SignatureInfo
from fedcity.federation.signatures.verify import (
    parse_signature,
    signed_message,
    verify_key,
)
from fedcity.federation.vocab import Document, get_id, get_type, origin_of
from fedcity.jobs.kinds import JobKind
from fedcity.jobs.queue import NewJob, enqueue_many
from fedcity.storage.db import Database
from fedcity.storage.grouped import GroupWriter
from fedcity.storage.queries import actors as actor_q

log = logging.getLogger(__name__)

# Activities whose object must live where the actor lives: nobody creates, edits or
# deletes on another server's behalf.
ORIGIN_BOUND = frozenset({"Create", "Update", "Delete"})


@dataclass(frozen=True)
class InboundRequest:
    method: str
    path_qs: str
    headers: Mapping[str, str]
    body: bytes
    host: str
    recipient: str | None  # the personal inbox's owner, None for the shared inbox


async def receive(
    fed: Federation, writer: InboxWriter, request: InboundRequest
) -> bool:
    """Verify and store one inbound activity; False if it was a duplicate."""
    info = parse_signature(request.method, request.path_qs, request.headers)
    doc = _decode(request.body)
    actor = get_id(doc.get("actor"))
    if actor is not None and refused_by_policy(fed, actor, info.key_id):
        # Suspended: dropped before any key is fetched from there; 202 all the
        # same (Takahē, GTS). Not allowed in allowlist mode: refused with 403.
        log.info("dropped %s from blocked domain %s", get_type(doc), actor)
        return False
    if actor is not None and await _delete_changing_nothing(fed, info, doc, actor):
        log.info("dropped Delete from %s: nothing of it here, no key held", actor)
        return False
    signer = await verify_request(fed, info, request)
    if actor is None:
        raise BadRequest("activity has no actor")
    origin = origin_of(actor)  # parsed once: URL parsing adds up at this rate
    _check_signer(signer, actor, origin)
    doc = normalize(doc)
    check_origins(doc, origin)
    key = doc.get("id") if isinstance(doc.get("id"), str) else None
    dedupe = key or "sha256:" + hashlib.sha256(request.body).hexdigest()
    return await writer.submit(
        NewJob(
            kind=JobKind.INBOX,
            payload={"activity": doc, "signer": signer, "recipient": request.recipient},
            dedupe_key=f"inbox:{dedupe}",
            host=origin,
        )
    )


def refused_by_policy(fed: Federation, actor: str, key_id: str) -> bool:
    """True for an activity to drop silently (a suspended domain, as Mastodon
    does); raises for one from a domain this allowlist-mode instance does not
    federate with, judged by the actor and by the signing key's host.

    Raises:
        Forbidden: not on the allow list.
    """
    policy = fed.policy.current
    if policy.suspends(actor):
        return True
    policy.check(actor)
    policy.check(key_id)
    return False


def _decode(body: bytes) -> Document:
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise BadRequest("body is not JSON") from None
    if not isinstance(doc, dict):
        raise BadRequest("body is not an ActivityStreams activity")
    # A list of types (["Create", "Delete"]) names no one activity to apply: refused
    # with its reason rather than read as its first type.
    if isinstance(doc.get("type"), list):
        raise BadRequest("activity type must be one type, not a list")
    if not get_type(doc):
        raise BadRequest("activity has no type")
    return doc


async def _delete_changing_nothing(
    fed: Federation, info: SignatureInfo, doc: Document, actor: str
) -> bool:
    """A Delete that can change nothing here and would cost a fetch to verify: from
    an actor never seen here (or already deleted), or of an actor by itself signed
    with a key not held here (its document already answers 410). A server deleting
    an account sends the Delete to every server it knows; Mastodon acknowledges
    these without fetching anything (InboxesController#skip_unknown_actor_activity).
    """
    if get_type(doc) != "Delete":
        return False
    cached = fed.keys.get(info.key_id)
    if cached is not None and cached.owner == actor:
        return False  # a known, live actor signing with its own key
    async with fed.db.session() as session:
        row = await actor_q.get_actor_by_uri(session, actor)
        if row is None or row.deleted_at is not None:
            return True
        if get_id(doc.get("object")) != actor:
            return False
        return await stored_key(fed, session, info.key_id) is None


async def verify_request(
    fed: Federation, info: SignatureInfo, request: InboundRequest
) -> str:
    """The URI of the signing key's owner. Serves signed GETs (authorized fetch) too.

    What no key can change (coverage, Digest, Date, signed headers) is checked
    before the key is looked up, so such a failure fetches nothing. A key found
    here that fails is refetched, at most once per key id per
    `key_refetch_minutes` (the actor may have rotated it); a key fetched for this
    very request is not fetched again.

    Raises:
        SignatureError: a check failed, or the key could not be fetched.
    """
    message = signed_message(
        info,
        request.method,
        request.path_qs,
        request.headers,
        request.body,
        authority=request.host,
        scheme=fed.settings.instance.scheme,
    )
    # A cached key needs no database session: opening one per request costs
    # more than the RSA verification itself on a busy inbox.
    known = fed.keys.get(info.key_id)
    if known is None:
        known, fetched = await _key_for(fed, info.key_id)
        if fetched:  # fresh from its origin: a refetch would bring the same key
            verify_key(info, message, known.key)
            return known.owner
    try:
        verify_key(info, message, known.key)
    except SignatureError:
        newer = await _newer_key(fed, info.key_id, known)
        if newer is None:
            raise
        verify_key(info, message, newer.key)
        known = newer
    return known.owner


async def _key_for(fed: Federation, key_id: str) -> tuple[KnownKey, bool]:
    """The key as stored here, else fetched; and whether it was fetched."""
    try:
        return await _stored_or_fetched(fed, key_id)
    except IntegrityError:
        # A job or another request stored the key's owner between this one's read
        # and its insert (the first activities of a new peer arrive together): it
        # is known now, so a second look finds it.
        return await _stored_or_fetched(fed, key_id)


async def _stored_or_fetched(fed: Federation, key_id: str) -> tuple[KnownKey, bool]:
    async with fed.db.session() as session:
        stored = await stored_key(fed, session, key_id)
        if stored is not None:
            return stored, False
        return await _fetch_key(fed, session, key_id), True


async def _newer_key(fed: Federation, key_id: str, tried: KnownKey) -> KnownKey | None:
    """Another key than `tried`: one a concurrent request already brought, else a
    refetch (started, or joined if running); None when the refetch limit says no."""
    current = fed.keys.get(key_id)
    if current is not None and current.key is not tried.key:
        return current
    every = fed.settings.federation.key_refetch_minutes * 60

    async def refetch() -> KnownKey:
        async with fed.db.session() as session:
            return await _fetch_key(fed, session, key_id)

    pending = fed.keys.refetch(key_id, refetch, every_seconds=every)
    return None if pending is None else await pending


async def _fetch_key(fed: Federation, session: AsyncSession, key_id: str) -> KnownKey:
    try:
        return await fetch_key(fed, session, key_id)
    except FedcityError as exc:
        raise SignatureError(
            "the signing key could not be fetched", detail=str(exc)
        ) from exc


def _check_signer(signer: str, actor: str, actor_origin: str) -> None:
    # A key vouches for its own actor; an instance-level key (same origin) may relay
    # for the actors of its server, as Mastodon's instance actor does.
    if signer != actor and origin_of(signer) != actor_origin:
        raise Unauthorized("the signing key does not belong to the activity's actor")


def check_origins(doc: Mapping[str, Any], actor_origin: str) -> None:
    """The activity, and the object it creates, edits or deletes, must live on the
    actor's origin (`origin_of(actor)`)."""
    activity_id = doc.get("id")
    if isinstance(activity_id, str) and origin_of(activity_id) != actor_origin:
        raise Forbidden("the activity's id is not on its actor's origin")
    if get_type(doc) not in ORIGIN_BOUND:
        return
    object_id = get_id(doc.get("object"))
    if object_id is None:
        raise BadRequest("the activity has no object")
    if origin_of(object_id) != actor_origin:
        raise Forbidden("the object is not on its actor's origin")


class InboxWriter:
    """Stores inbound activities by group commit (`storage.grouped`): a request
    waits until its row is committed (durable before the 202), one transaction
    per group of requests arriving together."""

    def __init__(
        self, db: Database, on_stored: Callable[[], None], max_group: int = 500
    ) -> None:
        self._on_stored = on_stored
        self._writer: GroupWriter[NewJob, bool] = GroupWriter(
            db, self._write, max_group
        )

    async def submit(self, job: NewJob) -> bool:
        """Store `job` unless its dedupe key is known; True if it was new."""
        is_new = await self._writer.submit(job)
        if is_new:
            self._on_stored()  # committed: the worker will find it
        return is_new

    async def _write(self, session: AsyncSession, group: list[NewJob]) -> list[bool]:
        new_keys = await enqueue_many(session, _first_of_each(group))
        seen: set[str | None] = set()
        is_new = []
        for job in group:
            is_new.append(job.dedupe_key in new_keys and job.dedupe_key not in seen)
            seen.add(job.dedupe_key)
        return is_new

    async def close(self) -> None:
        await self._writer.close()


def _first_of_each(group: list[NewJob]) -> list[NewJob]:
    unique: dict[str | None, NewJob] = {}
    for job in group:
        unique.setdefault(job.dedupe_key, job)
    return list(unique.values())
