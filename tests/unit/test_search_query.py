"""Mastodon's status search syntax, parsed (services.search_query)."""

from __future__ import annotations

from datetime import UTC, datetime

from fedcity.services.discovery.search_query import Filter, parse, parse_moment
from fedcity.storage.fulltext import Words


def test_words_phrases_and_exclusions():
    # Given a query with a word, a phrase, an excluded word and an excluded phrase
    parsed = parse('pothole "elm street" -oak -"main road" +repair')
    # Then each lands where it belongs
    assert parsed.required == [
        Words("pothole"),
        Words("elm street", phrase=True),
        Words("repair"),
    ]
    assert parsed.excluded == [Words("oak"), Words("main road", phrase=True)]


def test_typographic_quotes_make_phrases():
    assert parse("«elm street»").required == [Words("elm street", phrase=True)]
    assert parse("“elm street”").required == [Words("elm street", phrase=True)]


def test_hashtags_are_normalised_tag_clauses():
    parsed = parse("#Potholes -#Closed")
    assert parsed.tags == ["potholes"]
    assert parsed.excluded_tags == ["closed"]
    assert parsed.required == []


def test_known_prefixes_are_filters_and_in_is_a_scope():
    parsed = parse('from:@mayor@city.example -is:reply has:"poll" in:library')
    assert parsed.filters == [
        Filter("from", "@mayor@city.example"),
        Filter("is", "reply", excluded=True),
        Filter("has", "poll"),
    ]
    assert parsed.scope == "library"


def test_an_unknown_prefix_is_read_as_words():
    # As Mastodon: "foo:bar" searches for the words "foo bar"
    assert parse("https://city.example").required == [Words("https //city.example")]
    assert parse("note:urgent").required == [Words("note urgent")]


def test_a_query_of_punctuation_is_empty():
    assert parse(' - !!! "" _ ').is_empty
    assert not parse("in:public").is_empty


def test_moments_are_days_or_instants_in_utc():
    day = parse_moment("2024-03-10")
    assert day is not None
    assert day.whole_day
    assert day.start == datetime(2024, 3, 10, tzinfo=UTC)
    assert day.end == datetime(2024, 3, 11, tzinfo=UTC)
    instant = parse_moment("2024-03-10T15:30:00Z")
    assert instant is not None
    assert not instant.whole_day
    assert instant.day.start == datetime(2024, 3, 10, tzinfo=UTC)
    assert parse_moment("yesterday") is None
