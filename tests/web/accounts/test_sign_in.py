"""Signing in and out in a browser: the password, the two-factor step, the
failures and their limit."""

from __future__ import annotations

from urllib.parse import quote

import pyotp

from fedcity.storage.queries.actors import get_user_by_actor_id
from fedcity.web.accounts.pending import PENDING_COOKIE
from fedcity.web.accounts.sign_in import LIMITER
from fedcity.web.sessions import SESSION_COOKIE
from tests.web.accounts.browser import turn_on_two_factor


async def test_signing_in_starts_a_session_and_goes_to_next(instance, browser):
    # Given an account
    await instance.create_account("mayor")
    # When its owner signs in, coming from the settings
    page = await browser.sign_in("mayor", next_path="/settings/profile")
    # Then they are sent back there, signed in
    assert page.status == 303
    assert page.location == "/settings/profile"
    assert browser.cookie(SESSION_COOKIE)
    settings = await browser.get("/settings/profile")
    assert settings.status == 200


async def test_handle_form_of_the_login_is_accepted(instance, browser):
    # Given an account
    await instance.create_account("mayor")
    # When its owner signs in as @mayor@domain
    page = await browser.sign_in(f"@mayor@{instance.domain}")
    # Then it works
    assert page.status == 303
    assert browser.cookie(SESSION_COOKIE)


async def test_next_to_another_site_is_not_followed(instance, browser):
    # Given an account
    await instance.create_account("mayor")
    # When the sign-in link says to go to another site afterwards
    page = await browser.sign_in("mayor", next_path="//evil.example/")
    # Then the browser stays on this site
    assert page.location == "/"


async def test_wrong_password_shows_the_form_again_without_saying_which_part(
    instance, browser
):
    # Given an account
    await instance.create_account("mayor")
    # When someone signs in with a wrong password, and with an unknown name
    wrong_password = await browser.sign_in("mayor", "not the password")
    unknown = await browser.sign_in("nobody", "not the password")
    # Then both answer 401 with the same error summary, the login kept
    assert wrong_password.status == unknown.status == 401
    assert 'class="error-summary"' in wrong_password.text
    assert "Invalid username or password" in wrong_password.text
    assert "Invalid username or password" in unknown.text
    assert 'value="mayor"' in wrong_password.text
    assert browser.cookie(SESSION_COOKIE) is None


async def test_disabled_account_is_refused(instance, browser):
    # Given a disabled account
    actor = await instance.create_account("former")
    async with instance.db.session() as session:
        user = await get_user_by_actor_id(session, actor.id)
        assert user is not None
        user.disabled = True
    # When its owner signs in with the right password
    page = await browser.sign_in("former")
    # Then they are refused
    assert page.status == 403
    assert "disabled" in page.text
    assert browser.cookie(SESSION_COOKIE) is None


async def test_too_many_failures_answer_429_with_retry_after(instance, browser):
    # Given an address that already failed ten times for an account
    await instance.create_account("mayor")
    limiter = instance.app[LIMITER]
    for _ in range(limiter.limit):
        limiter.failed("127.0.0.1|password|mayor")
    # When it tries again, even with the right password
    page = await browser.sign_in("mayor")
    # Then it must wait, told so on an error page
    assert page.status == 429
    assert int(page.headers["Retry-After"]) > 0
    assert "<h1>Too many requests</h1>" in page.text


async def test_sign_out_ends_the_session_for_good(instance, browser, new_browser):
    # Given a signed-in browser, and a copy of its cookie
    await instance.create_account("mayor")
    await browser.sign_in("mayor")
    token = browser.cookie(SESSION_COOKIE)
    # When it signs out
    page = await browser.post("/auth/sign_out")
    # Then it goes home, and the old cookie no longer signs anyone in
    assert page.status == 303
    assert page.location == "/"
    thief = new_browser()
    thief.session.cookie_jar.update_cookies({SESSION_COOKIE: token})
    settings = await thief.get("/settings/profile")
    assert settings.status == 303
    assert settings.location.startswith("/auth/sign_in")


