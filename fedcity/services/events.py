"""Domain events: small facts ("status.created", post 42) recorded by services in the
transaction that makes them true.

They wait in the session's `info` until the commit; the wiring in
`fedcity.streaming.bus.publish_after_commit` then hands them to the event bus, and a
rollback drops them. Events carry ids only: listeners read the rows themselves.

Kinds and their data:
- "status.created" {post_id}: a post or a boost was stored (local or remote)
- "status.updated" {post_id}: a post was edited
- "status.deleted" {post_id}: a post or a boost was tombstoned
- "notification" {notification_id, recipient_id}: a local account was notified (not
  recorded for a notification its notification policy filtered)
- "filters_changed" {account_id}: a local account's filters changed
- "access_revoked" {account_id}: every token and session of a local account was
  taken back (a seat's handover): its open streams end
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

Event = dict[str, Any]
EVENTS_KEY = "fedcity.events"


def record(session: AsyncSession, kind: str, **data: int | str | None) -> None:
    """Remember that `kind` happened; it is published only if the transaction commits."""
    session.info.setdefault(EVENTS_KEY, []).append({"kind": kind, **data})


def take(info: dict[Any, Any]) -> list[Event]:
    """The events waiting in a session's `info`, removed from it."""
    events: list[Event] = info.pop(EVENTS_KEY, None) or []
    return events
