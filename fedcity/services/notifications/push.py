"""Web Push subscriptions as Mastodon keeps them, and which notifications they get.

One subscription per access token (a new one replaces the old). When a local account
is notified, one `web_push` job per subscription whose alerts and policy allow it is
queued in the same transaction; `fedcity.push.sender` encrypts and sends it.
See https://docs.joinmastodon.org/methods/push/.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound, Unprocessable
from fedcity.i18n import N_
from fedcity.ids import new_id
from fedcity.jobs.kinds import JobKind
from fedcity.jobs.queue import NewJob, enqueue_many
from fedcity.services import limits
from fedcity.services.instance.keys import ensure_instance_key
from fedcity.services.limits import check_length
from fedcity.storage.db import insert_for
from fedcity.storage.models import (
    AccessToken,
    Actor,
    InstanceKey,
    WebPushSubscription,
)
from fedcity.storage.queries.actors import is_follower
from fedcity.storage.types import utcnow

VAPID_KEY_NAME = "vapid"
# Mastodon's alert names (data[alerts][…]); admin.* are kept but fedcity raises no
# such notifications yet.
ALERT_TYPES = (
    "mention",
    "status",
    "reblog",
    "follow",
    "follow_request",
    "favourite",
    "poll",
    "update",
    "admin.sign_up",
    "admin.report",
)
POLICIES = ("all", "followed", "follower", "none")
AUTH_SECRET_BYTES = 16  # RFC 8291 §3.2


@dataclass(frozen=True)
class PushData:
    """`data[alerts][…]` and `data[policy]`; alerts not named are off."""

    alerts: Mapping[str, bool]
    policy: str = "all"


@dataclass(frozen=True)
class NewSubscription:
    endpoint: str
    p256dh: str
    auth: str
    standard: bool
    data: PushData


def decode_base64(value: str) -> bytes:
    """Keys as apps send them: base64url or standard base64, padded or not.

    Raises:
        ValueError: not base64 at all.
    """
    text = value.strip().replace("+", "-").replace("/", "_").rstrip("=")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("not base64") from None


def _check_subscription(cmd: NewSubscription) -> None:
    check_length(N_("Endpoint"), cmd.endpoint, limits.MAX_PUSH_ENDPOINT)
    check_length(N_("Key p256dh"), cmd.p256dh, limits.MAX_PUSH_KEY)
    check_length(N_("Key auth"), cmd.auth, limits.MAX_PUSH_KEY)
    parts = urlsplit(cmd.endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Unprocessable("Validation failed: Endpoint is invalid")
    try:
        # The client's ECDH key must be a point on P-256 (RFC 8291 §3.1).
        ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), decode_base64(cmd.p256dh)
        )
    except ValueError:
        raise Unprocessable("Validation failed: Key p256dh is invalid") from None
    try:
        auth = decode_base64(cmd.auth)
    except ValueError:
        auth = b""
    if len(auth) != AUTH_SECRET_BYTES:
        raise Unprocessable("Validation failed: Key auth is invalid")
    _check_data(cmd.data)


def _check_data(data: PushData) -> None:
    if data.policy not in POLICIES:
        raise Unprocessable("Validation failed: Policy is not included in the list")


def _alerts(data: PushData) -> dict[str, bool]:
    return {name: bool(data.alerts.get(name, False)) for name in ALERT_TYPES}


async def subscribe(
    session: AsyncSession,
    *,
    account: Actor,
    token: AccessToken,
    plain_token: str,
    cmd: NewSubscription,
) -> WebPushSubscription:
    """Replace the token's subscription with a new one. One statement (an insert
    that replaces on conflict), so an app that sends the request twice at once
    gets the same answer twice rather than a conflict.

    Raises:
        Unprocessable: the endpoint is not an http(s) URL, or a key is not valid.
    """
    _check_subscription(cmd)
    now = utcnow()
    values = {
        "id": new_id(),
        "actor_id": account.id,
        "access_token_id": token.id,
        "access_token": plain_token,
        "endpoint": cmd.endpoint,
        "key_p256dh": cmd.p256dh,
        "key_auth": cmd.auth,
        "standard": cmd.standard,
        "alerts": _alerts(cmd.data),
        "policy": cmd.data.policy,
        "created_at": now,
        "updated_at": now,
    }
    stmt = insert_for(session)(WebPushSubscription).values(**values)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["access_token_id"],
            set_={k: stmt.excluded[k] for k in values if k != "access_token_id"},
        )
    )
    row = await session.scalar(
        select(WebPushSubscription)
        .where(WebPushSubscription.access_token_id == token.id)
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row


async def get_subscription(
    session: AsyncSession, token: AccessToken
) -> WebPushSubscription:
    """The token's subscription.

    Raises:
        NotFound: the token has none (Mastodon's 404).
    """
    row = await session.scalar(
        select(WebPushSubscription).where(
            WebPushSubscription.access_token_id == token.id
        )
    )
    if row is None:
        raise NotFound("Record not found")
    return row


async def update_subscription(
    session: AsyncSession, token: AccessToken, data: PushData
) -> WebPushSubscription:
    """Replace alerts and policy as a whole, as Mastodon's `update!(data: …)` does:
    alerts left out are switched off.

    Raises:
        NotFound: the token has no subscription.
        Unprocessable: an unknown policy.
    """
    row = await get_subscription(session, token)
    _check_data(data)
    row.alerts = _alerts(data)
    row.policy = data.policy
    await session.flush()
    return row


async def unsubscribe(session: AsyncSession, token: AccessToken) -> None:
    """Remove the token's subscription, if any."""
    await session.execute(
        delete(WebPushSubscription).where(
            WebPushSubscription.access_token_id == token.id
        )
    )


async def remove_subscription(session: AsyncSession, subscription_id: int) -> None:
    """Forget a subscription the push service says is gone (404/410)."""
    await session.execute(
        delete(WebPushSubscription).where(WebPushSubscription.id == subscription_id)
    )


async def pushable(
    session: AsyncSession,
    subscription: WebPushSubscription,
    recipient_id: int,
    sender_id: int,
    kind: str,
) -> bool:
    """Whether this subscription wants a notification of `kind` from `sender`.

    Policies as Mastodon's: `followed` = the recipient follows the sender,
    `follower` = the sender follows the recipient."""
    if not subscription.alerts.get(kind, False):
        return False
    match subscription.policy:
        case "all":
            return True
        case "followed":
            return await is_follower(session, recipient_id, sender_id)
        case "follower":
            return await is_follower(session, sender_id, recipient_id)
        case _:
            return False


async def enqueue_web_push(
    session: AsyncSession,
    recipient: Actor,
    sender: Actor,
    kind: str,
    notification_id: int,
) -> None:
    """Queue one `web_push` job per subscription of `recipient` that wants this
    notification (inside the notifying transaction). Tokens since revoked get none."""
    subscriptions = await session.scalars(
        select(WebPushSubscription)
        .join(AccessToken, AccessToken.id == WebPushSubscription.access_token_id)
        .where(
            WebPushSubscription.actor_id == recipient.id,
            AccessToken.revoked_at.is_(None),
        )
    )
    jobs = [
        NewJob(
            JobKind.WEB_PUSH,
            {"subscription_id": row.id, "notification_id": notification_id},
            dedupe_key=f"{JobKind.WEB_PUSH}:{row.id}:{notification_id}",
        )
        for row in subscriptions.all()
        if await pushable(session, row, recipient.id, sender.id, kind)
    ]
    await enqueue_many(session, jobs)


async def ensure_vapid_key(
    session: AsyncSession, generate: Callable[[], tuple[str, str]]
) -> InstanceKey:
    """The instance's VAPID key pair, made on first start.

    `generate` returns (PKCS#8 private PEM, base64url public point); see
    ensure_instance_key for processes that start together."""
    return await ensure_instance_key(session, VAPID_KEY_NAME, generate)
