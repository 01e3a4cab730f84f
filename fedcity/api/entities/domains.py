"""Mastodon's Admin::DomainBlock, Admin::DomainAllow and the public DomainBlock."""

from __future__ import annotations

from fedcity.api.entities.formats import Entity, timestamp
from fedcity.domains import digest
from fedcity.storage.models import DomainAllow, DomainBlock


def serialize_admin_domain_block(row: DomainBlock) -> Entity:
    return {
        "id": str(row.id),
        "domain": row.domain,
        "digest": digest(row.domain),
        "created_at": timestamp(row.created_at),
        "severity": row.severity,
        "reject_media": row.reject_media,
        "reject_reports": row.reject_reports,
        "private_comment": row.private_comment,
        "public_comment": row.public_comment,
        "obfuscate": row.obfuscate,
    }


def serialize_admin_domain_allow(row: DomainAllow) -> Entity:
    return {
        "id": str(row.id),
        "domain": row.domain,
        "created_at": timestamp(row.created_at),
    }


def serialize_domain_block(row: DomainBlock) -> Entity:
    """The public entry (`GET /api/v1/instance/domain_blocks`): an obfuscated
    domain shows only its first and last characters per label, as Mastodon's."""
    return {
        "domain": _obfuscated(row.domain) if row.obfuscate else row.domain,
        "digest": digest(row.domain),
        "severity": row.severity,
        "comment": row.public_comment,
    }


def _obfuscated(domain: str) -> str:
    """Mastodon's DomainBlock#public_domain: every other character of each label,
    from the second, is replaced by `*` ("spam.example" → "s*a*.e*a*p*e")."""
    return ".".join(
        "".join("*" if i % 2 else c for i, c in enumerate(label))
        for label in domain.split(".")
    )
