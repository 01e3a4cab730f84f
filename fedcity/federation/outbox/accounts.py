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
from fedcity.storage.queries import offices as offices_q
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
    inboxes = set(await actor_q.list_follower_inboxes(session, actor.id))
    cc = [actor.followers_uri or ""]
    instance = await _instance_audience(fed, session, actor)
    if instance is not None:
        cc.append(f"{instance.uri}/followers")
        inboxes.update(await actor_q.list_follower_inboxes(session, instance.id))
    update = render_activity("Update", update_id, actor, doc, [AS_PUBLIC], cc)
    if context is not None:
        update["@context"] = context
    return Outgoing(actor, update, inboxes)


async def _instance_audience(
    fed: Federation, session: AsyncSession, actor: Actor
) -> Actor | None:
    """The instance actor, when the Update of `actor` also goes to its followers:
    `actor` holds or held an attestation, so that the instances following this
    one's actor (a league, its member cities) check its offices again at once,
    whether one was attested, revoked, received or dropped."""
    if actor.uri == fed.urls.instance_actor:
        return None
    if not await offices_q.ever_attested(session, actor.id):
        return None
    return await actor_q.get_actor_by_uri(session, fed.urls.instance_actor)


@builds(Verb.DELETE_ACTOR)
async def build_delete_actor(
    fed: Federation, session: AsyncSession, payload: ActorRef
) -> Outgoing | None:
    """Delete{actor} to every server known here when a local account is
    suspended, as Mastodon sends an account's Delete to all known inboxes: its
    followers' servers drop its posts and follows, the others what they fetched
    or were shown of it. Each inbox is a durable delivery. Nothing if it was
    unsuspended before the job ran. A deleted group goes the same way."""
    actor = await session.get(Actor, payload.actor_id)
    gone_at = None if actor is None else actor.suspended_at or actor.deleted_at
    if actor is None or gone_at is None:
        return None
    stamp = int(gone_at.timestamp())
    delete = render_activity(
        "Delete", f"{actor.uri}#delete/{stamp}", actor, actor.uri, [AS_PUBLIC]
    )
    return Outgoing(actor, delete, set(await actor_q.list_known_inboxes(session)))
