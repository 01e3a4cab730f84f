"""Changes to a local actor that its followers' servers must hear about."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.federation.context import Federation
from fedcity.federation.outbox.publish import Outgoing, builds
from fedcity.federation.render.actors import render_actor
from fedcity.federation.render.common import render_activity
from fedcity.federation.vocab import AS_PUBLIC
from fedcity.jobs.verbs import ActorRef, Verb
from fedcity.storage.models import Actor, OutboxActivity
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.types import utcnow


@builds(Verb.UPDATE_ACTOR)
async def build_update_actor(
    fed: Federation, session: AsyncSession, payload: ActorRef
) -> Outgoing | None:
    """Update{Person | Group} with the profile as it is now, to the followers;
    nothing once the actor is deleted."""
    actor = await session.get(Actor, payload.actor_id)
    if actor is None or actor.deleted_at is not None:
        return None
    doc = render_actor(actor, fed.urls)
    # The actor's @context (with fedcity's, for `capacity` and `attestations`)
    # becomes the activity's.
    context = doc.pop("@context", None)
    # Milliseconds: a profile may change twice within a second (an attestation
    # accepted, then a rename), and each state needs its own activity id.
    stamp = int((actor.updated_at or utcnow()).timestamp() * 1000)
    update_id = f"{actor.uri}#updates/{stamp}"
    if await session.scalar(
        select(OutboxActivity.id).where(OutboxActivity.uri == update_id)
    ):
        # Two changes within one second, both jobs run after the second: the
        # first already sent the profile as it is now.
        return None
    update = render_activity(
        "Update",
        update_id,
        actor,
        doc,
        [AS_PUBLIC],
        [actor.followers_uri or ""],
    )
    if context is not None:
        update["@context"] = context
    return Outgoing(
        actor, update, set(await actor_q.list_follower_inboxes(session, actor.id))
    )


@builds(Verb.DELETE_ACTOR)
async def build_delete_actor(
    fed: Federation, session: AsyncSession, payload: ActorRef
) -> Outgoing | None:
    """Delete{actor} to every server known here when a local account is
    suspended, as Mastodon sends an account's Delete to all known inboxes: its
    followers' servers drop its posts and follows, the others what they fetched
    or were shown of it. Each inbox is a durable delivery. Nothing if it was
    unsuspended before the job ran."""
    actor = await session.get(Actor, payload.actor_id)
    if actor is None or actor.suspended_at is None:
        return None
    stamp = int(actor.suspended_at.timestamp())
    delete = render_activity(
        "Delete", f"{actor.uri}#delete/{stamp}", actor, actor.uri, [AS_PUBLIC]
    )
    return Outgoing(actor, delete, set(await actor_q.list_known_inboxes(session)))