async def test_two_factor_account_needs_the_code_after_the_password(
    instance, browser, new_browser
):
    # Given an account with two-factor sign-in on
    await instance.create_account("mayor")
    await browser.sign_in("mayor")
    secret, _ = await turn_on_two_factor(browser)
    # When the owner signs in on another browser with the password
    other = new_browser()
    page = await other.sign_in("mayor", next_path="/settings/apps")
    # Then no session starts yet: the code page asks for the code
    assert page.status == 303
    assert page.location == "/auth/two_factor?next=" + quote("/settings/apps", safe="")
    assert other.cookie(SESSION_COOKIE) is None
    pending = [
        c for c in page.headers.getall("Set-Cookie") if c.startswith(PENDING_COOKIE)
    ]
    assert len(pending) == 1
    assert "HttpOnly" in pending[0]
    assert "SameSite=Lax" in pending[0]
    assert "Max-Age=300" in pending[0]
    code_page = await other.get(page.location)
    assert 'autocomplete="one-time-code"' in code_page.text
    assert 'inputmode="numeric"' in code_page.text
    # And with the current code they are signed in and sent on
    done = await other.post(
        "/auth/two_factor",
        {"code": pyotp.TOTP(secret).now(), "next": "/settings/apps"},
    )
    assert done.status == 303
    assert done.location == "/settings/apps"
    assert other.cookie(SESSION_COOKIE)


async def test_wrong_code_is_refused(instance, browser, new_browser):
    # Given an account with two-factor sign-in on, and its password given
    await instance.create_account("mayor")
    await browser.sign_in("mayor")
    await turn_on_two_factor(browser)
    other = new_browser()
    await other.sign_in("mayor")
    # When a wrong code is given
    page = await other.post("/auth/two_factor", {"code": "000000"})
    # Then the page says so and nobody is signed in
    assert page.status == 422
    assert 'class="error-summary"' in page.text
    assert other.cookie(SESSION_COOKIE) is None


async def test_code_page_without_the_password_goes_back_to_sign_in(browser):
    # Given a browser that gave no password
    # When it posts a code
    page = await browser.post("/auth/two_factor", {"code": "123456"})
    # Then it is sent to sign in
    assert page.status == 303
    assert page.location.startswith("/auth/sign_in")


async def test_a_recovery_code_works_once(instance, browser, new_browser):
    # Given an account with two-factor sign-in on, and its recovery codes
    await instance.create_account("mayor")
    await browser.sign_in("mayor")
    _, codes = await turn_on_two_factor(browser)
    assert len(codes) == 10
    # When the owner signs in with a recovery code
    first = new_browser()
    await first.sign_in("mayor")
    used = await first.post("/auth/two_factor", {"code": codes[0]})
    # Then it works once, and not a second time
    assert used.status == 303
    second = new_browser()
    await second.sign_in("mayor")
    again = await second.post("/auth/two_factor", {"code": codes[0]})
    assert again.status == 422


async def test_too_many_wrong_codes_answer_429(instance, browser, new_browser):
    # Given an account with two-factor sign-in on, its password given, and ten
    # wrong codes already
    actor = await instance.create_account("mayor")
    await browser.sign_in("mayor")
    secret, _ = await turn_on_two_factor(browser)
    other = new_browser()
    await other.sign_in("mayor")
    limiter = instance.app[LIMITER]
    for _ in range(limiter.limit):
        limiter.failed(f"127.0.0.1|code|{actor.id}")
    # When the right code comes now
    page = await other.post("/auth/two_factor", {"code": pyotp.TOTP(secret).now()})
    # Then it must wait
    assert page.status == 429
    assert "Retry-After" in page.headers
    assert other.cookie(SESSION_COOKIE) is None
