"""Accounts: local sign-up and login, tokens, and profile edits (the cache of
remote actors is `remote_actors`)."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Forbidden, NotFound, Unauthorized, Unprocessable
from fedcity.i18n import N_
from fedcity.jobs.verbs import ActorRef, Verb, enqueue_federate
from fedcity.services import limits
from fedcity.services.accounts.passwords import hash_password, password_matches
from fedcity.services.accounts.profile_display import DisplayUpdate, apply_display
from fedcity.services.accounts.scopes import parse_scopes
from fedcity.services.accounts.sign_in import login_gate
from fedcity.services.limits import check_count, check_length
from fedcity.services.statuses import custom_emojis
from fedcity.storage.models import AccessToken, Actor, User
from fedcity.storage.queries import actors as q
from fedcity.storage.types import utcnow
from fedcity.urls import Urls

# How often a token's `last_used_at` is written (as Mastodon's hourly touch).
TOKEN_TOUCH_EVERY = timedelta(hours=1)
USERNAME_RE = re.compile(r"^[A-Za-z0-9_]{1,30}$")
ROLES = ("user", "moderator", "admin", "owner")


@dataclass(frozen=True)
class NewLocalAccount:
    username: str
    password: str
    role: str = "user"
    display_name: str = ""


async def create_local_account(
    session: AsyncSession, urls: Urls, cmd: NewLocalAccount, keypair: tuple[str, str]
) -> Actor:
    if not USERNAME_RE.match(cmd.username):
        raise Unprocessable("Username must be 1-30 letters, digits or underscores")
    if cmd.role not in ROLES:
        raise Unprocessable("Role must be one of: {roles}", roles=", ".join(ROLES))
    if len(cmd.password) < 8:
        raise Unprocessable("Password must be at least 8 characters")
    if await q.get_actor_by_handle(session, cmd.username, None) is not None:
        raise Unprocessable("Username {username} is taken", username=cmd.username)
    return await _insert_local_actor(session, urls, cmd, keypair)


async def _insert_local_actor(
    session: AsyncSession, urls: Urls, cmd: NewLocalAccount, keypair: tuple[str, str]
) -> Actor:
    private_pem, public_pem = keypair
    now = utcnow()
    actor = Actor(
        uri=urls.actor(cmd.username),
        username=cmd.username,
        domain=None,
        display_name=cmd.display_name or cmd.username,
        url=urls.profile_page(cmd.username),
        inbox_uri=urls.inbox(cmd.username),
        shared_inbox_uri=urls.shared_inbox,
        outbox_uri=urls.outbox(cmd.username),
        followers_uri=urls.followers(cmd.username),
        following_uri=urls.following(cmd.username),
        key_id=urls.key_id(cmd.username),
        public_key_pem=public_pem,
        private_key_pem=private_pem,
        discoverable=True,
        indexable=True,
        published_at=now,
        fields=[],
    )
    actor.emojis = await custom_emojis.local_refs(session, profile_texts(actor))
    session.add(actor)
    await session.flush()
    session.add(
        # An operator made it: confirmed and approved (a sign-up resets these).
        User(
            actor_id=actor.id,
            password_hash=hash_password(cmd.password),
            role=cmd.role,
            confirmed_at=now,
            approved=True,
        )
    )
    return actor


async def ensure_instance_actor(
    session: AsyncSession,
    urls: Urls,
    domain: str,
    keypair_factory: Callable[[], tuple[str, str]],
    name: str | None = None,
) -> Actor:
    """The instance's own Application actor, which signs instance-level fetches
    and issues attestations; its `name` is the configured `[instance] name` (peers
    show "verified by" it), kept up to date when the configuration changes."""
    actor = await q.get_actor_by_uri(session, urls.instance_actor)
    if actor is not None:
        if name and actor.display_name != name:
            actor.display_name = name
            actor.updated_at = utcnow()
            await session.flush()
        return actor
    private_pem, public_pem = keypair_factory()
    actor = Actor(
        uri=urls.instance_actor,
        username=domain,
        domain=None,
        actor_type="Application",
        display_name=name or domain,
        url=urls.base + "/about",
        inbox_uri=urls.instance_actor + "/inbox",
        shared_inbox_uri=urls.shared_inbox,
        outbox_uri=urls.instance_actor + "/outbox",
        key_id=urls.instance_key_id,
        public_key_pem=public_pem,
        private_key_pem=private_pem,
        locked=True,
        discoverable=False,
        published_at=utcnow(),
        fields=[],
    )
    session.add(actor)
    await session.flush()
    return actor


async def authenticate_password(
    session: AsyncSession, username: str, password: str
) -> Actor:
    actor = await q.get_local_actor(session, username)
    user = await q.get_user_by_actor_id(session, actor.id) if actor else None
    if actor is None or user is None or user.disabled or actor.suspended_at:
        raise Unauthorized("Invalid username or password")
    if not password_matches(user.password_hash, password):
        raise Unauthorized("Invalid username or password")
    if gate := login_gate(user):
        raise gate
    return actor


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_token(session: AsyncSession, username: str, scopes: str) -> str:
    """A token for a local account, made by an operator (`fedcity token create`)."""
    actor = await q.get_local_actor(session, username)
    if actor is None or await q.get_user_by_actor_id(session, actor.id) is None:
        raise NotFound("No local account named {username}", username=username)
    _, token = await mint_token(session, actor.id, None, " ".join(parse_scopes(scopes)))
    return token


async def mint_token(
    session: AsyncSession,
    actor_id: int | None,
    app_id: int | None,
    scopes: str,
    *,
    pending_sign_up: bool = False,
) -> tuple[AccessToken, str]:
    """Store a new token's digest; the plain token is returned once and never kept.
    `pending_sign_up`: the account may not act yet (the token is checked)."""
    token = secrets.token_urlsafe(32)
    row = AccessToken(
        token_digest=token_digest(token),
        actor_id=actor_id,
        app_id=app_id,
        scopes=scopes,
        pending_sign_up=pending_sign_up,
    )
    session.add(row)
    await session.flush()
    return row, token


async def authenticate_token(
    session: AsyncSession, token: str
) -> tuple[Actor | None, AccessToken]:
    """The token's account (None for an app's own token) and the token row."""
    row = await q.get_token_by_digest(session, token_digest(token))
    if row is None:
        raise Unauthorized("The access token is invalid")
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > TOKEN_TOUCH_EVERY:
        # Shown on the settings' apps page; written at most hourly, so that
        # reading the API does not write each time (the request's transaction
        # commits it).
        row.last_used_at = now
    if row.actor_id is None:
        return None, row
    actor = await q.get_actor_by_id(session, row.actor_id)
    if actor is None or actor.deleted_at is not None:
        raise Unauthorized("The access token is invalid")
    if actor.suspended_at is not None:
        # Kept, not revoked: unsuspending gives the apps their access back.
        raise Forbidden("Your login is currently disabled")
    return actor, row


@dataclass(frozen=True)
class ProfileUpdate:
    """Fields of PATCH /api/v1/accounts/update_credentials; None leaves one as it is."""

    display_name: str | None = None
    note_html: str | None = None
    locked: bool | None = None
    bot: bool | None = None
    discoverable: bool | None = None
    indexable: bool | None = None
    fields: list[dict[str, str]] | None = None
    hide_collections: bool | None = None
    attribution_domains: list[str] | None = None
    display: DisplayUpdate = field(default_factory=DisplayUpdate)


async def update_profile(
    session: AsyncSession, actor: Actor, update: ProfileUpdate
) -> Actor:
    """Change a local profile and tell followers' servers (an Update of the actor)."""
    check_profile(update)
    if update.display_name is not None:
        actor.display_name = update.display_name
    if update.fields is not None:
        actor.fields = update.fields
    for name in ("locked", "bot", "discoverable", "indexable"):
        value = getattr(update, name)
        if value is not None:
            setattr(actor, name, value)
    if update.note_html is not None:
        actor.summary = update.note_html
    if update.hide_collections is not None:
        actor.hide_collections = update.hide_collections
    if update.attribution_domains is not None:
        actor.attribution_domains = attribution_domains(update.attribution_domains)
    apply_display(actor, update.display)
    actor.emojis = await custom_emojis.local_refs(session, profile_texts(actor))
    await announce_profile_change(session, actor)
    return actor


