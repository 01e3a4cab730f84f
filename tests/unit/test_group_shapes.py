"""Reading a group's relays (federation.parse.groups): which group an activity is
about, how long a ban lasts, which context is the thread's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fedcity.federation.parse.groups import (
    ban_end,
    names_group,
    read_relayed,
    reason_of,
    thread_context,
)

GROUP = "https://lemmy.example/c/main"


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"target": GROUP}, True),  # Lemmy's and Mbin's Block
        ({"audience": GROUP}, True),
        ({"cc": [GROUP]}, True),  # Mbin's Lock
        ({"target": "https://lemmy.example/", "cc": [GROUP]}, False),  # a site ban
        ({"audience": "https://lemmy.example/u/main"}, False),  # Lemmy's test quirk
    ],
)
def test_an_activity_names_its_group(doc, expected):
    assert names_group(doc, GROUP) is expected


def test_a_ban_ends_at_lemmys_end_time_or_mbins_expires():
    end = datetime(2030, 1, 1, tzinfo=UTC)
    assert ban_end({"endTime": "2030-01-01T00:00:00Z"}) == end
    assert ban_end({"expires": "2030-01-01T00:00:00+00:00"}) == end
    assert ban_end({"expires": None}) is None


def test_mbins_blank_reason_is_no_reason():
    assert reason_of({"summary": " "}) == ""
    assert reason_of({"summary": "bad comment"}) == "bad comment"


def test_the_thread_context_is_the_groups_own():
    mine = "https://lemmy.example/post/1/context"
    theirs = "tag:mastodon.example,2025:objectId=1:objectType=Conversation"
    assert thread_context({"context": mine}, None, GROUP) == mine
    assert thread_context({}, mine, GROUP) == mine
    assert thread_context({}, theirs, GROUP) is None


def test_an_undo_reads_the_undone_activity():
    like = {
        "type": "Like",
        "id": "https://b.example/l/1",
        "actor": "https://b.example/u/x",
    }
    relayed = read_relayed(
        {"type": "Undo", "actor": "https://b.example/u/x", "object": like}
    )
    assert relayed.undone == like
    assert relayed.object_id == like["id"]
    note = read_relayed(
        {
            "type": "Note",
            "id": "https://b.example/n/1",
            "attributedTo": "https://b.example/u/x",
        }
    )
    assert note.is_post
    assert note.actor == "https://b.example/u/x"
