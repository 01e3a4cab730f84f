"""Signing up in a browser (issue 12): the sign-up page and /invite/CODE, the
confirmation link from a real loopback SMTP server, the password reset by mail,
the rate limits of sign-in and reset, and the admin's sign-ups page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from fedcity.config import RegistrationSettings
from fedcity.services.accounts.sign_in import FailureLimiter
from fedcity.services.moderation import action_log
from fedcity.web.rate_limits import RATE_LIMITS
from tests.support.instances import LiveInstance
from tests.support.mail import MailBox, link_in
from tests.web.accounts.browser import WebBrowser

PASSWORD = "a long unusual passphrase"
MakeInstance = Callable[..., Awaitable[LiveInstance]]


@pytest.fixture
async def visitor() -> AsyncIterator[Callable[[LiveInstance], WebBrowser]]:
    made: list[WebBrowser] = []

    def make(instance: LiveInstance) -> WebBrowser:
        made.append(WebBrowser(instance.base_url))
        return made[-1]

    yield make
    for client in made:
        await client.close()


async def _city(
    make_instance: MakeInstance, mailbox: MailBox, mode: str
) -> LiveInstance:
    return await make_instance(
        registration=RegistrationSettings(mode=mode), mail=mailbox.settings
    )


def _form(username: str, email: str, **extra: str) -> dict[str, str]:
    return {
        "username": username,
        "email": email,
        "password": PASSWORD,
        "password_confirmation": PASSWORD,
        "agreement": "1",
        **extra,
    }


async def test_sign_up_confirm_then_sign_in(make_instance, mailbox, visitor):
    # Given an open instance: its home page links to the sign-up page
    instance = await _city(make_instance, mailbox, "open")
    browser = visitor(instance)
    assert 'href="/auth/sign_up"' in (await browser.get("/")).text
    form = await browser.get("/auth/sign_up")
    assert form.status == 200
    assert 'autocomplete="new-password"' in form.text
    # When the two passwords differ
    mismatch = await browser.post(
        "/auth/sign_up", _form("clerk", "clerk@ojai.example", password_confirmation="x")
    )
    # Then the form comes back with the values kept
    assert mismatch.status == 422
    assert 'value="clerk@ojai.example"' in mismatch.text
    # When it is filled in right
    done = await browser.post("/auth/sign_up", _form("clerk", "clerk@ojai.example"))
    assert done.status == 200
    assert "clerk@ojai.example" in done.text
    # Then signing in waits for the address
    early = await browser.sign_in("clerk", PASSWORD)
    assert early.status == 403
    assert "confirmed e-mail address" in early.text
    # And the mail's link confirms it, after which signing in works
    await instance.run_jobs()
    confirmed = await browser.get(link_in(mailbox.wait_for("clerk@ojai.example")))
    assert confirmed.status == 200
    assert "confirmed" in confirmed.text
    assert (await browser.sign_in("clerk", PASSWORD)).status == 303


async def test_an_invite_page_signs_up_into_an_invite_only_instance(
    make_instance, mailbox, visitor
):
    # Given an invite-only instance and an invite naming an office
    instance = await _city(make_instance, mailbox, "invite")
    browser = visitor(instance)
    closed = await browser.get("/auth/sign_up")
    assert closed.status == 403
    assert 'href="/auth/sign_up"' not in (await browser.get("/")).text
    async with instance.db.session() as session:
        from fedcity.services.sign_ups import invites

        made = await invites.create_invite(
            session,
            invites.NewInvite(office_role="mayor", jurisdiction="Ojai, CA"),
            by=None,
        )
        code = made.code
    # When the invited mayor opens the invite's URL
    page = await browser.get(f"/invite/{code}")
    # Then the form carries the invite and names the office
    assert page.status == 200
    assert f'name="invite_code" value="{code}"' in page.text
    assert "Ojai, CA" in page.text
    # And signing up through it works, while a made-up code is refused
    done = await browser.post(
        "/auth/sign_up", _form("mayor", "m@ojai.example", invite_code=code)
    )
    assert done.status == 200, done.text
    assert (await browser.get("/invite/madeup")).status == 403


async def test_a_forgotten_password_is_reset_by_mail(make_instance, mailbox, visitor):
    # Given an account with a confirmed address
    instance = await _city(make_instance, mailbox, "open")
    await instance.create_account("mayor")
    async with instance.db.session() as session:
        from fedcity.storage.queries.actors import get_local_actor, get_user_by_actor_id

        actor = await get_local_actor(session, "mayor")
        assert actor is not None
        user = await get_user_by_actor_id(session, actor.id)
        assert user is not None
        user.email = "mayor@ojai.example"
    browser = visitor(instance)
    assert 'href="/auth/password/new"' in (await browser.get("/auth/sign_in")).text
    # When its owner asks for a link by name, and an unknown address asks too
    asked = await browser.post("/auth/password/new", {"login": "mayor"})
    unknown = await browser.post("/auth/password/new", {"login": "nobody@x.example"})
    # Then both see the same answer, and only the account's address gets a link
    assert asked.status == unknown.status == 200
    await instance.run_jobs()
    link = link_in(mailbox.wait_for("mayor@ojai.example"))
    assert len(mailbox.messages) == 1
    # When the link is opened and a common password chosen
    page = await browser.get(link)
    assert page.status == 200
    # (the token in its URL never leaves this origin as a Referer)
    assert page.headers["Referrer-Policy"] == "same-origin"
    token = re.search(r'name="token" value="([^"]+)"', page.text)
    assert token is not None
    common = await browser.post(
        "/auth/password/edit",
        {
            "token": token.group(1),
            "password": "password1",
            "password_confirmation": "password1",
        },
    )
    # Then it is refused; a good one is taken and signs in
    assert common.status == 422
    assert "too common" in common.text
    good = await browser.post(
        "/auth/password/edit",
        {
            "token": token.group(1),
            "password": PASSWORD,
            "password_confirmation": PASSWORD,
        },
    )
    assert good.status == 303
    assert (await browser.sign_in("mayor", PASSWORD)).status == 303
    # And the link is spent
    assert (await browser.get(link)).status == 404


async def test_resets_are_limited_per_account_with_rate_limit_headers(
    make_instance, mailbox, visitor
):
    instance = await _city(make_instance, mailbox, "open")
    browser = visitor(instance)
    limit = instance.app[RATE_LIMITS].reset_account.limit
    for _ in range(limit):
        assert (
            await browser.post("/auth/password/new", {"login": "mayor"})
        ).status == 200
    refused = await browser.post("/auth/password/new", {"login": "Mayor"})
    assert refused.status == 429
    assert refused.headers["X-RateLimit-Limit"] == str(limit)
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert int(refused.headers["Retry-After"]) > 0


async def test_failed_sign_ins_are_limited_per_address_across_accounts(
    make_instance, mailbox, visitor
):
    # Given an address limit of three failures
    instance = await _city(make_instance, mailbox, "open")
    instance.app[RATE_LIMITS].login_ip = FailureLimiter(3, 300)
    browser = visitor(instance)
    # When one address guesses at three different accounts
    for name in ("a", "b", "c"):
        assert (await browser.sign_in(name, "wrong password")).status == 401
    # Then a fourth try, at any account, must wait
    refused = await browser.sign_in("d", "wrong password")
    assert refused.status == 429
    assert refused.headers["X-RateLimit-Limit"] == "3"


async def test_the_admin_page_approves_confirms_offices_and_makes_invites(
    make_instance, mailbox, visitor
):
    # Given an approval-mode instance with an applicant and an admin
    instance = await _city(make_instance, mailbox, "approval")
    await instance.create_account("admin", role="admin")
    applicant = visitor(instance)
    await applicant.post(
        "/auth/sign_up", _form("planner", "p@ojai.example", reason="I plan")
    )
    admin = visitor(instance)
    assert (await admin.sign_in("admin")).status == 303
    # When the admin opens the sign-ups page
    page = await admin.get("/admin/sign_ups")
    assert page.status == 200
    assert "@planner" in page.text
    assert "I plan" in page.text
    planner = re.search(r"/admin/sign_ups/accounts/(\d+)/approve", page.text)
    assert planner is not None
    # And approves the applicant
    approved = await admin.post(f"/admin/sign_ups/accounts/{planner.group(1)}/approve")
    assert approved.status == 303
    # Then the applicant hears of it by mail
    await instance.run_jobs()
    assert mailbox.wait_for_subject("p@ojai.example", "is approved")
    # When the admin makes an invite for a council member
    made = await admin.post(
        "/admin/sign_ups/invites",
        {
            "uses": "1",
            "expires": "2w",
            "office_role": "council_member",
            "jurisdiction": "Ojai, CA",
        },
    )
    assert made.status == 303
    shown = await admin.get(made.headers["Location"])
    url = re.search(r"(http://[^ <]+/invite/[A-Za-z0-9_-]+)", shown.text)
    assert url is not None
    # And the council member signs up with it
    member = visitor(instance)
    await member.get(url.group(1))
    code = url.group(1).rsplit("/", 1)[1]
    await member.post(
        "/auth/sign_up", _form("council", "c@ojai.example", invite_code=code)
    )
    # Then one button confirms the office
    page = await admin.get("/admin/sign_ups")
    claim = re.search(r"/admin/sign_ups/claims/(\d+)/confirm", page.text)
    assert claim is not None
    assert (await admin.post(claim.group(0))).status == 303
    assert "No office claims are waiting." in (await admin.get("/admin/sign_ups")).text
    # And another invite, used, has its claim dismissed, then is revoked
    await _invited_claim_dismissed(instance, admin, visitor(instance))
    # And the action log names the admin for each of these
    async with instance.db.session() as session:
        entries = await action_log.all_entries(session)
    assert [(e.account, e.action, e.target_type) for e in entries] == [
        ("admin", "approve", "Account"),
        ("admin", "create", "Invite"),
        ("admin", "confirm_office_claim", "Attestation"),
        ("admin", "create", "Invite"),
        ("admin", "dismiss_office_claim", "Account"),
        ("admin", "revoke", "Invite"),
    ]
    # And someone who is not an admin may not see the page
    assert (await member.get("/admin/sign_ups")).status in (303, 403)


async def _invited_claim_dismissed(
    instance: LiveInstance, admin: WebBrowser, member: WebBrowser
) -> None:
    made = await admin.post(
        "/admin/sign_ups/invites",
        {"uses": "2", "office_role": "mayor", "jurisdiction": "Ojai, CA"},
    )
    code = made.headers["Location"].rsplit("code=", 1)[1]
    await member.post(
        "/auth/sign_up", _form("pretender", "x@ojai.example", invite_code=code)
    )
    page = await admin.get("/admin/sign_ups")
    claim = re.search(r"/admin/sign_ups/claims/(\d+)/dismiss", page.text)
    assert claim is not None
    assert (await admin.post(claim.group(0))).status == 303
    invite = re.search(r"/admin/sign_ups/invites/(\d+)/revoke", page.text)
    assert invite is not None
    assert (await admin.post(invite.group(0))).status == 303
