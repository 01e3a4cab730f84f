"""The `web_push` job: one notification, encrypted for one subscription, POSTed to
its push service (RFC 8030 §5) through the app's guarded transport.

2xx: done. 404 and 410: the subscription is gone (RFC 8030 §7.3), so it is removed.
408, 429, 5xx and network errors: retried on the delivery backoff, up to
`[push] max_attempts`. Other 4xx: failed. An address the SSRF guard refuses is never
retried and its subscription is removed: this instance may not reach it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import AddressRefused, FetchError
from fedcity.federation.context import Federation
from fedcity.federation.transport import HttpResponse
from fedcity.jobs.outcomes import DONE, Outcome, RetryPolicy
from fedcity.push.crypto import Subscriber, VapidKey, seal
from fedcity.push.payload import build_payload
from fedcity.services.notifications import push
from fedcity.storage.models import (
    AccessToken,
    Actor,
    Notification,
    Post,
    WebPushSubscription,
)

log = logging.getLogger(__name__)

# RFC 8030 §5.2: how long the push service keeps an undelivered message (Mastodon:
# 48 hours); §5.3 urgency.
TTL_SECONDS = 48 * 3600
URGENCY = "normal"
HEADERS = {
    "Content-Type": "application/octet-stream",
    "TTL": str(TTL_SECONDS),
    "Urgency": URGENCY,
}


@dataclass(frozen=True)
class PushMessage:
    subscription_id: int
    to: Subscriber
    plaintext: bytes


def vapid_subject(fed: Federation) -> str:
    """`[push] subject`, else mailto: the contact address, else the instance URL."""
    settings = fed.settings
    if settings.push.subject:
        return settings.push.subject
    if settings.instance.contact_email:
        return f"mailto:{settings.instance.contact_email}"
    return fed.urls.base


async def _prepare(
    fed: Federation, session: AsyncSession, payload: dict[str, Any]
) -> PushMessage | None:
    """The message to send, or None when there is nothing to send any more: the
    subscription or notification is gone, the token revoked, or the subscription
    no longer wants this notification (its alerts or policy changed)."""
    sub = await session.get(WebPushSubscription, payload["subscription_id"])
    notification = await session.get(Notification, payload["notification_id"])
    if sub is None or notification is None:
        return None
    token = await session.get(AccessToken, sub.access_token_id)
    if token is None or token.revoked_at is not None:
        await push.remove_subscription(session, sub.id)
        return None
    if not await push.pushable(
        session,
        sub,
        notification.recipient_id,
        notification.from_actor_id,
        notification.type,
    ):
        return None
    sender = await session.get(Actor, notification.from_actor_id)
    if sender is None:
        return None
    post = (
        await session.get(Post, notification.post_id) if notification.post_id else None
    )
    return PushMessage(
        sub.id,
        Subscriber(sub.endpoint, sub.key_p256dh, sub.key_auth, sub.standard),
        build_payload(notification, sender, post, sub.access_token, fed.urls),
    )


async def _forget(fed: Federation, subscription_id: int) -> None:
    async with fed.db.session() as session:
        await push.remove_subscription(session, subscription_id)


async def send_web_push(
    fed: Federation, vapid: VapidKey, payload: dict[str, Any], attempts: int
) -> Outcome:
    """Job handler for `web_push` ({subscription_id, notification_id}), signed with
    the instance's VAPID key (kept by the app, not by the federation context)."""
    async with fed.db.session() as session:
        message = await _prepare(fed, session, payload)
    if message is None:
        return DONE
    try:
        body, headers = seal(message.plaintext, message.to, vapid, vapid_subject(fed))
    except ValueError as exc:  # stored keys unusable, or an oversized message
        return Outcome("failed", error=f"cannot encrypt the push: {exc}")
    headers.update(HEADERS)
    try:
        response = await fed.transport.post(message.to.endpoint, headers, body)
    except AddressRefused as exc:
        await _forget(fed, message.subscription_id)
        return Outcome("failed", error=f"push endpoint refused: {exc}")
    except FetchError as exc:
        return _retry(fed, attempts, str(exc), None)
    return await _outcome(fed, message, response, attempts)


async def _outcome(
    fed: Federation, message: PushMessage, response: HttpResponse, attempts: int
) -> Outcome:
    status = response.status
    if 200 <= status < 300:
        return DONE
    if status in (404, 410):
        await _forget(fed, message.subscription_id)
        log.info("push subscription %s is gone (%d)", message.subscription_id, status)
        return DONE
    error = f"push service answered {status}"
    if status in (408, 429) or status >= 500:
        return _retry(fed, attempts, error, response.headers.get("Retry-After"))
    return Outcome("failed", error=error)


def _retry(
    fed: Federation, attempts: int, error: str, retry_after: str | None
) -> Outcome:
    policy = RetryPolicy(
        fed.settings.push.max_attempts, fed.settings.federation.retry_backoff_scale
    )
    return policy.after_failure(attempts, error, retry_after)
