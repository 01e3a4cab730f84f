"""Reports as ActivityPub `Flag`s, Mastodon's shape: sent by the instance actor (the
reporter stays anonymous) to the reported account's inbox, naming the account and
the reported posts in `object`, the comment in `content`."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.federation.context import Federation
from fedcity.federation.outbox.publish import Outgoing, builds
from fedcity.federation.render.common import render_activity
from fedcity.federation.vocab import Document, as_list, get_id
from fedcity.jobs.verbs import ReportRef, Verb
from fedcity.storage.models import Actor, Report
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import posts as post_q


@builds(Verb.FLAG)
async def build_flag(
    fed: Federation, session: AsyncSession, payload: ReportRef
) -> Outgoing | None:
    """Flag from the instance actor to the reported account's server."""
    report = await session.get(Report, payload.report_id)
    if report is None or report.uri is None:
        return None
    target = await session.get(Actor, report.target_id)
    instance_actor = await actor_q.get_actor_by_uri(session, fed.urls.instance_actor)
    if target is None or instance_actor is None or not target.inbox_uri:
        return None
    posts = await post_q.list_posts_by_ids(session, report.status_ids)
    flagged = [target.uri, *(posts[i].uri for i in report.status_ids if i in posts)]
    doc = render_activity("Flag", report.uri, instance_actor, flagged)
    doc["content"] = report.comment
    return Outgoing(instance_actor, doc, {target.inbox_uri})


def flagged_uris(activity: Document) -> list[str]:
    """The ids a Flag's `object` names (one, or a list of ids or objects)."""
    return [uri for item in as_list(activity.get("object")) if (uri := get_id(item))]
