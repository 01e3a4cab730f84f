"""Mastodon's admin entities: Admin::Account and Admin::Report (the AccountWarning
an account is shown is in `statuses`, with notifications). Shared by the admin
endpoints of accounts, reports and sign-up approvals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.api.entities.accounts import serialize_role
from fedcity.api.entities.formats import Entity, timestamp
from fedcity.api.entities.statuses import (
    load_batch,
    serialize_account,
    serialize_status,
)
from fedcity.services.instance.texts import Rule
from fedcity.services.moderation import report_queue
from fedcity.storage.models import Actor, Report, User
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import posts as post_q
from fedcity.urls import Urls


def serialize_admin_account(actor: Actor, user: User | None, urls: Urls) -> Entity:
    """Admin::Account: the account with what only moderators see (its login
    side, for a local account: address, sign-up address and reason, whether it
    is confirmed and approved; a remote account has none)."""
    ip = user.sign_up_ip if user is not None else None
    return {
        "id": str(actor.id),
        "username": actor.username,
        "domain": actor.domain,
        "created_at": timestamp(actor.published_at or actor.created_at),
        "email": (user.email or "") if user is not None else "",
        "ip": ip,
        "ips": []
        if ip is None
        else [{"ip": ip, "used_at": timestamp(user.created_at if user else None)}],
        "locale": (user.locale or "") if user is not None else "",
        "invite_request": user.sign_up_reason if user is not None else None,
        "role": serialize_role(user.role if user is not None else "user"),
        "confirmed": user is not None and user.confirmed_at is not None,
        "approved": user is None or user.approved,
        "disabled": user is not None and user.disabled,
        "silenced": actor.silenced_at is not None,
        "suspended": actor.suspended_at is not None,
        "sensitized": actor.sensitized_at is not None,
        "account": serialize_account(actor, urls),
        "created_by_application_id": None,
        "invited_by_account_id": None,
    }


def serialize_admin_report(
    report: Report,
    actors: Mapping[int, Actor],
    users: Mapping[int, User],
    statuses: Sequence[Entity],
    rules: Sequence[Rule],
    urls: Urls,
) -> Entity:
    """Admin::Report; `actors` and `users` hold every account it names."""

    def admin_account(actor_id: int | None) -> Entity | None:
        actor = actors.get(actor_id) if actor_id is not None else None
        return (
            None
            if actor is None
            else serialize_admin_account(actor, users.get(actor.id), urls)
        )

    cited = set(report.rule_ids or ())
    return {
        "id": str(report.id),
        "action_taken": report.action_taken_at is not None,
        "action_taken_at": timestamp(report.action_taken_at),
        "category": report.category,
        "comment": report.comment,
        "forwarded": report.forwarded,
        "created_at": timestamp(report.created_at),
        "updated_at": timestamp(report.updated_at or report.created_at),
        "account": admin_account(report.actor_id),
        "target_account": admin_account(report.target_id),
        "assigned_account": admin_account(report.assigned_account_id),
        "action_taken_by_account": admin_account(report.action_taken_by_account_id),
        "statuses": list(statuses),
        "rules": [
            {"id": rule.id, "text": rule.text, "hint": rule.hint}
            for rule in rules
            if rule.id in cited
        ],
    }


async def admin_account_entity(
    session: AsyncSession, actor: Actor, urls: Urls
) -> Entity:
    """Admin::Account of one account, its login side loaded."""
    user = await actor_q.get_user_by_actor_id(session, actor.id)
    return serialize_admin_account(actor, user, urls)


async def serialize_admin_reports(
    session: AsyncSession,
    reports: Sequence[Report],
    viewer: Actor,
    rules: Sequence[Rule],
    urls: Urls,
) -> list[Entity]:
    """Admin::Reports, with every account and status they name loaded at once."""
    actors = await report_queue.actors_of(session, reports)
    users = await actor_q.list_users_by_actor_ids(session, list(actors))
    posts = await post_q.list_posts_by_ids(
        session, [i for r in reports for i in r.status_ids]
    )
    shown = {r.id: [posts[i] for i in r.status_ids if i in posts] for r in reports}
    batch = await load_batch(session, [p for ps in shown.values() for p in ps], viewer)
    return [
        serialize_admin_report(
            report,
            actors,
            users,
            [serialize_status(p, batch, urls, viewer) for p in shown[report.id]],
            rules,
            urls,
        )
        for report in reports
    ]
