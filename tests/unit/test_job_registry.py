"""The job and verb declarations agree with what is registered for them."""

from __future__ import annotations

import typing

import pytest

from fedcity.federation.dispatch import HANDLERS, load_handlers
from fedcity.federation.outbox.publish import BUILDERS, load_builders
from fedcity.jobs.kinds import JobKind, check_payload
from fedcity.jobs.verbs import (
    FollowUndone,
    PostRef,
    Verb,
    federate_payload,
    read_federate_payload,
)
from fedcity.push.crypto import generate_vapid_key, load_vapid_key
from fedcity.runtime.registry import job_handlers
from fedcity.runtime.worker import Worker


def test_every_job_kind_has_a_handler():
    handlers = job_handlers(load_vapid_key(generate_vapid_key()[0]))
    assert set(handlers) == set(JobKind)


def test_a_worker_without_a_handler_for_a_kind_refuses_to_start():
    handlers = job_handlers(load_vapid_key(generate_vapid_key()[0]))
    del handlers[JobKind.CLOSE_POLL]
    with pytest.raises(ValueError, match="close_poll"):
        Worker(None, handlers)  # type: ignore[arg-type]


def test_job_kinds_keep_the_names_stored_in_databases():
    assert {kind.value for kind in JobKind} == {
        "inbox",
        "federate",
        "deliver",
        "publish_scheduled",
        "close_poll",
        "web_push",
        "fetch_card",
        "purge_domain",
        "refresh_allow_list",
        "check_attestations",
        "recheck_attestations",
        "sync_trust",
        "follow_instance",
        "send_mail",
        "group_lapses",
        "fetch_software",
        "library_backfill",
    }
    assert {k for k in JobKind if k.concurrent} == {
        JobKind.DELIVER,
        JobKind.WEB_PUSH,
        JobKind.FETCH_CARD,
        JobKind.REFRESH_ALLOW_LIST,
        JobKind.CHECK_ATTESTATIONS,
        JobKind.RECHECK_ATTESTATIONS,
        JobKind.SYNC_TRUST,
        JobKind.FOLLOW_INSTANCE,
        JobKind.SEND_MAIL,
        JobKind.FETCH_SOFTWARE,
        JobKind.LIBRARY_BACKFILL,
    }


def test_every_verb_has_exactly_one_builder_taking_its_payload():
    load_builders()
    assert set(BUILDERS) == set(Verb)
    for verb, builder in BUILDERS.items():
        hints = typing.get_type_hints(builder)
        assert hints["payload"] is verb.payload, verb


def test_a_federate_payload_is_stored_as_before():
    stored = federate_payload(Verb.UNDO_FOLLOW, FollowUndone(1, 2, "https://f/1"))
    assert stored == {
        "verb": "UndoFollow",
        "actor_id": 1,
        "target_id": 2,
        "follow_uri": "https://f/1",
    }
    assert read_federate_payload({"verb": "Create", "post_id": 7}) == (
        Verb.CREATE,
        PostRef(7),
    )


def test_a_payload_of_another_verb_is_refused():
    with pytest.raises(TypeError):
        federate_payload(Verb.FOLLOW, PostRef(1))


def test_a_job_payload_missing_a_declared_field_is_refused():
    with pytest.raises(TypeError, match="poll_id"):
        check_payload(JobKind.CLOSE_POLL, {})


def test_inbound_handlers_cover_the_split_create_and_undo():
    load_handlers()
    for key in [
        ("Create", "Note"),
        ("Create", "Question"),
        ("Undo", "Follow"),
        ("Undo", "Like"),
        ("Undo", "Announce"),
        ("Undo", "Block"),
        ("Delete", None),
        ("Follow", None),
        ("Accept", None),
        ("Reject", None),
    ]:
        assert key in HANDLERS, key
