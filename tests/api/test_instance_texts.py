"""Rules, extended description, privacy policy, terms of service, translation
languages, moderated domains and /health, from the instance's settings."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from fedcity.config_values import RuleSetting, TermsVersion
from tests.support.http import Http

pytestmark = pytest.mark.usefixtures("backend")

RULES = (RuleSetting("Be civil"), RuleSetting("No spam", "Ads go to the market board"))


@pytest.fixture
async def texts(tmp_path):
    """An extended description in Markdown and a privacy policy in HTML."""
    about = tmp_path / "about.md"
    about.write_text(
        "# Our city\n\nRun by the **clerk's office**.\n\n<script>x</script>"
    )
    privacy = tmp_path / "privacy.html"
    privacy.write_text('<h1>Privacy</h1><p onclick="x()">We keep little.</p>')
    stamp = datetime(2025, 3, 1, 12, 0, tzinfo=UTC).timestamp()
    os.utime(about, (stamp, stamp))
    return {"extended_description": str(about), "privacy_policy": str(privacy)}


async def test_rules_are_listed_with_ids_and_hints(make_instance):
    # Given an instance with two configured rules
    instance = await make_instance(instance={"rules": RULES})
    async with aiohttp.ClientSession() as session:
        http = Http(session, instance.base_url)
        # When the rules and both instance documents are read
        rules = (await http.get("/api/v1/instance/rules")).json()
        v1 = (await http.get("/api/v1/instance")).json()
        v2 = (await http.get("/api/v2/instance")).json()
    # Then each lists them in order, ids by position, hints kept
    assert rules == [
        {"id": "1", "text": "Be civil", "hint": ""},
        {"id": "2", "text": "No spam", "hint": "Ads go to the market board"},
    ]
    assert v1["rules"] == rules == v2["rules"]


async def test_extended_description_is_rendered_markdown_with_its_file_date(
    make_instance, texts
):
    # Given an extended description written in Markdown
    instance = await make_instance(instance=texts)
    async with aiohttp.ClientSession() as session:
        # When it is read
        reply = await Http(session, instance.base_url).get(
            "/api/v1/instance/extended_description"
        )
    # Then it is HTML, without raw HTML from the file, dated by the file
    body = reply.json()
    assert "<h1>Our city</h1>" in body["content"]
    assert "<strong>clerk's office</strong>" in body["content"]
    assert "<script>" not in body["content"]
    assert body["updated_at"] == "2025-03-01T12:00:00.000Z"


async def test_without_a_description_the_answer_is_mastodons_empty_one(instance):
    # Given no extended description configured
    async with aiohttp.ClientSession() as session:
        # When it is read (Mastodon sends updated_at null here, which its published
        # description does not allow: tests/support/openapi.py CORRECTIONS)
        reply = await Http(session, instance.base_url).get(
            "/api/v1/instance/extended_description"
        )
    # Then it is empty
    assert reply.json() == {"updated_at": None, "content": ""}


async def test_privacy_policy_is_sanitised_html(make_instance, texts):
    # Given a privacy policy written in HTML
    instance = await make_instance(instance=texts)
    async with aiohttp.ClientSession() as session:
        # When it is read
        reply = await Http(session, instance.base_url).get(
            "/api/v1/instance/privacy_policy"
        )
    # Then its markup is kept, event handlers are not
    assert reply.status == 200
    assert "<h1>Privacy</h1>" in reply.json()["content"]
    assert "onclick" not in reply.json()["content"]


async def test_without_texts_the_default_policy_is_served_and_terms_are_not_found(
    make_instance, tmp_path
):
    # Given an instance whose operators wrote no policy and no terms
    instance = await make_instance(
        "Ojai", instance={"contact_email": "clerk@ojai.example"}
    )
    # When they are asked for
    async with aiohttp.ClientSession() as session:
        http = Http(session, instance.base_url)
        policy = await http.get("/api/v1/instance/privacy_policy")
        terms = await http.get("/api/v1/instance/terms_of_service")
    # Then fedcity's own policy is served, naming the instance and its contact
    assert policy.status == 200
    content = policy.json()["content"]
    assert "<h1>Privacy policy of Ojai</h1>" in content
    assert instance.domain in content
    assert "clerk@ojai.example" in content
    assert "one-way hash" in content
    assert "$" not in content  # every placeholder was filled
    assert policy.json()["updated_at"] == "2026-12-02T00:00:00.000Z"
    # And the terms are 404, as Mastodon answers for missing terms
    assert terms.status == 404
    assert terms.json() == {"error": "Record not found"}


async def test_a_configured_policy_that_cannot_be_read_is_not_found(
    make_instance, tmp_path
):
    # Given a policy file named in the config that is not there
    instance = await make_instance(
        instance={"privacy_policy": str(tmp_path / "missing.md")}
    )
    # When it is asked for
    async with aiohttp.ClientSession() as session:
        reply = await Http(session, instance.base_url).get(
            "/api/v1/instance/privacy_policy"
        )
    # Then it is 404, not the default text in its place
    assert reply.status == 404


async def test_terms_in_force_name_their_successor_and_versions_by_date(
    make_instance, tmp_path
):
    # Given terms in force since last year and newer ones from next month
    old, new = tmp_path / "tos-old.md", tmp_path / "tos-new.md"
    old.write_text("Old terms")
    new.write_text("New terms")
    today = datetime.now(UTC).date()
    last_year = today - timedelta(days=365)
    next_month = today + timedelta(days=30)
    versions = (TermsVersion(last_year, str(old)), TermsVersion(next_month, str(new)))
    instance = await make_instance(instance={"terms_of_service": versions})
    async with aiohttp.ClientSession() as session:
        http = Http(session, instance.base_url)
        # When the current terms and the coming ones are read
        current = (await http.get("/api/v1/instance/terms_of_service")).json()
        coming = await http.get(
            f"/api/v1/instance/terms_of_service/{next_month.isoformat()}"
        )
        unknown = await http.get("/api/v1/instance/terms_of_service/2001-01-01")
    # Then the old ones are in force and name the new ones' date
    assert current["content"] == "<p>Old terms</p>\n"
    assert current["effective"] is True
    assert current["effective_date"] == last_year.isoformat()
    assert current["succeeded_by"] == next_month.isoformat()
    assert coming.json()["effective"] is False
    assert coming.json()["succeeded_by"] is None
    assert unknown.status == 404


async def test_no_translation_languages(instance, http):
    # Given fedcity, which has no translation service
    # When the translation languages are asked for
    reply = await http.get("/api/v1/instance/translation_languages")
    # Then there are none
    assert (reply.status, reply.json()) == (200, {})


async def test_blocked_domains_are_hidden_unless_shown(make_instance):
    # Given a blocklist that is not shown (the default) and one shown to all
    hidden = await make_instance(blocked_domains=("spam.example",))
    shown = await make_instance(
        blocked_domains=("spam.example",), show_blocked_domains="all"
    )
    async with aiohttp.ClientSession() as session:
        # When each is asked for its moderated servers
        refused = await Http(session, hidden.base_url).get(
            "/api/v1/instance/domain_blocks"
        )
        listed = await Http(session, shown.base_url).get(
            "/api/v1/instance/domain_blocks"
        )
    # Then the first answers 404, the second lists the suspension with its digest
    assert refused.status == 404
    assert listed.json() == [
        {
            "domain": "spam.example",
            "digest": hashlib.sha256(b"spam.example").hexdigest(),
            "severity": "suspend",
            "comment": None,
        }
    ]


async def test_blocked_domains_shown_to_users_need_a_signed_in_account(make_instance):
    # Given a blocklist shown to signed-in accounts only
    instance = await make_instance(
        blocked_domains=("spam.example",), show_blocked_domains="users"
    )
    await instance.create_account("mayor")
    async with aiohttp.ClientSession() as session:
        http = Http(session, instance.base_url)
        # When it is asked for anonymously and with a token
        anonymous = await http.get("/api/v1/instance/domain_blocks")
        signed_in = await http.get(
            "/api/v1/instance/domain_blocks", token=await instance.token("mayor")
        )
    # Then only the signed-in account sees it
    assert anonymous.status == 404
    assert [b["domain"] for b in signed_in.json()] == ["spam.example"]


async def test_health_answers_ok_in_plain_text(instance, http):
    # Given a running instance
    # When /health is asked
    reply = await http.get("/health")
    # Then it answers OK as Mastodon does
    assert (reply.status, reply.text, reply.content_type) == (200, "OK", "text/plain")
