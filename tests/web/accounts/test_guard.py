"""The guard of pages that need someone signed in, or an admin."""

from __future__ import annotations

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from fedcity.errors import Forbidden
from fedcity.services.accounts.sessions import SignedIn
from fedcity.storage.models import Actor, User, WebSession
from fedcity.web.accounts.guard import admin_or_forbidden, signed_in_or_redirect
from fedcity.web.sessions import SIGNED_IN


def _request(role: str | None, method: str = "GET", path: str = "/admin?tab=1"):
    request = make_mocked_request(method, path)
    request[SIGNED_IN] = (
        None
        if role is None
        else SignedIn(WebSession(id=1), Actor(id=2, username="x"), User(role=role))
    )
    return request


def test_nobody_signed_in_is_sent_to_sign_in_and_back():
    # When nobody signed in opens a page that needs it
    with pytest.raises(web.HTTPSeeOther) as sent:
        signed_in_or_redirect(_request(None))
    # Then they are sent to sign in, coming back to the page with its query
    assert sent.value.location == "/auth/sign_in?next=%2Fadmin%3Ftab%3D1"


def test_a_post_comes_back_to_the_page_itself():
    # When nobody signed in posts a form that needs it
    with pytest.raises(web.HTTPSeeOther) as sent:
        signed_in_or_redirect(_request(None, "POST", "/settings/profile"))
    # Then afterwards they come back to the page, to send it again
    assert sent.value.location.endswith("next=%2Fsettings%2Fprofile")


@pytest.mark.parametrize("role", ["admin", "owner"])
def test_admins_and_the_owner_pass(role):
    # When an admin opens an admin page
    signed = admin_or_forbidden(_request(role))
    # Then they are let in
    assert signed.user.role == role


@pytest.mark.parametrize("role", ["user", "moderator"])
def test_others_are_forbidden(role):
    # When anyone else opens an admin page
    # Then they may not
    with pytest.raises(Forbidden):
        admin_or_forbidden(_request(role))
