"""Mastodon's WebPushSubscription entity (kept apart from `entities.py`, which is
full). See https://docs.joinmastodon.org/entities/WebPushSubscription/."""

from __future__ import annotations

from fedcity.api.entities.formats import Entity
from fedcity.services.notifications.push import ALERT_TYPES
from fedcity.storage.models import WebPushSubscription


def serialize_web_push_subscription(
    subscription: WebPushSubscription, server_key: str
) -> Entity:
    """Every alert is listed, switched on or not; `server_key` is the instance's
    VAPID public key, which the app gives its push service."""
    return {
        "id": str(subscription.id),
        "endpoint": subscription.endpoint,
        "standard": subscription.standard,
        "alerts": {
            name: bool(subscription.alerts.get(name, False)) for name in ALERT_TYPES
        },
        "policy": subscription.policy,
        "server_key": server_key,
    }
