"""Sign-up against a `fedcity serve` process with a loopback SMTP server (issue
12), through Mastodon.py and plain HTTP: an invite naming an office, the
confirmation mail and its link, the office confirmed by an admin, login through
OAuth, an approved-domain address let in without review, an applicant approved
through Mastodon's admin API, and the rate limit answering 429."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests
from mastodon import Mastodon, MastodonAPIError

from tests.support.browser import OOB, Browser, authorization_code
from tests.support.databases import MigratedTemplates
from tests.support.mail import MailBox, link_in, smtp_server
from tests.support.processes import CliInstance

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sign_up")]

PASSWORD = "a long unusual passphrase"
SCOPES = ["read", "write", "follow", "push"]
ADMIN_SCOPES = "read write admin:read admin:write"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class City:
    def __init__(self, instance: CliInstance, mailbox: MailBox) -> None:
        self.instance, self.mailbox = instance, mailbox
        self.base = instance.base_url
        instance.cli(
            "account", "create", "admin", "--password", PASSWORD, "--role", "admin"
        )
        self.admin_token = instance.cli(
            "token", "create", "admin", "--scopes", ADMIN_SCOPES
        ).stdout.strip()
        client_id, secret = Mastodon.create_app(
            "Sign-up Desk", scopes=SCOPES, redirect_uris=OOB, api_base_url=self.base
        )
        self.client_id, self.client_secret = client_id, secret

    def app(self, token: str | None = None) -> Mastodon:
        return Mastodon(
            client_id=self.client_id,
            client_secret=self.client_secret,
            access_token=token,
            api_base_url=self.base,
            request_timeout=30,
        )

    def confirm(self, address: str) -> str:
        """Follow the link of the confirmation mail the server sent to `address`."""
        page = requests.get(link_in(self.mailbox.wait_for(address)), timeout=30)
        assert page.status_code == 200, page.text
        return page.text


@pytest.fixture(scope="module")
def city(
    tmp_path_factory: pytest.TempPathFactory, templates: MigratedTemplates
) -> Iterator[City]:
    """One approval-mode instance that trusts cityofojai.org, with its mail going
    to a loopback SMTP server."""
    root = tmp_path_factory.mktemp("sign_up")
    with smtp_server() as mailbox:
        db = templates.clone_sqlite(root / "city.sqlite")
        instance = CliInstance(root, "ojai", db)
        instance.config.write_text(
            instance.config.read_text()
            + '\n[registration]\nmode = "approval"\nemail_domains = ["cityofojai.org"]\n'
            + f'\n[mail]\nhost = "127.0.0.1"\nport = {mailbox.port}\nsecurity = "none"\n'
            + 'from = "City of Ojai <noreply@cityofojai.org>"\n'
        )
        instance.start()
        try:
            yield City(instance, mailbox)
        finally:
            instance.stop()


def test_an_invited_mayor_confirms_signs_in_by_oauth_and_gets_the_office(city):
    # Given an invite made on the command line for the mayor of Ojai
    url = city.instance.cli(
        "invite", "create", "--uses", "1", "--expires", "7d",
        "--office-role", "mayor", "--jurisdiction", "Ojai, CA",
    ).stdout.strip()  # fmt: skip
    code = url.rsplit("/", 1)[1]
    assert requests.get(url, timeout=30).status_code == 200
    # When an app signs the mayor up with it (plain HTTP: Mastodon.py sends no
    # invite_code), with an app token
    app_token = requests.post(
        f"{city.base}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": city.client_id,
            "client_secret": city.client_secret,
            "scope": "read write",
        },
        timeout=30,
    ).json()["access_token"]
    reply = requests.post(
        f"{city.base}/api/v1/accounts",
        headers={"Authorization": f"Bearer {app_token}"},
        data={
            "username": "mayor",
            "email": "mayor@ojai.example",
            "password": PASSWORD,
            "agreement": "true",
            "locale": "en",
            "invite_code": code,
        },
        timeout=30,
    )
    assert reply.status_code == 200, reply.text
    mayor = city.app(reply.json()["access_token"])
    # Then the account reads its credentials but cannot post before confirming
    assert mayor.account_verify_credentials()["username"] == "mayor"
    with pytest.raises(MastodonAPIError, match="confirmed e-mail address"):
        mayor.status_post("Hello Ojai")
    # When the confirmation mail arrives and its link is followed
    assert "confirmed" in city.confirm("mayor@ojai.example")
    # Then the invited mayor is in without review, and signs in through OAuth
    oauth = city.app()
    login_url = oauth.auth_request_url(scopes=SCOPES, allow_http=True)
    oauth.log_in(
        code=authorization_code(Browser().authorize(login_url, "mayor", PASSWORD)),
        scopes=SCOPES,
        allow_http=True,
    )
    assert oauth.status_post("Office hours on Friday")["id"]
    # And the office the invite named waits for an admin, who confirms it
    headers = {"Authorization": f"Bearer {city.admin_token}"}
    claims = requests.get(
        f"{city.base}/api/v1/fedcity/admin/office_claims", headers=headers, timeout=30
    ).json()
    (claim,) = [c for c in claims if c["account"]["username"] == "mayor"]
    done = requests.post(
        f"{city.base}/api/v1/fedcity/admin/office_claims/{claim['id']}/confirm",
        headers=headers,
        timeout=30,
    )
    assert done.status_code == 200, done.text
    listed = city.instance.cli("official", "list").stdout
    assert "@mayor@" in listed
    assert "Ojai, CA" in listed


def test_an_approved_domain_passes_and_others_wait_for_an_admin(city):
    # Given an admin using Mastodon.py's admin methods
    admin = city.app(city.admin_token)
    # When a clerk at a subdomain of cityofojai.org and a planner elsewhere sign up
    clerk = city.app(
        city.app().create_account(
            "clerk", PASSWORD, "clerk@hall.cityofojai.org", agreement=True
        )
    )
    planner = city.app(
        city.app().create_account(
            "planner",
            PASSWORD,
            "planner@ojai.example",
            agreement=True,
            reason="Planning",
        )
    )
    city.confirm("clerk@hall.cityofojai.org")
    city.confirm("planner@ojai.example")
    # Then the clerk posts at once, the planner waits in the queue
    assert clerk.status_post("Agenda is up")["id"]
    with pytest.raises(MastodonAPIError, match="pending approval"):
        planner.status_post("Hello")
    pending = admin.admin_accounts_v2(status="pending")
    assert [a["username"] for a in pending] == ["planner"]
    assert pending[0]["invite_request"] == "Planning"
    # When the admin approves the planner
    approved = admin.admin_account_approve(pending[0]["id"])
    assert approved["approved"] is True
    # Then the planner hears of it by mail and posts
    assert city.mailbox.wait_for_subject("planner@ojai.example", "is approved")
    assert planner.status_post("Zoning map is out")["id"]


def test_password_reset_requests_are_rate_limited(city):
    # Given a browser on the password reset page
    browser = requests.Session()
    page = browser.get(f"{city.base}/auth/password/new", timeout=30)
    csrf = CSRF.search(page.text)
    assert csrf is not None

    def ask() -> requests.Response:
        return browser.post(
            f"{city.base}/auth/password/new",
            data={"csrf_token": csrf.group(1), "login": "planner"},
            timeout=30,
        )

    # When it asks for more links for one account than the limit allows
    answers = [ask().status_code for _ in range(5)]
    refused = ask()
    # Then the sixth is refused with Mastodon's rate-limit headers
    assert answers == [200] * 5
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.headers["X-RateLimit-Limit"] == "5"
    assert refused.headers["X-RateLimit-Remaining"] == "0"
