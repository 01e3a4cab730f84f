"""Invite codes (services/sign_ups/invites.py `new_code`)."""

from __future__ import annotations

from fedcity.services.sign_ups.invites import new_code


def test_a_code_is_twelve_letters_and_digits_that_a_command_line_takes():
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    # Letters and digits only: none can read as an option (`invite revoke -x…`)
    assert all(len(c) == 12 and c.isascii() and c.isalnum() for c in codes)
