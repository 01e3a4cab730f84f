"""Mastodon's Admin::Account entity (the admin API's view of an account, with its
login), and fedcity's Invite entity."""

from __future__ import annotations

from fedcity.api.entities.formats import Entity, timestamp
from fedcity.api.entities.statuses import serialize_account
from fedcity.services.sign_ups.office_claims import OfficeClaim
from fedcity.storage.models import Actor, Invite, User
from fedcity.urls import Urls

# Mastodon's built-in roles, by the ids it gives them; fedcity's roles map onto them.
_ROLES = {
    "user": ("-99", "", "65536", False),
    "moderator": ("1", "Moderator", "1308", True),
    "admin": ("2", "Admin", "983036", True),
    "owner": ("3", "Owner", "1", True),
}


def serialize_role(role: str) -> Entity:
    role_id, name, permissions, highlighted = _ROLES.get(role, _ROLES["user"])
    return {
        "id": role_id,
        "name": name,
        "color": "",
        "permissions": permissions,
        "highlighted": highlighted,
    }


def serialize_admin_account(actor: Actor, user: User | None, urls: Urls) -> Entity:
    """Admin::Account; a remote account has no login, so no address or state."""
    ip = user.sign_up_ip if user is not None else None
    return {
        "id": str(actor.id),
        "username": actor.username,
        "domain": actor.domain,
        "created_at": timestamp(actor.published_at or actor.created_at),
        "email": (user.email or "") if user is not None else "",
        "ip": ip,
        "ips": []
        if ip is None
        else [{"ip": ip, "used_at": timestamp(user.created_at if user else None)}],
        "locale": (user.locale or "") if user is not None else "",
        "invite_request": user.sign_up_reason if user is not None else None,
        "role": serialize_role(user.role if user is not None else "user"),
        "confirmed": user is not None and user.confirmed_at is not None,
        "approved": user is None or user.approved,
        "disabled": user is not None and user.disabled,
        "sensitized": False,
        "silenced": False,
        "suspended": False,
        "account": serialize_account(actor, urls),
        "created_by_application_id": None,
        "invited_by_account_id": None,
    }


def serialize_invite(invite: Invite, urls: Urls) -> Entity:
    """fedcity's Invite: its code and URL, its limits, and the office it names."""
    return {
        "id": str(invite.id),
        "code": invite.code,
        "url": f"{urls.base}/invite/{invite.code}",
        "uses": invite.uses,
        "max_uses": invite.max_uses,
        "expires_at": timestamp(invite.expires_at),
        "revoked_at": timestamp(invite.revoked_at),
        "created_at": timestamp(invite.created_at),
        "office": None
        if invite.office_role is None
        else {"role": invite.office_role, "jurisdiction": invite.jurisdiction},
    }


def serialize_office_claim(claim: OfficeClaim, account: Entity) -> Entity:
    """fedcity's OfficeClaim: the account (Admin::Account), the office its invite
    named, the claim's state and, once confirmed, the attestation's id."""
    return {
        "id": str(claim.actor.id),
        "account": account,
        "role": claim.invite.office_role,
        "jurisdiction": claim.invite.jurisdiction,
        "state": claim.user.office_claim,
        "invite_code": claim.invite.code,
        "attestation_id": None
        if claim.attestation is None
        else str(claim.attestation.id),
    }
