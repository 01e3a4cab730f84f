"""What moderators do to accounts (Mastodon's admin account actions): `none` (a
warning only), `sensitive`, `disable`, `silence` and `suspend`, and their undoing.
Each is logged in the admin action log; a warning (`AccountWarning`) records what
the account is told, and a local account is notified of it (`moderation_warning`).

- suspend, local: the account can no longer sign in or use its tokens, its actor
  answers 410 and a `Delete` of the actor goes to every server known here
  (Mastodon's `Account.inboxes`), which drop its posts. Unsuspending restores it here and sends an `Update` of the actor.
- suspend, remote: its posts are withdrawn and its follows severed here, and what
  it sends is no longer applied.
- silence: its posts are kept out of public timelines (but for its followers) and
  it is left out of the directory. sensitive: its media are shown as sensitive.
- disable: a local account can no longer sign in; its tokens and sessions end.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound, Unprocessable
from fedcity.jobs.verbs import ActorRef, Verb, enqueue_federate
from fedcity.services.accounts.remote_actors import remove_content
from fedcity.services.moderation import action_log, report_queue
from fedcity.services.notifications.notify import notify_moderation_warning
from fedcity.storage.models import (
    MODERATION_ACTIONS,
    AccessToken,
    AccountWarning,
    Actor,
    User,
    WebSession,
)
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.types import utcnow

UNDOING = ("unsuspend", "unsilence", "unsensitive", "enable")


@dataclass(frozen=True)
class AccountAction:
    """POST /api/v1/admin/accounts/:id/action: `kind` one of MODERATION_ACTIONS,
    `text` the warning the account sees, `report_id` a report it resolves."""

    kind: str = "none"
    text: str = ""
    report_id: int | None = None
    send_email_notification: bool = True


async def get_account(session: AsyncSession, actor_id: int) -> Actor:
    """An account moderators can act on.

    Raises: NotFound: no such account (or the instance's own actor)."""
    actor = await actor_q.get_actor_by_id(session, actor_id)
    if actor is None or actor.actor_type == "Application":
        raise NotFound()
    return actor


async def take_action(
    session: AsyncSession, moderator: Actor | None, target: Actor, cmd: AccountAction
) -> AccountWarning:
    """Apply `cmd` to `target`, warn it, resolve the report named, log it all.

    Raises:
        Unprocessable: an unknown kind, or `disable` of a remote account.
        NotFound: `report_id` names no report.
    """
    if cmd.kind not in MODERATION_ACTIONS:
        raise Unprocessable("Validation failed: Type is not included in the list")
    if cmd.report_id is not None:
        await report_queue.resolve(session, moderator, cmd.report_id)
    await _apply(session, target, cmd.kind)
    warning = AccountWarning(
        target_id=target.id,
        actor_id=None if moderator is None else moderator.id,
        action=cmd.kind,
        text=cmd.text.strip(),
        report_id=cmd.report_id,
        status_ids=[],
    )
    session.add(warning)
    await session.flush()
    await action_log.record_on_account(
        session, moderator, cmd.kind if cmd.kind != "none" else "warn", target, cmd.text
    )
    if target.is_local and (cmd.kind != "none" or warning.text):
        await notify_moderation_warning(session, target, warning)
    return warning


async def _apply(session: AsyncSession, target: Actor, kind: str) -> None:
    now = utcnow()
    if kind == "sensitive":
        target.sensitized_at = target.sensitized_at or now
    elif kind == "silence":
        target.silenced_at = target.silenced_at or now
    elif kind == "disable":
        await _disable(session, target)
    elif kind == "suspend" and target.suspended_at is None:
        target.suspended_at = now
        if target.is_local:
            await enqueue_federate(session, Verb.DELETE_ACTOR, ActorRef(target.id))
        else:
            await remove_content(session, target)


async def _user_of(session: AsyncSession, target: Actor) -> User:
    user = (
        await actor_q.get_user_by_actor_id(session, target.id)
        if target.is_local
        else None
    )
    if user is None:
        raise Unprocessable("Validation failed: Only local accounts can be disabled")
    return user


async def _disable(session: AsyncSession, target: Actor) -> None:
    """No sign-in from now; the account's tokens and browser sessions end (as a
    changed password ends them)."""
    (await _user_of(session, target)).disabled = True
    now = utcnow()
    for model in (AccessToken, WebSession):
        await session.execute(
            update(model)
            .where(model.actor_id == target.id, model.revoked_at.is_(None))
            .values(revoked_at=now)
        )


async def undo_action(
    session: AsyncSession, moderator: Actor | None, target: Actor, undo: str
) -> Actor:
    """One of UNDOING: lift a suspension, a silence, the sensitive mark, or a
    disabled login. An unsuspended local account's servers hear of it again
    through an `Update` of its actor.

    Raises: Unprocessable: `enable` of a remote account, or an unknown undo.
    """
    if undo == "unsuspend" and target.suspended_at is not None:
        target.suspended_at = None
        if target.is_local:
            await enqueue_federate(session, Verb.UPDATE_ACTOR, ActorRef(target.id))
    elif undo == "unsilence":
        target.silenced_at = None
    elif undo == "unsensitive":
        target.sensitized_at = None
    elif undo == "enable":
        (await _user_of(session, target)).disabled = False
    elif undo not in UNDOING:
        raise Unprocessable("Validation failed: Type is not included in the list")
    await action_log.record_on_account(session, moderator, undo, target)
    return target


async def get_own_warning(
    session: AsyncSession, viewer: Actor, warning_id: int
) -> AccountWarning:
    """A warning given to `viewer` (no one else may read it).

    Raises: NotFound: no such warning of the viewer's."""
    warning = await session.get(AccountWarning, warning_id)
    if warning is None or warning.target_id != viewer.id:
        raise NotFound()
    return warning
