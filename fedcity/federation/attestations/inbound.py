"""Attestations arriving in the inbox: a `Create` of one for a local account, and
the issuer's `Delete` of one held here.

A received attestation is accepted only when its issuer is trusted here and in
scope, its proof verifies with the issuer's `assertionMethod` key (the copy came
embedded, not from the issuer's origin), and its subject is a local account:
then the account lists it and its followers hear an `Update`. A refused one is
kept with its reason for admins and listed nowhere.
"""

from __future__ import annotations

import logging

from fedcity.federation.attestations import checker, schedule
from fedcity.federation.attestations.checks import ATTESTATION_TYPES
from fedcity.federation.dispatch import Inbound, handles
from fedcity.federation.vocab import get_id
from fedcity.jobs.kinds import JobKind
from fedcity.services.offices import received
from fedcity.storage.queries import actors as actor_q

log = logging.getLogger(__name__)


@handles("Create", *sorted(ATTESTATION_TYPES))
async def on_create_attestation(inbound: Inbound) -> None:
    doc = inbound.resolved
    session = inbound.session
    subject = await actor_q.get_actor_by_uri(session, get_id(doc.get("subject")) or "")
    if subject is None or not subject.is_local or subject.deleted_at is not None:
        # Another instance's account: its own instance decides whether it lists
        # it; this one checks it when it reads that actor.
        log.info("attestation %s is not for an account here", doc.get("id"))
        return
    listed = frozenset({str(doc.get("id"))})
    ctx = checker.context(inbound.fed, subject.uri, listed, from_issuer=False)
    row = await checker.record_checked(inbound.fed, session, subject, doc, ctx)
    if row is None or row.check_status != received.VERIFIED:
        log.warning(
            "refused attestation %s of %s from %s: %s",
            doc.get("id"),
            subject.uri,
            inbound.actor.uri,
            "invalid_document" if row is None else row.reason,
        )
        return
    await received.publish_summary(session, subject, inbound.fed.settings.instance.name)
    # Checked again daily from its issuer, like every remote attestation held.
    await schedule.schedule_daily(session, JobKind.RECHECK_ATTESTATIONS)


async def on_delete_attestation(inbound: Inbound, object_id: str) -> bool:
    """The issuer revoked an attestation held here: it stops showing at once. False
    when `object_id` is no attestation of this actor held here."""
    subject = await received.revoke_received(
        inbound.session, object_id, inbound.actor.uri
    )
    if subject is None:
        return False
    await received.publish_summary(
        inbound.session, subject, inbound.fed.settings.instance.name
    )
    return True
