"""A received `Article` that carries a library item (`libraryKind`): from a
Create or Update in the inbox (handlers.create), or from a subscribed instance's
outbox (backfill).

Its proof, when it has one, must verify (FEP-8b32), made by a key its origin's
server lists (fedcity signs with its instance actor's). Its document, read from
the wire (`wire.read_document`), must pass the same schema and rules as a local
one (services.library.validation). Either failing refuses the whole object: the
post is not stored (or not changed) and neither is the item, and one log line
says why, with the schema's reason (each field and what is wrong). The inbox job
itself succeeds: a refusal is an answer, not an error to retry.

An accepted item is stored with its post, whose content is rendered here from
the validated document (`rendering.item_html`, as a local item's), never the
sender's HTML; its searchable flag follows services.library.consent."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import DocumentInvalid
from fedcity.federation.context import Federation
from fedcity.federation.integrity.proofs import ProofError, ProofFailure, VerifiedProof
from fedcity.federation.integrity.remote import verify_remote
from fedcity.federation.jsonld.normalization import PUBLIC_ALIASES
from fedcity.federation.library import wire
from fedcity.federation.policy import parse_post_under
from fedcity.federation.vocab import ids_of
from fedcity.services.library import consent, items
from fedcity.services.library.rendering import hashtags_of, item_html
from fedcity.services.library.validation import validate_document
from fedcity.services.statuses import remote_posts
from fedcity.services.statuses.remote_posts import RemotePostData
from fedcity.storage.models import Actor, LibraryKind, Post
from fedcity.storage.queries import posts as post_q

log = logging.getLogger(__name__)


def carries_item(doc: Mapping[str, Any]) -> bool:
    """Whether an object is a library item's Article."""
    return wire.library_kind(doc) is not None


def author_consents(actor: Actor) -> bool:
    """Whether an author consents to be found: Mastodon's `indexable`, or
    `searchableBy` naming the public (Fedibird, Misskey forks)."""
    if actor.indexable:
        return True
    searchable_by = (actor.raw or {}).get("searchableBy")
    return any(i in PUBLIC_ALIASES for i in ids_of(searchable_by))


async def verify_origin_proof(
    fed: Federation, session: AsyncSession, doc: Mapping[str, Any]
) -> VerifiedProof:
    """Verify an object's proof made by a server for its own object: the key's
    actor (the instance actor, on fedcity) must list it in `assertionMethod` and
    be on the object's origin (`proofs.verify` checks the origins).

    Raises:
        ProofError: refused, with the reason.
    """
    proof = doc.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    method = proof.get("verificationMethod") if isinstance(proof, Mapping) else None
    if not isinstance(method, str):
        raise ProofError(ProofFailure.MISSING)
    return await verify_remote(fed, session, doc, owner=method.split("#", 1)[0])


async def accept_item(
    fed: Federation,
    session: AsyncSession,
    author: Actor,
    article: Mapping[str, Any],
    *,
    edit: bool,
) -> Post | None:
    """Store a remote item's Article (its authorship already checked): a new one,
    or with `edit` the author's new version of one held here. None when refused
    (logged), or when there is nothing to do (a Create seen before)."""
    kind = wire.library_kind(article)
    if kind is None:
        return None
    sent = wire.read_document(kind, article)
    try:
        if "proof" in article:
            await verify_origin_proof(fed, session, article)
        document = validate_document(kind, sent, default_license=None)
    except ProofError as exc:
        _refuse(article, author, f"integrity proof: {exc.detail}")
        return None
    except DocumentInvalid as exc:
        _refuse(article, author, "; ".join(p.line() for p in exc.problems))
        return None
    post = await _stored_post(fed, session, author, article, kind, document, edit)
    if post is None:
        return None
    item = await items.store_remote_item(
        session, post, author, kind, sent, author_indexable=author_consents(author)
    )
    consent.decide(item, post, author_consents=author_consents(author))
    log.info(
        "stored %s %s from %s (searchable: %s)",
        kind,
        post.uri,
        author.uri,
        item.indexable,
        extra={"object_id": post.uri, "actor": author.uri},
    )
    return post


async def _stored_post(
    fed: Federation,
    session: AsyncSession,
    author: Actor,
    article: Mapping[str, Any],
    kind: LibraryKind,
    document: Mapping[str, Any],
    edit: bool,
) -> Post | None:
    """The item's post, stored or (with `edit`) changed; None for a Create of a
    post already here (a replay never resurrects nor rewrites it)."""
    data = _post_data(fed, author, article, kind, document)
    post = await post_q.get_post_by_uri(session, data.uri)
    if post is None:
        return await remote_posts.store_remote_post(session, author, data)
    if not edit or post.deleted_at is not None:
        return None
    await remote_posts.update_remote_post(session, author, post, data)
    return post


def _post_data(
    fed: Federation,
    author: Actor,
    article: Mapping[str, Any],
    kind: LibraryKind,
    document: Mapping[str, Any],
) -> RemotePostData:
    """The post as parsed, its content the item rendered here from the validated
    document, and no content warning: an Article's `summary` is its summary."""
    data = parse_post_under(fed.policy.current, article, author)
    return dataclasses.replace(
        data,
        content=item_html(kind, document, data.url, fed.urls),
        spoiler_text="",
        tags=hashtags_of(document),
    )


def _refuse(article: Mapping[str, Any], author: Actor, reason: str) -> None:
    log.warning(
        "refused library item %s from %s: %s",
        article.get("id"),
        author.uri,
        reason,
        extra={"object_id": article.get("id"), "actor": author.uri},
    )


async def author_changed(session: AsyncSession, author: Actor) -> None:
    """An author's profile changed: their items that said nothing of `indexable`
    follow their consent again (it may have been withdrawn, or given)."""
    changed = await consent.author_consent_changed(
        session, author, consents=author_consents(author)
    )
    if changed:
        log.info("%s: %d library items changed searchability", author.uri, changed)
