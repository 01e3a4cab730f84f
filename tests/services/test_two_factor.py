"""Two-factor sign-in rules: TOTP codes within a step of now, recovery codes kept
as digests and good once, and the sign-in failure limiter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from fedcity.errors import Unprocessable
from fedcity.services.accounts import two_factor
from fedcity.services.accounts.sign_in import FailureLimiter, find_login
from fedcity.storage.db import Database
from fedcity.storage.queries.actors import get_user_by_actor_id
from fedcity.urls import Urls
from tests.support.accounts import local_account

URLS = Urls("http://city.example")
NOON = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_a_code_is_good_one_step_either_side_and_no_further():
    # Given a secret and the codes of noon and of the steps around it
    secret = two_factor.new_secret()
    totp = pyotp.TOTP(secret)

    def code_at(seconds: int) -> str:
        return totp.at(NOON + timedelta(seconds=seconds))

    # Then noon's code, and a step before or after, are good at noon; two are not
    assert two_factor.code_matches(secret, code_at(0), NOON)
    assert two_factor.code_matches(secret, code_at(-30), NOON)
    assert two_factor.code_matches(secret, code_at(30), NOON)
    assert not two_factor.code_matches(secret, code_at(-90), NOON)
    assert not two_factor.code_matches(secret, code_at(90), NOON)


def test_a_code_typed_with_a_space_is_read_and_letters_are_not():
    # Given a secret and its code at noon
    secret = two_factor.new_secret()
    code = pyotp.TOTP(secret).at(NOON)
    # Then "123 456" is the same code, and anything but six digits is not one
    assert two_factor.code_matches(secret, f"{code[:3]} {code[3:]}", NOON)
    assert not two_factor.code_matches(secret, "abcdef", NOON)
    assert not two_factor.code_matches(secret, code + "0", NOON)


def test_the_provisioning_uri_names_the_account_and_the_instance():
    # Given a secret
    secret = two_factor.new_secret()
    # When an authenticator app is to read it
    uri = two_factor.provisioning_uri(secret, "mayor@city.example", "City Hall")
    # Then it is a TOTP otpauth URI with the secret and both names
    assert uri.startswith("otpauth://totp/City%20Hall:mayor%40city.example?")
    assert f"secret={secret}" in uri
    assert "issuer=City%20Hall" in uri


def test_recovery_codes_are_ten_distinct_digit_codes():
    # When recovery codes are made
    codes = two_factor.new_recovery_codes()
    # Then there are ten, all different, digits in groups of four
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(len(c) == 14 and c.replace("-", "").isdigit() for c in codes)


def test_a_recovery_code_is_spent_once():
    # Given the digests of two codes
    codes = ["1111-2222-3333", "4444-5555-6666"]
    digests = [two_factor.recovery_digest(c) for c in codes]
    # When the first is used, typed without its dashes
    left = two_factor.spend_recovery_code(digests, "111122223333")
    # Then only the other remains, and the first cannot be used again
    assert left == [digests[1]]
    assert two_factor.spend_recovery_code(left, codes[0]) is None


@pytest.fixture
async def mayor(db: Database):
    return await local_account(db, URLS, "mayor")


async def test_enabling_stores_the_secret_and_only_digests(db: Database, mayor):
    # Given an account and a new secret
    secret = two_factor.new_secret()
    async with db.session() as session:
        user = await get_user_by_actor_id(session, mayor.id)
        assert user is not None
        # When it confirms with the current code
        codes = await two_factor.enable(
            session, user, secret, pyotp.TOTP(secret).at(NOON), at=NOON
        )
    # Then it is on, with the secret and the digests stored, no code in clear
    async with db.session() as session:
        user = await get_user_by_actor_id(session, mayor.id)
        assert user is not None
        assert two_factor.is_enabled(user)
        assert user.otp_secret == secret
        stored = user.otp_recovery_digests or []
        assert len(stored) == 10
        assert stored == [two_factor.recovery_digest(c) for c in codes]
        assert not set(codes) & set(stored)


async def test_enabling_with_a_wrong_code_stores_nothing(db: Database, mayor):
    # Given an account and a new secret
    secret = two_factor.new_secret()
    async with db.session() as session:
        user = await get_user_by_actor_id(session, mayor.id)
        assert user is not None
        # When it "confirms" with another secret's code
        with pytest.raises(Unprocessable):
            await two_factor.enable(
                session, user, secret, pyotp.TOTP(pyotp.random_base32()).at(NOON), NOON
            )
        # Then it stays off
        assert not two_factor.is_enabled(user)
        assert user.otp_secret is None


async def test_signing_in_spends_a_recovery_code_once(db: Database, mayor):
    # Given an account with two-factor sign-in on
    secret = two_factor.new_secret()
    async with db.session() as session:
        user = await get_user_by_actor_id(session, mayor.id)
        assert user is not None
        codes = await two_factor.enable(
            session, user, secret, pyotp.TOTP(secret).at(NOON), at=NOON
        )
        # When a recovery code is given twice
        first = await two_factor.second_factor_ok(session, user, codes[3], NOON)
        second = await two_factor.second_factor_ok(session, user, codes[3], NOON)
        # Then it works the first time only, and nine remain
        assert first is True
        assert second is False
        assert len(user.otp_recovery_digests or []) == 9


async def test_a_login_by_handle_or_email_names_the_account(db: Database, mayor):
    # Given an account with an email address
    async with db.session() as session:
        user = await get_user_by_actor_id(session, mayor.id)
        assert user is not None
        user.email = "Mayor@City.example"
    async with db.session() as session:
        # Then its name, handle and email find it; another server's handle does not
        for login in ("mayor", "@mayor", "@mayor@city.example", "mayor@city.example"):
            found = await find_login(session, login, "city.example")
            assert found is not None, login
            assert found.actor.id == mayor.id
        by_email = await find_login(session, "mayor@CITY.example", "elsewhere.example")
        assert by_email is not None
        assert (
            await find_login(session, "@mayor@elsewhere.example", "city.example")
            is None
        )


def test_the_limiter_refuses_after_ten_failures_until_the_window_passes():
    # Given a limiter of ten failures in five minutes
    limiter = FailureLimiter(limit=10, window=300)
    # When a key fails ten times
    for second in range(10):
        limiter.failed("1.2.3.4|mayor", now=1000 + second)
    # Then it must wait, other keys need not, and after the window it may try again
    wait = limiter.retry_after("1.2.3.4|mayor", now=1010)
    assert wait is not None
    assert 0 < wait <= 300
    assert limiter.retry_after("5.6.7.8|mayor", now=1010) is None
    assert limiter.retry_after("1.2.3.4|mayor", now=1301) is None


def test_a_success_clears_the_failures():
    # Given a key with nine failures
    limiter = FailureLimiter(limit=10, window=300)
    for _ in range(9):
        limiter.failed("k", now=1)
    # When it succeeds, then fails again
    limiter.succeeded("k")
    limiter.failed("k", now=2)
    # Then it is far from the limit
    assert limiter.retry_after("k", now=2) is None
