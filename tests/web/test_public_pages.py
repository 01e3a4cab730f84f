"""The instance's public pages: home, about, rules, privacy policy, terms of
service and apps, in the layout and the visitor's language, with link previews."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fedcity.config_values import RuleSetting, TermsVersion
from tests.support.http import post_status
from tests.support.pages import browser, h1, meta


async def test_home_says_what_the_instance_is_and_shows_local_posts(make_instance):
    # Given a city instance with a description, a contact, a rule and an admin who
    # posted
    instance = await make_instance(
        instance={
            "description": "The city of Springfield",
            "contact_email": "web@springfield.example",
            "rules": (RuleSetting("Be civil"),),
        }
    )
    await instance.create_account("mayor", display_name="Mayor Ruiz", role="admin")
    async with browser(instance) as http:
        await post_status(instance, http, "mayor", "Town hall at 6")
        # When a signed-out visitor opens the home page
        reply = await http.get("/")
    # Then it names the instance, who runs it, its rules, its posts and how to join
    assert reply.status == 200
    assert '<html lang="en">' in reply.text
    assert h1(reply.text) == "city"
    for shown in (
        "The city of Springfield",
        "mailto:web@springfield.example",
        "Mayor Ruiz",
        "Be civil",
        "Town hall at 6",
        'href="/auth/sign_in"',
        "Ask the operators for an invitation",
    ):
        assert shown in reply.text, shown
    assert meta(reply.text, "og:title") == "city"
    assert meta(reply.text, "og:url") == f"{instance.base_url}/"


async def test_home_is_in_spanish_for_a_spanish_browser(instance):
    # Given a visitor whose browser prefers Spanish
    async with browser(instance) as http:
        # When they open the home page
        reply = await http.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"})
    # Then the page says it is in Spanish
    assert reply.status == 200
    assert '<html lang="es">' in reply.text
    assert reply.headers["Content-Language"] == "es"


async def test_about_page_shows_the_extended_description(make_instance, tmp_path):
    # Given an extended description written in Markdown, with raw HTML in it
    about = tmp_path / "about.md"
    about.write_text("## Our city\n\nWe *publish* here.\n\n<script>x()</script>\n")
    instance = await make_instance(instance={"extended_description": str(about)})
    async with browser(instance) as http:
        # When the about page is opened
        reply = await http.get("/about")
    # Then it shows the text rendered, without the raw HTML
    assert reply.status == 200
    assert h1(reply.text) == "About city"
    assert "<em>publish</em>" in reply.text
    assert "<script>x()" not in reply.text


async def test_rules_page_lists_rules_with_their_hints(make_instance):
    # Given two rules, one with a hint
    rules = (RuleSetting("Be civil"), RuleSetting("No spam", "Ads included"))
    instance = await make_instance(instance={"rules": rules})
    async with browser(instance) as http:
        # When the rules page is opened
        reply = await http.get("/rules")
    # Then both rules are listed in order, with the hint
    assert reply.status == 200
    assert h1(reply.text) == "Rules"
    text = reply.text
    assert text.index("Be civil") < text.index("No spam") < text.index("Ads included")


async def test_privacy_policy_is_fedcitys_own_without_one(instance):
    # Given an instance whose operators wrote no privacy policy
    async with browser(instance) as http:
        # When its page is opened
        reply = await http.get("/privacy-policy")
    # Then fedcity's default policy is shown, naming the instance
    assert reply.status == 200
    assert h1(reply.text) == "Privacy policy"
    assert instance.domain in reply.text


async def test_terms_page_shows_the_version_in_force_and_lists_the_others(
    make_instance, tmp_path
):
    # Given terms of service in two versions, the newer in force
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    old.write_text("Old terms")
    new.write_text("New terms")
    since = datetime.now(UTC).date() - timedelta(days=1)
    earlier = since - timedelta(days=30)
    terms = (TermsVersion(earlier, str(old)), TermsVersion(since, str(new)))
    instance = await make_instance(instance={"terms_of_service": terms})
    async with browser(instance) as http:
        # When the terms page and the older version's page are opened
        current = await http.get("/terms-of-service")
        former = await http.get(f"/terms-of-service/{earlier.isoformat()}")
        unknown = await http.get("/terms-of-service/1999-01-01")
    # Then the page shows the new terms and links the old ones, which have a page
    assert current.status == 200
    assert h1(current.text) == "Terms of service"
    assert "New terms" in current.text
    assert f'href="/terms-of-service/{earlier.isoformat()}"' in current.text
    assert former.status == 200
    assert "Old terms" in former.text
    assert unknown.status == 404


async def test_apps_page_links_apps_and_names_the_server(instance):
    # Given a running instance
    async with browser(instance) as http:
        # When the apps page is opened
        reply = await http.get("/apps")
    # Then it links Mastodon apps and says which server to enter
    assert reply.status == 200
    assert h1(reply.text) == "Apps for everyday use"
    assert 'href="https://tusky.app/"' in reply.text
    assert f"<strong>{instance.domain}</strong>" in reply.text
    assert "<img" not in reply.text


async def test_public_pages_refuse_to_be_framed(instance):
    # Given a running instance
    async with browser(instance) as http:
        # When its home page is fetched
        reply = await http.get("/")
    # Then no other site may frame it
    assert "frame-ancestors 'none'" in reply.headers["Content-Security-Policy"]
    assert reply.headers["X-Frame-Options"] == "DENY"
