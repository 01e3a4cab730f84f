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
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.domains import is_blocked
from fedcity.errors import (
    BadRequest,
    FedcityError,
    Forbidden,
    SignatureError,
    Unauthorized,
)
from fedcity.federation.actors import lookup_key
from fedcity.federation.context import Federation
from fedcity.federation.jsonld.normalization import normalize
from fedcity.federation.keys import KnownKey
from fedcity.federation.signatures.common import SignatureInfo
from fedcity.federation.signatures.verify import parse_signature, verify_signature
from fedcity.federation.vocab import Document, get_id, get_type, origin_of
from fedcity.jobs.kinds import JobKind
from fedcity.jobs.queue import NewJob, enqueue_many
from fedcity.storage.db import Database
from fedcity.storage.grouped import GroupWriter

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
    if actor is not None and is_blocked(actor, fed.settings.federation.blocked_domains):
        # Dropped before any key is fetched from there; 202 all the same (Takahē, GTS).
        log.info("dropped %s from blocked domain %s", get_type(doc), actor)
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


def _decode(body: bytes) -> Document:
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise BadRequest("body is not JSON") from None
    if not isinstance(doc, dict) or not get_type(doc):
        raise BadRequest("body is not an ActivityStreams activity")
    return doc


async def verify_request(
    fed: Federation, info: SignatureInfo, request: InboundRequest
) -> str:
    """The URI of the signing key's owner; the key is refetched once if it fails
    (the actor may have rotated it). Serves signed GETs (authorized fetch) too."""
    scheme = fed.settings.instance.scheme
    for refresh in (False, True):
        # A cached key needs no database session: opening one per request costs
        # more than the RSA verification itself on a busy inbox.
        known = None if refresh else fed.keys.get(info.key_id)
        if known is None:
            known = await _lookup_key(fed, info.key_id, refresh=refresh)
        try:
            verify_signature(
                info,
                request.method,
                request.path_qs,
                request.headers,
                request.body,
                known.key,
                authority=request.host,
                scheme=scheme,
            )
        except SignatureError:
            if refresh:
                raise
            continue
        return known.owner
    raise SignatureError()  # unreachable: the loop returns or raises


async def _lookup_key(fed: Federation, key_id: str, *, refresh: bool) -> KnownKey:
    async with fed.db.session() as session:
        try:
            return await lookup_key(fed, session, key_id, refresh=refresh)
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
