"""A seat's handover on the web (issue 11): the successor's one-time sign-in link
(opening it uses nothing; the form uses it once; used or expired, it is the 410
page), the holder line on the seat's post page, and the outgoing holder's
read-only archive."""

from __future__ import annotations

from datetime import timedelta

from fedcity.services.offices import attestations as offices
from fedcity.services.offices import seats
from fedcity.storage.types import utcnow
from tests.support.http import Http, post_status
from tests.support.pages import h1

NEW_PASSWORD = "the successor's password"


async def seat(instance, holder: str = "Ana Ruiz") -> None:
    """@mayor, attested Mayor of Ojai, an official seat held by `holder`."""
    await instance.create_account("mayor", display_name="Mayor of Ojai")
    async with instance.db.session() as session:
        mayor = await offices.find_account(session, "mayor", instance.domain)
        await offices.set_capacity(session, mayor, "official")
        await offices.verify(
            session,
            offices.Issuer(instance.fed.urls, instance.settings.instance.name),
            mayor,
            offices.Claim(role="mayor", jurisdiction="Ojai, CA"),
        )
        await seats.set_holder(session, mayor, holder)


async def handover(instance, **kw) -> str:
    async with instance.db.session() as session:
        mayor = await seats.find_seat(session, "mayor")
        done = await seats.handover(session, mayor, by=None, **kw)
    return seats.link_path(done.token)


async def test_the_link_signs_the_successor_in_once(instance, browser, new_browser):
    # Given a seat handed over to nobody named yet
    await seat(instance)
    link = await handover(instance)
    # When the successor opens the link
    page = await browser.get(link)
    # Then it asks for their name and a password, and is kept out of caches
    assert page.status == 200, page.text
    assert h1(page.text) == "Take over Mayor of Ojai"
    assert 'name="name"' in page.text
    assert page.headers["Cache-Control"] == "no-store"
    # When they give a name and a password
    done = await browser.post(
        link,
        {
            "name": "Ben Ortiz",
            "password": NEW_PASSWORD,
            "password_confirmation": NEW_PASSWORD,
        },
    )
    # Then they are signed in as the seat
    assert done.status == 303
    home = await browser.get("/settings/profile")
    assert home.status == 200
    # And the password they chose signs in from another browser
    other = new_browser()
    signed = await other.sign_in("mayor", NEW_PASSWORD)
    assert signed.status == 303
    assert signed.location == "/"
    # And the link is refused the second time, opened or posted
    again = await new_browser().get(link)
    assert again.status == 410
    assert "used already or has expired" in again.text
    posted = await browser.post(
        link, {"password": "x" * 12, "password_confirmation": "x" * 12}
    )
    assert posted.status == 410


async def test_an_expired_link_is_refused(instance, browser):
    # Given a link past its 72 hours
    await seat(instance)
    link = await handover(instance, successor="Ben Ortiz")
    async with instance.db.session() as session:
        found, _seat, _holder = await seats.link_seat(session, link.rsplit("/", 1)[1])
        found.expires_at = utcnow() - timedelta(minutes=1)
    # When the successor opens it, or posts its form
    page = await browser.get(link)
    posted = await browser.post(
        link,
        {"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD},
    )
    # Then both are the 410 page, and the old password does not sign in either
    assert page.status == posted.status == 410
    assert (await browser.sign_in("mayor")).status == 401


async def test_a_mistyped_confirmation_keeps_the_link_usable(instance, browser):
    await seat(instance)
    link = await handover(instance, successor="Ben Ortiz")
    page = await browser.get(link)
    assert 'name="name"' not in page.text  # the handover named Ben
    wrong = await browser.post(
        link, {"password": NEW_PASSWORD, "password_confirmation": "something else"}
    )
    assert wrong.status == 422
    assert 'href="#field-password_confirmation"' in wrong.text
    right = await browser.post(
        link, {"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD}
    )
    assert right.status == 303


async def test_the_post_page_and_the_archive_name_the_holder(instance, http: Http):
    # Given Ana Ruiz's post on the seat, then a handover with her archive
    await seat(instance)
    status = await post_status(instance, http, "mayor", "Budget hearing tonight")
    await handover(instance, successor="Ben Ortiz", archive_as="ana_ruiz")
    # When anyone opens the post's page
    page = await http.get(f"/@mayor/{status['id']}")
    # Then it says who wrote it, in which office and years, with her archive
    year = utcnow().year
    assert f"Written by Ana Ruiz, Mayor of Ojai, {year}\u2013{year}" in page.text
    assert f'<a href="{instance.base_url}/archives/ana_ruiz">' in page.text
    # And her archive lists the post
    archive = await http.get("/archives/ana_ruiz")
    assert archive.status == 200
    assert h1(archive.text) == f"Ana Ruiz, Mayor of Ojai, {year}\u2013{year}"
    assert "Budget hearing tonight" in archive.text
    assert (await http.get("/archives/nobody")).status == 404
