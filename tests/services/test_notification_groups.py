"""Group keys as Mastodon computes them: favourites and boosts per post, follows
together, others alone; a group takes new notifications for 12 hours from the hour
it began."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fedcity.ids import new_id
from fedcity.services.notifications.groups import group_key_for
from fedcity.services.statuses.posts import NewPost, create_local_post
from fedcity.storage.models import Notification, NotificationType

pytestmark = pytest.mark.usefixtures("backend")

START = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
HOUR = int(START.timestamp()) // 3600


async def keyed_favourite(instance, recipient, sender, post_id: int, at: datetime):
    """Store a favourite notification made at `at`, keyed as notify would key it."""
    async with instance.db.session() as session:
        key = await group_key_for(
            session, recipient.id, NotificationType.FAVOURITE, post_id, at
        )
        session.add(
            Notification(
                id=new_id(),
                recipient_id=recipient.id,
                from_actor_id=sender.id,
                type=NotificationType.FAVOURITE,
                post_id=post_id,
                created_at=at,
                group_key=key,
            )
        )
    return key


@pytest.fixture
async def favourited(instance):
    alice = await instance.create_account("alice")
    bob = await instance.create_account("bob")
    async with instance.db.session() as session:
        post = await create_local_post(
            session, instance.fed.urls, alice, NewPost("Market day")
        )
    return alice, bob, post.id


async def test_favourites_within_twelve_hours_share_the_first_hour(
    instance, favourited
):
    # Given a favourite of alice's post at START
    alice, bob, post_id = favourited
    first = await keyed_favourite(instance, alice, bob, post_id, START)
    # When another comes eleven hours later
    later = await keyed_favourite(
        instance, alice, bob, post_id, START + timedelta(hours=11)
    )
    # Then both carry the key of the hour the group began
    assert first == later == f"favourite-{post_id}-{HOUR}"


async def test_a_favourite_twelve_hours_on_starts_a_new_group(instance, favourited):
    # Given a favourite at START
    alice, bob, post_id = favourited
    await keyed_favourite(instance, alice, bob, post_id, START)
    # When another comes twelve hours later
    later = await keyed_favourite(
        instance, alice, bob, post_id, START + timedelta(hours=12)
    )
    # Then it opens a group of its own hour
    assert later == f"favourite-{post_id}-{HOUR + 12}"


async def test_follows_are_keyed_by_hour_and_mentions_not_at_all(instance, favourited):
    # Given alice
    alice, _, post_id = favourited
    async with instance.db.session() as session:
        # When follow and mention keys are asked for
        follow = await group_key_for(
            session, alice.id, NotificationType.FOLLOW, None, START
        )
        mention = await group_key_for(
            session, alice.id, NotificationType.MENTION, post_id, START
        )
    # Then a follow has a key without a post, and a mention none
    assert follow == f"follow-{HOUR}"
    assert mention is None
