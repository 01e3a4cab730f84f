"""fedcity's sign-up entities for admins: Invite and OfficeClaim (Admin::Account
itself is in `entities.admin`)."""

from __future__ import annotations

from fedcity.api.entities.formats import Entity, timestamp
from fedcity.services.sign_ups.office_claims import OfficeClaim
from fedcity.storage.models import Invite
from fedcity.urls import Urls


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
