"""Sign-up through Mastodon's API (issue 12): POST /api/v1/accounts in each
registration mode, the confirmation mail on a real loopback SMTP server, what a
sign-up's token may do before its account is confirmed and approved, the
approval queue of the admin API, invites and the offices they name, and the
rate limit on sign-ups."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from fedcity.config import RegistrationSettings
from fedcity.services.accounts.sign_in import FailureLimiter
from fedcity.web.rate_limits import RATE_LIMITS
from tests.api.test_action_log import logged
from tests.support.http import Http, app_token
from tests.support.instances import LiveInstance
from tests.support.mail import MailBox, body, link_in

PASSWORD = "a long unusual passphrase"
MakeInstance = Callable[..., Awaitable[LiveInstance]]


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _city(
    make_instance: MakeInstance,
    client: aiohttp.ClientSession,
    mailbox: MailBox | None,
    mode: str,
    domains: tuple[str, ...] = (),
) -> tuple[LiveInstance, Http]:
    instance = await make_instance(
        registration=RegistrationSettings(mode=mode, email_domains=domains),
        mail=None if mailbox is None else mailbox.settings,
    )
    await instance.create_account("admin", role="admin")
    return instance, Http(client, instance.base_url)


async def sign_up(
    instance: LiveInstance, http: Http, username: str, email: str, **extra: Any
) -> Any:
    token = await app_token(instance, "read write")
    return await http.post(
        "/api/v1/accounts",
        token=token,
        data={
            "username": username,
            "email": email,
            "password": PASSWORD,
            "agreement": "true",
            "locale": "en",
            **extra,
        },
    )


async def confirm(
    instance: LiveInstance, http: Http, mailbox: MailBox, email: str
) -> str:
    """Send the queued mail, and follow the link of the newest one to `email`."""
    await instance.run_jobs()
    message = mailbox.wait_for(email, count=len(mailbox.to(email)) or 1)
    page = await http.get(link_in(message))
    assert page.status == 200, page.text
    return page.text


async def stream_statuses(
    client: aiohttp.ClientSession, instance: LiveInstance, token: str
) -> tuple[int, int]:
    """The answers to opening the user stream with `token`: as server-sent
    events, and as a WebSocket (101 when the handshake succeeds)."""
    url = f"{instance.base_url}/api/v1/streaming"
    async with client.get(f"{url}/user", params={"access_token": token}) as sse:
        sse_status = sse.status
    try:
        ws = await client.ws_connect(
            url, params={"access_token": token, "stream": "user"}
        )
    except aiohttp.WSServerHandshakeError as exc:
        return sse_status, exc.status
    await ws.close()
    return sse_status, 101


async def try_post(http: Http, token: str) -> Any:
    return await http.post("/api/v1/statuses", token=token, json={"status": "hello"})


async def test_an_open_sign_up_reads_its_credentials_and_posts_once_confirmed(
    make_instance, client, mailbox
):
    # Given an open instance that sends mail to a loopback SMTP server
    instance, http = await _city(make_instance, client, mailbox, "open")
    # When an app signs a new account up
    reply = await sign_up(instance, http, "clerk", "clerk@ojai.example")
    # Then a token comes back that reads the account's own credentials
    assert reply.status == 200, reply.text
    token = reply.json()["access_token"]
    assert reply.json()["token_type"] == "Bearer"
    me = await http.get("/api/v1/accounts/verify_credentials", token=token)
    assert me.status == 200
    assert me.json()["username"] == "clerk"
    # But it cannot post before the address is confirmed, as Mastodon answers
    refused = await try_post(http, token)
    assert refused.status == 403
    assert refused.json() == {
        "error": "Your login is missing a confirmed e-mail address"
    }
    # When the confirmation mail arrives and its link is followed
    page = await confirm(instance, http, mailbox, "clerk@ojai.example")
    message = mailbox.to("clerk@ojai.example")[0]
    assert "clerk" in body(message)
    assert message["From"].addresses
    assert "confirmed" in page
    # Then the same token posts
    assert (await try_post(http, token)).status == 200
    # And the link works once only
    again = await http.get(link_in(message), headers={"Accept": "text/html"})
    assert again.status == 404


async def test_sign_up_errors_are_mastodon_details(make_instance, client):
    # Given an open instance with an account named mayor
    instance, http = await _city(make_instance, client, None, "open")
    await instance.create_account("mayor")
    token = await app_token(instance, "read write")
    # When an app sends a taken name, a bad address, a common password and no
    # agreement
    reply = await http.post(
        "/api/v1/accounts",
        token=token,
        data={"username": "mayor", "email": "nobody", "password": "baseball1"},
    )
    # Then each field is named with Mastodon's error code
    assert reply.status == 422
    details = reply.json()["details"]
    assert details["username"][0]["error"] == "ERR_TAKEN"
    assert details["email"][0]["error"] == "ERR_INVALID"
    assert details["password"][0]["error"] == "ERR_INVALID"
    assert details["agreement"][0]["error"] == "ERR_ACCEPTED"
    assert reply.json()["error"].startswith("Validation failed: Username")
    # And a short password is too short
    short = await http.post(
        "/api/v1/accounts",
        token=token,
        data={
            "username": "x",
            "email": "x@y.example",
            "password": "abc",
            "agreement": "1",
        },
    )
    assert short.json()["details"]["password"][0]["error"] == "ERR_TOO_SHORT"
    # And a user's token may not sign anyone up
    user = await instance.token("mayor")
    assert (await http.post("/api/v1/accounts", token=user, data={})).status == 403


@pytest.mark.parametrize(
    ("mode", "enabled", "approval"),
    [
        ("open", True, False),
        ("approval", True, True),
        ("invite", False, False),
        ("closed", False, False),
    ],
)
async def test_the_instance_reports_its_registrations(
    make_instance, client, mailbox, mode, enabled, approval
):
    # Given an instance in each mode, with mail
    instance, http = await _city(make_instance, client, mailbox, mode)
    # When apps read the instance
    v1 = (await http.get("/api/v1/instance")).json()
    v2 = (await http.get("/api/v2/instance")).json()
    # Then both versions tell the truth
    assert (v1["registrations"], v1["approval_required"]) == (enabled, approval)
    assert v2["registrations"]["enabled"] is enabled
    assert v2["registrations"]["approval_required"] is approval
    assert (v2["registrations"]["message"] is None) == enabled
    # And an instance without an invite refuses sign-ups unless open
    reply = await sign_up(instance, http, "newcomer", "new@ojai.example")
    assert reply.status == (200 if enabled else 403)


async def test_without_mail_every_sign_up_waits_for_an_admin(make_instance, client):
    # Given an open instance whose mail is off
    instance, http = await _city(make_instance, client, None, "open")
    assert (await http.get("/api/v1/instance")).json()["approval_required"] is True
    # When someone signs up
    token = (await sign_up(instance, http, "planner", "p@ojai.example")).json()[
        "access_token"
    ]
    # Then the account waits for approval
    refused = await try_post(http, token)
    assert refused.json() == {"error": "Your login is currently pending approval"}
    # And its token opens no stream, as an event stream or a WebSocket
    assert await stream_statuses(client, instance, token) == (403, 403)
    # And once an admin approves it, it posts
    admin = await instance.token("admin", "read write admin:read admin:write")
    pending = await http.get("/api/v1/admin/accounts?pending=true", token=admin)
    assert [a["username"] for a in pending.json()] == ["planner"]
    assert pending.json()[0]["confirmed"] is True
    approved = await http.post(
        f"/api/v1/admin/accounts/{pending.json()[0]['id']}/approve", token=admin
    )
    assert approved.status == 200
    assert approved.json()["approved"] is True
    assert (await try_post(http, token)).status == 200
    assert await stream_statuses(client, instance, token) == (200, 101)
    assert await logged(http, admin) == [("approve", "Account", "planner", None)]


async def test_approval_mode_lets_listed_domains_in_and_queues_the_rest(
    make_instance, client, mailbox
):
    # Given an approval-mode instance that trusts cityofojai.org addresses
    instance, http = await _city(
        make_instance, client, mailbox, "approval", ("cityofojai.org",)
    )
    admin = await instance.token("admin", "read write admin:read admin:write")
    addresses = {
        "clerk": "clerk@cityofojai.org",
        "deputy": "deputy@hall.cityofojai.org",
        "lookalike": "x@evilcityofojai.org",
        "suffixed": "y@cityofojai.org.evil.com",
    }
    tokens = {}
    for name, address in addresses.items():
        reply = await sign_up(instance, http, name, address, reason="I clerk")
        tokens[name] = reply.json()["access_token"]
    # When every address is confirmed
    for address in addresses.values():
        await confirm(instance, http, mailbox, address)
    # Then the domain and its subdomain are in, the look-alikes wait
    assert (await try_post(http, tokens["clerk"])).status == 200
    assert (await try_post(http, tokens["deputy"])).status == 200
    waiting = await try_post(http, tokens["lookalike"])
    assert waiting.json() == {"error": "Your login is currently pending approval"}
    # And the admin API lists the waiting ones, v1 and v2 alike
    v1 = await http.get("/api/v1/admin/accounts?pending=true", token=admin)
    v2 = await http.get(
        "/api/v2/admin/accounts?status=pending&origin=local", token=admin
    )
    assert {a["username"] for a in v1.json()} == {"lookalike", "suffixed"}
    assert [a["id"] for a in v1.json()] == [a["id"] for a in v2.json()]
    assert v2.json()[0]["invite_request"] == "I clerk"
    ids = {a["username"]: a["id"] for a in v1.json()}
    # When the admin approves one and rejects the other
    ok = await http.post(
        f"/api/v1/admin/accounts/{ids['lookalike']}/approve", token=admin
    )
    no = await http.post(
        f"/api/v1/admin/accounts/{ids['suffixed']}/reject", token=admin
    )
    assert ok.status == 200
    assert no.status == 200
    # Then each applicant gets a mail saying so, and the rejected account is gone
    await instance.run_jobs()
    assert mailbox.wait_for_subject(addresses["lookalike"], "is approved")
    assert mailbox.wait_for_subject(addresses["suffixed"], "not approved")
    assert (await try_post(http, tokens["lookalike"])).status == 200
    gone = await http.get(f"/api/v1/admin/accounts/{ids['suffixed']}", token=admin)
    assert gone.status == 404
    assert await logged(http, admin) == [
        ("approve", "Account", "lookalike", None),
        ("reject", "Account", "suffixed", None),
    ]
    # And approving an account that is not pending is refused
    again = await http.post(
        f"/api/v1/admin/accounts/{ids['lookalike']}/approve", token=admin
    )
    assert again.status == 403


async def test_an_invite_naming_an_office_leads_to_a_claim_an_admin_confirms(
    make_instance, client, mailbox
):
    # Given an invite-only instance and an invite for the mayor of Ojai
    instance, http = await _city(make_instance, client, mailbox, "invite")
    admin = await instance.token("admin", "read write admin:read admin:write")
    made = await http.post(
        "/api/v1/fedcity/admin/invites",
        token=admin,
        data={
            "max_uses": "1",
            "expires_in": "7d",
            "office_role": "mayor",
            "jurisdiction": "Ojai, CA",
        },
    )
    assert made.status == 200, made.text
    invite = made.json()
    assert invite["url"].endswith("/invite/" + invite["code"])
    # When the mayor signs up with it and confirms the address
    reply = await sign_up(
        instance, http, "mayor", "mayor@ojai.example", invite_code=invite["code"]
    )
    assert reply.status == 200, reply.text
    await confirm(instance, http, mailbox, "mayor@ojai.example")
    # Then the account is in without review, and its office claim waits
    assert (await try_post(http, reply.json()["access_token"])).status == 200
    claims = await http.get("/api/v1/fedcity/admin/office_claims", token=admin)
    assert [(c["account"]["username"], c["role"]) for c in claims.json()] == [
        ("mayor", "mayor")
    ]
    # When the admin confirms it in one action
    done = await http.post(
        f"/api/v1/fedcity/admin/office_claims/{claims.json()[0]['id']}/confirm",
        token=admin,
    )
    # Then the office is attested
    assert done.status == 200
    assert done.json()["state"] == "confirmed"
    offices = await http.get("/api/v1/fedcity/admin/offices", token=admin)
    assert [o["account"]["username"] for o in offices.json()] == ["mayor"]
    # And the invite is used up
    second = await sign_up(
        instance, http, "other", "o@ojai.example", invite_code=invite["code"]
    )
    assert second.status == 403
    listed = await http.get("/api/v1/fedcity/admin/invites?all=true", token=admin)
    assert listed.json()[0]["uses"] == 1
    # And the admin's invite and confirmation are in the action log
    assert await logged(http, admin) == [
        ("create", "Invite", f"{invite['code']} (mayor, Ojai, CA)", None),
        ("confirm_office_claim", "Attestation", "mayor: Mayor of Ojai", None),
    ]


async def test_revoked_invites_and_unknown_codes_are_refused(
    make_instance, client, mailbox
):
    # Given an invite-only instance with an invite that is then revoked
    instance, http = await _city(make_instance, client, mailbox, "invite")
    admin = await instance.token("admin", "read write admin:read admin:write")
    code = (
        await http.post("/api/v1/fedcity/admin/invites", token=admin, data={})
    ).json()["code"]
    revoked = await http.request(
        "DELETE", f"/api/v1/fedcity/admin/invites/{code}", token=admin
    )
    assert revoked.json()["revoked_at"] is not None
    # When sign-ups use it, or a made-up code
    with_revoked = await sign_up(
        instance, http, "a", "a@ojai.example", invite_code=code
    )
    made_up = await sign_up(instance, http, "b", "b@ojai.example", invite_code="nope")
    # Then both are refused
    assert with_revoked.status == made_up.status == 403
    assert (await http.get("/api/v1/fedcity/admin/invites", token=admin)).json() == []
    assert [a for a, *_ in await logged(http, admin)] == ["create", "revoke"]


async def test_resending_the_confirmation_can_correct_the_address(
    make_instance, client, mailbox
):
    # Given a sign-up with a mistyped address
    instance, http = await _city(make_instance, client, mailbox, "open")
    token = (await sign_up(instance, http, "typo", "typo@ojai.exmaple")).json()[
        "access_token"
    ]
    await instance.run_jobs()
    first = mailbox.wait_for("typo@ojai.exmaple")
    # When the app asks for the mail again, to the right address
    resent = await http.post(
        "/api/v1/emails/confirmations", token=token, data={"email": "typo@ojai.example"}
    )
    # Then the new address gets a link, and the first link no longer works
    assert resent.status == 200
    assert resent.json() == {}
    await confirm(instance, http, mailbox, "typo@ojai.example")
    old = await http.get(link_in(first), headers={"Accept": "text/html"})
    assert old.status == 404
    # And once confirmed, resending is refused as Mastodon does
    after = await http.post("/api/v1/emails/confirmations", token=token)
    assert after.status == 403


async def test_sign_ups_are_rate_limited_per_address(make_instance, client):
    # Given an open instance whose limit is two sign-ups per address
    instance, http = await _city(make_instance, client, None, "open")
    instance.app[RATE_LIMITS].sign_up_ip = FailureLimiter(2, 300)
    # When a third sign-up comes from the same address
    for name in ("one", "two"):
        assert (
            await sign_up(instance, http, name, f"{name}@ojai.example")
        ).status == 200
    third = await sign_up(instance, http, "three", "three@ojai.example")
    # Then it is refused with Mastodon's rate-limit answer
    assert third.status == 429
    assert third.json() == {"error": "Too many requests"}
    assert int(third.headers["Retry-After"]) > 0
    assert third.headers["X-RateLimit-Limit"] == "2"
    assert third.headers["X-RateLimit-Remaining"] == "0"
    assert third.headers["X-RateLimit-Reset"].endswith("Z")
