"""The bounds of services/limits.py where their rules live: Mastodon's message past
each, the value kept at it, and no row written for a refused one."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fedcity.errors import Unprocessable
from fedcity.services import limits
from fedcity.services.accounts import accounts, oauth
from fedcity.services.discovery import tags
from fedcity.services.feeds import filters, lists
from fedcity.services.moderation import reports
from fedcity.services.social import follows
from fedcity.storage.models import FilterKeyword, OAuthApp, Report, Tag, UserList
from fedcity.urls import Urls
from tests.support.accounts import local_account

URLS = Urls("http://city.example")
OOB = ["urn:ietf:wg:oauth:2.0:oob"]


def message(field: str, maximum: int, unit: str = "characters") -> str:
    return f"Validation failed: {field} is too long (maximum is {maximum} {unit})"


async def rows(db, model) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)))


def test_check_length_allows_the_bound_and_names_the_field_past_it():
    limits.check_length("Title", "x" * 10, 10)
    limits.check_length("Title", None, 10)
    with pytest.raises(Unprocessable) as refused:
        limits.check_length("Title", "x" * 11, 10)
    assert refused.value.status == 422
    assert refused.value.message == message("Title", 10)


def test_check_count_says_what_is_counted():
    limits.check_count("Fields", 4, 4, "fields")
    with pytest.raises(Unprocessable) as refused:
        limits.check_count("Fields", 5, 4, "fields")
    assert refused.value.message == message("Fields", 4, "fields")


async def test_a_list_title_is_kept_whole_at_its_bound_and_refused_past_it(db):
    # Given an account
    me = await local_account(db, URLS, "mayor")
    title = "x" * limits.MAX_LIST_TITLE
    # When it makes a list with the longest title, then one with a longer one
    async with db.session() as session:
        kept = await lists.create_list(session, me, lists.ListFields(title))
    with pytest.raises(Unprocessable, match="Title is too long"):
        async with db.session() as session:
            await lists.create_list(session, me, lists.ListFields(title + "x"))
    # Then the first is kept whole (it used to be cut) and only it is stored
    assert kept.title == title
    assert await rows(db, UserList) == 1


async def test_a_filter_takes_keywords_up_to_its_bound(db):
    # Given a filter holding as many keywords as a filter may
    me = await local_account(db, URLS, "mayor")
    changes = [
        filters.KeywordChange(keyword=f"k{i}")
        for i in range(limits.MAX_FILTER_KEYWORDS)
    ]
    fields = filters.FilterFields(title="Noise", contexts=["home"], keywords=changes)
    async with db.session() as session:
        loaded = await filters.create_filter(session, me, fields)
    # When one more keyword is added to it
    with pytest.raises(Unprocessable) as refused:
        async with db.session() as session:
            await filters.add_keyword(session, loaded.filter, "one too many")
    # Then it is refused and the filter keeps its keywords
    assert refused.value.message == message(
        "Keywords", limits.MAX_FILTER_KEYWORDS, "items"
    )
    assert await rows(db, FilterKeyword) == limits.MAX_FILTER_KEYWORDS


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        (
            accounts.ProfileUpdate(display_name="x" * 31),
            message("Display name", limits.MAX_DISPLAY_NAME),
        ),
        (
            accounts.ProfileUpdate(fields=[{"name": "a", "value": "b"}] * 5),
            message("Fields", limits.MAX_PROFILE_FIELDS, "fields"),
        ),
        (
            accounts.ProfileUpdate(fields=[{"name": "x" * 256, "value": "b"}]),
            message("Field name", limits.MAX_PROFILE_FIELD_NAME),
        ),
        (
            accounts.ProfileUpdate(fields=[{"name": "a", "value": "x" * 256}]),
            message("Field value", limits.MAX_PROFILE_FIELD_VALUE),
        ),
    ],
)
def test_a_profile_past_its_bounds_is_refused(update, expected):
    with pytest.raises(Unprocessable) as refused:
        accounts.check_profile(update)
    assert refused.value.message == expected


def test_a_profile_at_its_bounds_passes():
    accounts.check_profile(
        accounts.ProfileUpdate(
            display_name="x" * limits.MAX_DISPLAY_NAME,
            fields=[{"name": "x" * 255, "value": "y" * 255}] * 4,
        )
    )


async def test_an_app_past_mastodons_bounds_is_not_registered(db):
    # When apps register with the longest name, then with longer ones
    before = await rows(db, OAuthApp)
    async with db.session() as session:
        await oauth.register_app(session, "x" * 60, OOB, ["read"], None)
    for name, website, uris, field, maximum in [
        ("x" * 61, None, OOB, "Application name", 60),
        ("Tusky", "https://t.example/" + "a" * 2000, OOB, "Website", 2000),
        ("Tusky", None, ["https://t.example/" + "a" * 2000], "Redirect URI", 2000),
    ]:
        with pytest.raises(Unprocessable) as refused:
            async with db.session() as session:
                await oauth.register_app(session, name, uris, ["read"], website)
        assert refused.value.message == message(field, maximum)
    # Then only the first app is stored
    assert await rows(db, OAuthApp) == before + 1


async def test_a_report_citing_too_many_rules_is_not_filed(db):
    # Given an account to report and an instance with one rule
    me = await local_account(db, URLS, "mayor")
    suspect = await local_account(db, URLS, "suspect")
    cited = ["1"] * (limits.MAX_REPORT_RULES + 1)
    # When a report cites that rule more times than a report may
    cmd = reports.NewReport(target_id=suspect.id, rule_ids=cited)
    with pytest.raises(Unprocessable) as refused:
        async with db.session() as session:
            await reports.file_report(session, URLS, me, cmd, ["1"])
    # Then it is refused and no report is kept
    assert refused.value.message == message(
        "Rule ids", limits.MAX_REPORT_RULES, "items"
    )
    assert await rows(db, Report) == 0


async def test_a_tag_name_past_its_bound_makes_no_tag(db):
    # When a tag is named at the bound, then past it
    before = await rows(db, Tag)
    async with db.session() as session:
        tag = await tags.get_or_create_tag(session, "#" + "a" * limits.MAX_TAG_NAME)
    with pytest.raises(Unprocessable) as refused:
        async with db.session() as session:
            await tags.get_or_create_tag(session, "a" * (limits.MAX_TAG_NAME + 1))
    # Then only the first is a tag
    assert tag.name == "a" * limits.MAX_TAG_NAME
    assert refused.value.message == message("Name", limits.MAX_TAG_NAME)
    assert await rows(db, Tag) == before + 1


def test_follow_languages_fit_their_column():
    # Twenty codes of 15 characters each pass the tag pattern but not the column
    codes = [f"en-{i:02d}abcdef-xyz" for i in range(limits.MAX_FOLLOW_LANGUAGES)]
    with pytest.raises(Unprocessable) as refused:
        follows.encode_languages(codes)
    assert refused.value.message == message(
        "Languages", limits.MAX_FOLLOW_LANGUAGES_TEXT
    )
    assert follows.encode_languages(codes[:15]) is not None
