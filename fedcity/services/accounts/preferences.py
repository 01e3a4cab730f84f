"""Posting defaults of a local account (`source[privacy|sensitive|language]`): kept
on its login, shown in `source` and /api/v1/preferences, used when a status is
posted without saying otherwise."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity import i18n
from fedcity.errors import Unprocessable
from fedcity.storage.models import Actor, User, Visibility
from fedcity.storage.queries import actors as q

# Mastodon offers these three as a default; direct messages are chosen per status.
DEFAULT_PRIVACIES = (Visibility.PUBLIC, Visibility.UNLISTED, Visibility.PRIVATE)
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")  # ISO 639-1 (or 639-3) codes


@dataclass(frozen=True)
class PostingDefaults:
    privacy: Visibility = Visibility.PUBLIC
    sensitive: bool = False
    language: str | None = None


@dataclass(frozen=True)
class PostingDefaultsUpdate:
    """What update_credentials sent under `source`; None leaves a value as it is,
    and an empty language clears it."""

    privacy: str | None = None
    sensitive: bool | None = None
    language: str | None = None


def defaults_of(user: User | None) -> PostingDefaults:
    if user is None:
        return PostingDefaults()
    return PostingDefaults(
        privacy=Visibility(user.default_privacy or Visibility.PUBLIC),
        sensitive=bool(user.default_sensitive),
        language=user.default_language,
    )


async def posting_defaults(session: AsyncSession, actor: Actor) -> PostingDefaults:
    return defaults_of(await q.get_user_by_actor_id(session, actor.id))


async def update_posting_defaults(
    session: AsyncSession, actor: Actor, update: PostingDefaultsUpdate
) -> PostingDefaults:
    """Change the defaults of a local account.

    Raises:
        Unprocessable: a privacy other than public, unlisted or private, or a
            language that is not an ISO 639 code.
    """
    user = await q.get_user_by_actor_id(session, actor.id)
    if user is None:
        raise Unprocessable("This method requires an authenticated user")
    if update.privacy is not None:
        if update.privacy not in DEFAULT_PRIVACIES:
            raise Unprocessable(
                "Validation failed: Default privacy is not included in the list"
            )
        user.default_privacy = update.privacy
    if update.sensitive is not None:
        user.default_sensitive = update.sensitive
    if update.language is not None:
        language = update.language.strip().lower()
        if language and not LANGUAGE_RE.match(language):
            raise Unprocessable(
                "Validation failed: Default language is not included in the list"
            )
        user.default_language = language or None
    await session.flush()
    return defaults_of(user)


async def set_interface_language(
    session: AsyncSession, actor: Actor, language: str | None
) -> None:
    """The language of the web pages for this account, one with a catalogue;
    None: the browser's (Accept-Language)."""
    if language is not None and language not in i18n.available_languages():
        raise Unprocessable("This language is not available")
    user = await q.get_user_by_actor_id(session, actor.id)
    if user is None:
        return
    user.locale = language
    await session.commit()
