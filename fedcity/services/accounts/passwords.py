"""Password hashing: argon2id at the library's strong default in production.

Tests hash thousands of passwords; at production cost each takes about a quarter
of a second. `FEDCITY_INSECURE_PASSWORD_HASHING_FOR_TESTS=1` switches this process
(and the CLI processes a test starts, which inherit the variable) to argon2's
cheapest profile. The name says what it is so that nobody sets it on a server by
mistake, and the process logs a warning when it is on. A hash made either way
verifies either way: argon2 keeps the parameters in the hash.
"""

from __future__ import annotations

import logging
import os
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from argon2.profiles import CHEAPEST

# The shortest password an account may choose (sign-up, password change).
MIN_PASSWORD_LENGTH = 8
INSECURE_TEST_HASHING_VARIABLE = "FEDCITY_INSECURE_PASSWORD_HASHING_FOR_TESTS"

log = logging.getLogger(__name__)


@cache
def _hasher() -> PasswordHasher:
    if os.environ.get(INSECURE_TEST_HASHING_VARIABLE) == "1":
        log.warning(
            "%s=1: passwords are hashed with argon2's cheapest profile; "
            "never use this outside tests",
            INSECURE_TEST_HASHING_VARIABLE,
        )
        return PasswordHasher.from_parameters(CHEAPEST)
    return PasswordHasher()


def hash_password(password: str) -> str:
    """The argon2id hash to store for `password`."""
    return _hasher().hash(password)


def password_matches(stored_hash: str, password: str) -> bool:
    """Whether `password` is the one `stored_hash` was made from."""
    try:
        return _hasher().verify(stored_hash, password)
    except VerificationError:
        return False


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list (fedcity/data/common-passwords.txt), lower-cased."""
    text = resources.files("fedcity").joinpath("data/common-passwords.txt")
    lines = text.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w and not w.startswith("#"))


def is_common(password: str) -> bool:
    """Whether `password` (in any case) is on the bundled list of common ones."""
    return password.lower() in common_passwords()
