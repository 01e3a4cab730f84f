"""fedcity's group entities (issue 13): a Group (its settings, its actor as a
Mastodon Account, its moderators), a group's Ban, Thread and removed post."""

from __future__ import annotations

from fedcity.api.entities.formats import Entity, timestamp
from fedcity.api.entities.statuses import acct_of, serialize_account
from fedcity.services.groups.groups import GroupView
from fedcity.storage.models import Actor, GroupBan, GroupPost, GroupThread
from fedcity.urls import Urls


def serialize_group(view: GroupView, urls: Urls) -> Entity:
    """A Group; its `id` is its actor's, the id its Account has (follow it
    through `POST /api/v1/accounts/:id/follow` to join)."""
    group, actor = view.group, view.actor
    return {
        "id": str(actor.id),
        "name": actor.username,
        "acct": acct_of(actor),
        "display_name": actor.display_name,
        "description": actor.summary,
        "rules": group.rules,
        "visibility": group.visibility,
        "policy": group.policy,
        "quorum_guard": group.quorum_guard,
        "approved": group.approved_at is not None,
        "url": actor.url or actor.uri,
        "uri": actor.uri,
        "account": serialize_account(actor, urls),
        "moderators": [serialize_account(m, urls) for m in view.moderators],
        "members_count": actor.followers_count,
        "created_at": timestamp(group.created_at),
    }


def serialize_ban(ban: GroupBan, account: Actor, urls: Urls) -> Entity:
    """A ban: whom, why, until when (`expires_at` null: until lifted; a past one
    no longer holds), and by whom."""
    return {
        "id": str(ban.id),
        "account": serialize_account(account, urls),
        "reason": ban.reason,
        "expires_at": timestamp(ban.expires_at),
        "created_at": timestamp(ban.created_at),
        "banned_by_id": _id(ban.banned_by_id),
    }


def serialize_thread(thread: GroupThread) -> Entity:
    """A thread, named by its root status."""
    return {
        "id": str(thread.root_post_id),
        "locked": thread.locked_at is not None,
        "locked_at": timestamp(thread.locked_at),
        "pinned": thread.pinned_at is not None,
        "pinned_at": timestamp(thread.pinned_at),
        "posts_count": thread.posts_count,
        "last_activity_at": timestamp(thread.last_activity_at),
        "context": thread.context_uri,
    }


def serialize_removal(carried: GroupPost) -> Entity:
    """A post removed from a group."""
    return {
        "status_id": str(carried.post_id),
        "removed": carried.removed_at is not None,
        "removed_at": timestamp(carried.removed_at),
        "removed_by_id": _id(carried.removed_by_id),
        "reason": carried.removal_reason,
    }


def _id(value: int | None) -> str | None:
    return None if value is None else str(value)
