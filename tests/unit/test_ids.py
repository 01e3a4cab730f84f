"""Snowflake ids: 64-bit, positive, unique, and ordered by creation time (clients
page with max_id/min_id, so an id created later must compare greater)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from fedcity import ids
from fedcity.ids import SnowflakeGenerator, id_floor_for, new_id, time_of

MAX_BIGINT = (1 << 63) - 1  # ids live in signed BIGINT columns on PostgreSQL


class FakeClock:
    """time.time_ns for the generator: frozen unless told to move."""

    def __init__(self, ms: int, step_ms: int = 0) -> None:
        self.ms = ms
        self.step_ms = step_ms

    def time_ns(self) -> int:
        now = self.ms
        self.ms += self.step_ms
        return now * 1_000_000


def strictly_increasing(values: list[int]) -> bool:
    return all(a < b for a, b in pairwise(values))


def test_ids_are_positive_and_fit_a_signed_64_bit_column():
    # Given the process-wide generator
    # When ids are made
    made = [new_id() for _ in range(1_000)]
    # Then each is a positive int that fits PostgreSQL's BIGINT
    assert all(isinstance(i, int) and 0 < i <= MAX_BIGINT for i in made)


def test_ids_strictly_increase_over_many_calls_across_milliseconds(monkeypatch):
    # Given a clock that moves one millisecond every few calls
    clock = FakeClock(1_800_000_000_000)
    monkeypatch.setattr(ids.time, "time_ns", clock.time_ns)
    generator = SnowflakeGenerator()
    made = []
    # When ids are made over 2,000 milliseconds
    for _ in range(2_000):
        made.extend(generator.next_id() for _ in range(5))
        clock.ms += 1
    # Then each is greater than the one before
    assert strictly_increasing(made)


def test_ids_keep_increasing_when_the_clock_steps_back(monkeypatch):
    # Given ids made at some millisecond, then the clock is set back (NTP)
    clock = FakeClock(1_800_000_000_000)
    monkeypatch.setattr(ids.time, "time_ns", clock.time_ns)
    generator = SnowflakeGenerator()
    before = [generator.next_id() for _ in range(3)]
    clock.ms -= 5_000
    # When more ids are made
    after = [generator.next_id() for _ in range(3)]
    # Then they still sort after the earlier ones
    assert strictly_increasing(before + after)


def test_ids_strictly_increase_within_one_busy_millisecond(monkeypatch):
    # Given a frozen clock and a sequence that starts near the top of its range
    monkeypatch.setattr(ids.time, "time_ns", FakeClock(1_800_000_000_000).time_ns)
    monkeypatch.setattr(ids.secrets, "randbelow", lambda n: n - 10)
    generator = SnowflakeGenerator()
    # When more ids are made in that millisecond than the sequence has left
    made = [generator.next_id() for _ in range(100)]
    # Then they still strictly increase
    assert strictly_increasing(made)


def test_burst_of_100k_is_strictly_increasing_on_a_frozen_clock(monkeypatch):
    # Given a clock that does not move during the burst (a fast machine, or a
    # coarse clock), and any sequence start but zero
    monkeypatch.setattr(ids.time, "time_ns", FakeClock(1_800_000_000_000).time_ns)
    monkeypatch.setattr(ids.secrets, "randbelow", lambda n: 1_234)
    generator = SnowflakeGenerator()
    # When 100k ids are made (more than one millisecond's 65,536)
    made = [generator.next_id() for _ in range(100_000)]
    # Then they are in creation order
    assert strictly_increasing(made)


def test_burst_of_100k_ids_is_unique_on_a_frozen_clock(monkeypatch):
    # Given a clock that does not move during the burst
    monkeypatch.setattr(ids.time, "time_ns", FakeClock(1_800_000_000_000).time_ns)
    generator = SnowflakeGenerator()
    # When 100k ids are made, more than one millisecond can hold
    made = [generator.next_id() for _ in range(100_000)]
    # Then none repeats (the generator borrows the next millisecond)
    assert len(set(made)) == len(made)


def test_burst_of_100k_ids_on_the_real_clock_is_unique():
    # Given the real clock
    generator = SnowflakeGenerator()
    # When 100k ids are made as fast as possible
    made = [generator.next_id() for _ in range(100_000)]
    # Then none repeats
    assert len(set(made)) == len(made)


def test_id_encodes_the_moment_it_was_made():
    # Given the time just before and just after making an id
    before = time.time()
    made = new_id()
    after = time.time()
    # When its time is read back
    moment = time_of(made)
    # Then it lies between them (to the millisecond)
    assert before - 0.001 <= moment <= after + 0.001


def test_id_floor_separates_ids_made_before_and_after_a_moment():
    # Given an id made, then a moment a few milliseconds later
    earlier = new_id()
    time.sleep(0.005)
    moment = datetime.now(UTC)
    time.sleep(0.002)
    # When another id is made
    later = new_id()
    # Then the floor of that moment sorts between them (time-based paging)
    assert earlier < id_floor_for(moment) <= later


def test_id_floor_is_ordered_by_time():
    # Given two moments a millisecond apart
    moment = datetime(2030, 1, 1, tzinfo=UTC)
    # When their floors are computed
    # Then the later moment has the larger floor, and the floor has no sequence bits
    assert id_floor_for(moment) < id_floor_for(moment + timedelta(milliseconds=1))
    assert time_of(id_floor_for(moment)) == moment.timestamp()


@pytest.mark.parametrize(
    "value",
    [
        *["²", "-1", "1e3", " 1", "1 ", "+1", "1_0", "\u0661", "", "abc", "1.0"],
        *[str(MAX_BIGINT + 1), "9" * 5000, True, None, -1, MAX_BIGINT + 1, 1.0],
    ],
)
def test_what_is_not_an_id_parses_to_none(value):
    assert ids.parse_id(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", 0), ("17", 17), ("007", 7), (str(MAX_BIGINT), MAX_BIGINT), (42, 42)],
)
def test_ascii_digits_within_64_bits_parse(value, expected):
    assert ids.parse_id(value) == expected