def check_profile(update: ProfileUpdate) -> None:
    """Mastodon's Account validations on what a local account may write.

    Raises:
        Unprocessable: a display name, a field's name or value, or a list of
        fields past its bound.
    """
    check_length(N_("Display name"), update.display_name, limits.MAX_DISPLAY_NAME)
    fields = update.fields or []
    check_count(N_("Fields"), len(fields), limits.MAX_PROFILE_FIELDS, "fields")
    for item in fields:
        check_length(N_("Field name"), item.get("name"), limits.MAX_PROFILE_FIELD_NAME)
        check_length(
            N_("Field value"), item.get("value"), limits.MAX_PROFILE_FIELD_VALUE
        )


def profile_texts(actor: Actor) -> list[str]:
    """Where a profile's custom emoji may appear: name, bio and fields."""
    return [
        actor.display_name,
        actor.summary,
        *(value for f in actor.fields for value in f.values()),
    ]


async def announce_profile_change(session: AsyncSession, actor: Actor) -> None:
    """Followers' servers hear an Update of the actor, and refetch what it links
    (Mastodon refreshes the featured and featuredTags collections then)."""
    actor.updated_at = utcnow()
    await session.flush()
    await enqueue_federate(session, Verb.UPDATE_ACTOR, ActorRef(actor.id))


_DOMAIN_RE = re.compile(
    r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$"
)


def attribution_domains(raw: list[str]) -> list[str]:
    """Websites allowed to credit the account: host names, lower-cased, at most 10.

    Raises:
        Unprocessable: too many, or one is not a domain name.
    """
    domains = list(dict.fromkeys(d.strip().lower() for d in raw if d.strip()))
    check_count(
        N_("Attribution domains"),
        len(domains),
        limits.MAX_ATTRIBUTION_DOMAINS,
        "domains",
    )
    for domain in domains:
        if not _is_domain(domain):
            raise Unprocessable(
                "Validation failed: Attribution domains {domain} is not a valid domain",
                domain=domain,
            )
    return domains


def _is_domain(name: str) -> bool:
    try:
        ascii_name = name.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return _DOMAIN_RE.match(ascii_name) is not None


async def account_by_id(session: AsyncSession, account_id: int) -> Actor:
    """An account (local or remote) by its id.

    Raises:
        NotFound: none, a deleted one, or the instance actor.
    """
    actor = await q.get_actor_by_id(session, account_id)
    if (
        actor is None
        or actor.deleted_at is not None
        or actor.actor_type == "Application"
    ):
        raise NotFound("Record not found")
    return actor
