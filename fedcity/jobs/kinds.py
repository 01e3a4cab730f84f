"""Every job kind, declared once: its stored name, its payload and how it runs.

The values are the names stored in `jobs.kind`, so rows queued by an older release
still run. `runtime/registry.py` maps each kind to its handler and the worker
derives what it claims from `sequential_kinds()` / `concurrent_kinds()`; a kind
without a handler stops the worker at start-up instead of never being claimed.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Self, TypedDict


class Declared(StrEnum):
    """A StrEnum whose members are written `NAME = "stored value", payload, …`: the
    value is what is stored; the rest goes to the subclass's `__init__`."""

    def __new__(cls, value: str, *declared: Any) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        return member


class InboxJob(TypedDict):
    activity: dict[str, Any]  # the verified, normalised activity
    signer: str
    recipient: str | None


class FederateJob(TypedDict):
    """`verb` plus that verb's own fields (see `jobs/verbs.py`)."""

    verb: str


class DeliverJob(TypedDict):
    activity_id: int
    inbox: str


class PublishScheduledJob(TypedDict):
    scheduled_status_id: int
    scheduled_at: str  # the time it was planned for; a stale job does nothing


class ClosePollJob(TypedDict):
    poll_id: int


class WebPushJob(TypedDict):
    subscription_id: int
    notification_id: int


class FetchCardJob(TypedDict):
    post_id: int


class PurgeDomainJob(TypedDict):
    domain: str  # a suspended domain: what is stored from it goes, in batches


class RefreshAllowListJob(TypedDict):
    subscription_id: int


class CheckAttestationsJob(TypedDict):
    actor_id: int  # a remote actor whose listed attestations are checked


class FollowInstanceJob(TypedDict):
    domain: str  # an instance whose actor this instance's actor follows


class LibraryBackfillJob(TypedDict):
    """One page of a subscribed instance's library (issue 14): its instance
    actor's outbox, read once this instance's follow of it is accepted."""

    actor_id: int  # the remote instance actor this instance's actor follows
    follow_uri: str  # that follow: an unfollow (or a newer follow) ends the run
    url: str | None  # the page to read; None: the outbox, then its first page
    pages: int  # how many pages were read before this one


class FetchSoftwareJob(TypedDict):
    origin: str  # a peer whose NodeInfo says what it runs (a group's announce form)


class DailyJob(TypedDict):
    day: str  # the UTC day it is for (its dedupe key): one run a day


class GroupLapsesJob(TypedDict, total=False):
    """Officials groups drop members whose office lapsed: one account's
    memberships (`actor_id`, after its offices changed), or every member of every
    officials group (`day`, the daily pass, its dedupe key)."""

    actor_id: int
    day: str


class SendMailJob(TypedDict):
    """One message to one address; the text is composed when the job is queued."""

    to: str
    subject: str
    text: str


class JobKind(Declared):
    """A kind of job. Sequential kinds run one at a time, in order, so that a Create
    is applied before the Delete that follows it; concurrent kinds wait on other
    sites and run beside each other up to `max_concurrent_deliveries`."""

    payload: type[Mapping[str, Any]]
    concurrent: bool

    def __init__(self, *declared: Any) -> None:
        _, self.payload, self.concurrent = declared  # the value is set by __new__

    INBOX = "inbox", InboxJob, False
    FEDERATE = "federate", FederateJob, False
    PUBLISH_SCHEDULED = "publish_scheduled", PublishScheduledJob, False
    CLOSE_POLL = "close_poll", ClosePollJob, False
    DELIVER = "deliver", DeliverJob, True
    WEB_PUSH = "web_push", WebPushJob, True
    FETCH_CARD = "fetch_card", FetchCardJob, True
    PURGE_DOMAIN = "purge_domain", PurgeDomainJob, False
    REFRESH_ALLOW_LIST = "refresh_allow_list", RefreshAllowListJob, True

    # Verified offices (issue 11): checks fetch from the issuers' origins.
    CHECK_ATTESTATIONS = "check_attestations", CheckAttestationsJob, True
    RECHECK_ATTESTATIONS = "recheck_attestations", DailyJob, True
    SYNC_TRUST = "sync_trust", DailyJob, True
    FOLLOW_INSTANCE = "follow_instance", FollowInstanceJob, True

    SEND_MAIL = "send_mail", SendMailJob, True

    # Groups (issue 13): what a member's server runs picks the announce's form.
    FETCH_SOFTWARE = "fetch_software", FetchSoftwareJob, True
    # Discussion groups (issue 13): an officials group's members stay officials.
    GROUP_LAPSES = "group_lapses", GroupLapsesJob, False

    # The library (issue 14): a new subscription reads the earlier items.
    LIBRARY_BACKFILL = "library_backfill", LibraryBackfillJob, True


def sequential_kinds() -> tuple[JobKind, ...]:
    return tuple(kind for kind in JobKind if not kind.concurrent)


def concurrent_kinds() -> tuple[JobKind, ...]:
    return tuple(kind for kind in JobKind if kind.concurrent)


def check_payload(kind: JobKind, payload: Mapping[str, Any]) -> None:
    """Refuse a payload that lacks a field its kind declares, before it is stored
    (a row the handler cannot read would only fail later, in the worker).

    Raises:
        TypeError: a required field is missing.
    """
    missing = kind.payload.__required_keys__ - payload.keys()  # type: ignore[attr-defined]
    if missing:
        raise TypeError(f"{kind} job without {', '.join(sorted(missing))}")
