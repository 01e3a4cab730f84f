"""SQL conditions that shape one account's feeds: who is silenced (muted, blocked,
domain-blocked), exclusive lists, followed hashtags, list and hashtag timelines.
They are combined with `posts.visible_to` / `posts.home_filter` so that every
timeline stays one query."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    and_,
    cast,
    exists,
    or_,
    select,
    union,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from fedcity.storage.models import (
    AccountDomainBlock,
    Actor,
    Block,
    Follow,
    FollowState,
    ListMember,
    MediaAttachment,
    Mute,
    Post,
    PostTag,
    RepliesPolicy,
    Tag,
    TagFollow,
    UserList,
)
from fedcity.storage.types import utcnow


def _active_mute() -> ColumnElement[bool]:
    return or_(Mute.expires_at.is_(None), Mute.expires_at > utcnow())


def silenced_actor_ids(viewer_id: int) -> Select[int]:
    """Accounts whose posts `viewer_id` does not see in feeds: muted (unexpired),
    blocked, or on a domain the viewer blocked."""
    return select(
        union(
            select(Mute.target_id).where(Mute.actor_id == viewer_id, _active_mute()),
            select(Block.target_id).where(Block.actor_id == viewer_id),
            select(Actor.id).where(
                Actor.domain.in_(
                    select(AccountDomainBlock.domain).where(
                        AccountDomainBlock.actor_id == viewer_id
                    )
                )
            ),
        ).subquery()
    )


def not_silenced(viewer_id: int) -> ColumnElement[bool]:
    """Neither the post's author nor, for a boost, the boosted post's author is
    silenced for `viewer_id` (Mastodon hides boosts of muted accounts too)."""
    silenced = silenced_actor_ids(viewer_id)
    original = aliased(Post)
    return and_(
        Post.actor_id.not_in(silenced),
        or_(
            Post.reblog_of_id.is_(None),
            Post.reblog_of_id.not_in(
                select(original.id).where(original.actor_id.in_(silenced))
            ),
        ),
    )


def not_moderated_out(viewer_id: int | None) -> ColumnElement[bool]:
    """The post's author is not suspended, and not silenced by the moderators
    unless `viewer_id` follows it (Mastodon's limited accounts in public feeds)."""
    moderated = select(Actor.id).where(
        or_(
            Actor.suspended_at.is_not(None),
            Actor.silenced_at.is_not(None) & Actor.id.not_in(_followed_by(viewer_id)),
        )
    )
    return Post.actor_id.not_in(moderated)


def _followed_by(viewer_id: int | None) -> Select[int]:
    return select(Follow.target_id).where(
        Follow.actor_id == (viewer_id or 0), Follow.state == FollowState.ACCEPTED
    )


def exclusive_list_members(viewer_id: int) -> Select[int]:
    """Members of the viewer's exclusive lists: their posts stay out of home."""
    return (
        select(ListMember.actor_id)
        .join(UserList, UserList.id == ListMember.list_id)
        .where(UserList.actor_id == viewer_id, UserList.exclusive.is_(True))
    )


def followed_tag_post_ids(viewer_id: int) -> Select[int]:
    """Posts carrying a hashtag the viewer follows."""
    return (
        select(PostTag.post_id)
        .join(TagFollow, TagFollow.tag_id == PostTag.tag_id)
        .where(TagFollow.actor_id == viewer_id)
    )


def home_reply_shown(viewer_id: int, followed: Select[int]) -> ColumnElement[bool]:
    """Mastodon's rule for replies in home (FeedManager#filter_from_home?): a reply
    shows only if it answers the viewer, its own author (a thread) or an account
    the viewer follows; a reply to a post unknown here stays out."""
    return or_(
        and_(Post.in_reply_to_id.is_(None), Post.in_reply_to_uri.is_(None)),
        Post.in_reply_to_actor_id == Post.actor_id,
        Post.in_reply_to_actor_id == viewer_id,
        Post.in_reply_to_actor_id.in_(followed),
    )


def list_filter(lst: UserList) -> ColumnElement[bool]:
    """Posts by the list's members, with its replies policy applied. Replies to
    oneself (threads) always show."""
    members = select(ListMember.actor_id).where(ListMember.list_id == lst.id)
    reply_ok: ColumnElement[bool]
    if lst.replies_policy == RepliesPolicy.NONE:
        reply_ok = Post.in_reply_to_actor_id.is_(None)
    elif lst.replies_policy == RepliesPolicy.FOLLOWED:
        followed = select(Follow.target_id).where(
            Follow.actor_id == lst.actor_id, Follow.state == FollowState.ACCEPTED
        )
        reply_ok = or_(
            Post.in_reply_to_actor_id.is_(None),
            Post.in_reply_to_actor_id == lst.actor_id,
            Post.in_reply_to_actor_id.in_(followed),
        )
    else:
        reply_ok = or_(
            Post.in_reply_to_actor_id.is_(None),
            Post.in_reply_to_actor_id.in_(members),
        )
    return and_(
        Post.actor_id.in_(members),
        or_(
            Post.in_reply_to_id.is_(None),
            Post.in_reply_to_actor_id == Post.actor_id,
            reply_ok,
        ),
    )


def _tagged(names: Sequence[str]) -> Select[int]:
    return (
        select(PostTag.post_id)
        .join(Tag, Tag.id == PostTag.tag_id)
        .where(Tag.name.in_(names))
    )


def tag_filter(
    any_of: Sequence[str], all_of: Sequence[str], none_of: Sequence[str]
) -> ColumnElement[bool]:
    """Posts with at least one of `any_of`, every one of `all_of` and none of
    `none_of` (names already normalised)."""
    conditions = [Post.id.in_(_tagged(any_of))]
    for name in all_of:
        conditions.append(Post.id.in_(_tagged([name])))
    if none_of:
        conditions.append(Post.id.not_in(_tagged(none_of)))
    return and_(*conditions)


def has_media() -> ColumnElement[bool]:
    """Posts with an uploaded attachment, or a remote one kept in `attachments`."""
    return or_(
        exists().where(MediaAttachment.post_id == Post.id),
        cast(Post.attachments, Text) != "[]",
    )


def origin_filters(
    *, local: bool, remote: bool, only_media: bool
) -> list[ColumnElement[bool]]:
    """The `local`, `remote` and `only_media` switches of the public and hashtag
    timelines, as conditions on Post."""
    conditions: list[ColumnElement[bool]] = []
    if local:
        conditions.append(Post.local.is_(True))
    if remote:
        conditions.append(Post.local.is_(False))
    if only_media:
        conditions.append(has_media())
    return conditions


async def is_silenced_for_notifications(
    session: AsyncSession, recipient_id: int, sender: Actor
) -> bool:
    """Whether `recipient_id` muted `sender` with notifications, or blocked its domain."""
    muted = select(Mute.id).where(
        Mute.actor_id == recipient_id,
        Mute.target_id == sender.id,
        Mute.notifications.is_(True),
        _active_mute(),
    )
    conditions = [exists(muted)]
    if sender.domain is not None:
        conditions.append(
            exists(
                select(AccountDomainBlock.id).where(
                    AccountDomainBlock.actor_id == recipient_id,
                    AccountDomainBlock.domain == sender.domain,
                )
            )
        )
    return bool(await session.scalar(select(or_(*conditions))))
