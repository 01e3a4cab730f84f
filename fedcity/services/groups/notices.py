"""What a local group tells one person: a direct post authored by the group that
mentions them, so that any Mastodon app, on this instance or another, shows it
as a private mention, and it federates as every local post does (a `Create` to
the mentioned actor's inbox).

Each notice is written in its recipient's language (a local account's interface
language; English for a remote one, whose language this instance does not know),
and carries a marker saying what it was about, so that a notice is sent once
(`told`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity import i18n
from fedcity.services.statuses.posts import NewPost, create_local_post
from fedcity.storage.models import Actor, Post, Visibility
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import groups as q
from fedcity.urls import Urls

# The key of a notice's marker in its post's `raw` (which a local post otherwise
# leaves empty: it holds the document of a received one, and is never rendered).
MARKER: Final = "fedcityGroupNotice"


def handle_of(actor: Actor) -> str:
    """How a mention of `actor` is written here, without the "@": `ana` for a
    local account, `ana@city.example` for a remote one."""
    return actor.username if actor.is_local else f"{actor.username}@{actor.domain}"


async def language_of(session: AsyncSession, actor: Actor) -> str:
    """The language to write to `actor` in."""
    user = (
        await actor_q.get_user_by_actor_id(session, actor.id)
        if actor.is_local
        else None
    )
    return i18n.pick_language(account=user.locale if user is not None else None)


async def told(
    session: AsyncSession,
    group_actor: Actor,
    recipient: Actor,
    about: Mapping[str, str],
) -> bool:
    """Whether the group already sent `recipient` a notice marked `about`."""
    for post in await q.list_posts_to(session, group_actor.id, recipient.id):
        marker = (post.raw or {}).get(MARKER)
        if isinstance(marker, dict) and marker.items() >= about.items():
            return True
    return False


def group_name(group_actor: Actor) -> str:
    return group_actor.display_name or group_actor.username


async def send(
    session: AsyncSession,
    urls: Urls,
    group_actor: Actor,
    recipient: Actor,
    text: str,
    *,
    language: str,
    about: Mapping[str, str],
) -> Post:
    """Send `recipient` `text` (already in `language`, see `language_of`) as a
    direct post of the group that mentions it, marked `about`."""
    handle = handle_of(recipient)
    post = await create_local_post(
        session,
        urls,
        group_actor,
        NewPost(
            text=f"@{handle} {text}",
            visibility=Visibility.DIRECT,
            language=language,
            mentions={handle.lower(): recipient},
        ),
    )
    post.raw = {MARKER: dict(about)}
    await session.flush()
    return post
