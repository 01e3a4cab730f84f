"""The administrators' pages over real HTTP: who may see them, the dashboard's
figures and queue health, and announcements and custom emoji managed in the
browser reaching the client API."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import aiohttp

from fedcity.appkeys import DB
from fedcity.services.offices import attestations as offices
from fedcity.storage.models import Job, JobState, PeerInstance
from fedcity.storage.types import utcnow
from tests.support.http import post_status
from tests.support.images import png
from tests.support.web import csrf_of, signed_in_client

PEER = "https://quiet.example"


async def admin_client(instance) -> aiohttp.ClientSession:
    await instance.create_account("mayor", role="admin")
    return await signed_in_client(instance, "mayor")


def text_of(page: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


async def test_signed_out_visitor_is_sent_to_sign_in(instance, http):
    # Given nobody signed in
    # When the dashboard is opened
    reply = await http.get("/admin")
    # Then the browser is sent to sign in, and back here afterwards
    assert reply.status == 303
    location = urlsplit(reply.headers["Location"])
    assert location.path == "/auth/sign_in"
    assert parse_qs(location.query) == {"next": ["/admin"]}


async def test_account_that_is_no_admin_gets_the_403_page(instance):
    # Given a signed-in account with the user role
    await instance.create_account("resident")
    client = await signed_in_client(instance, "resident")
    # When it opens an administration page
    async with client, client.get("/admin/emoji") as reply:
        page = await reply.text()
    # Then it is refused with the error page
    assert reply.status == 403
    assert reply.content_type == "text/html"
    assert "Only the instance&#39;s administrators may see this page" in page


async def test_dashboard_counts_accounts_and_shows_a_held_delivery(instance):
    # Given two local accounts, and an unavailable peer with a delivery held and
    # one retrying after an error
    async with await admin_client(instance) as client:
        await instance.create_account("clerk")
        now = utcnow()
        async with instance.app[DB].session() as session:
            session.add(PeerInstance(origin=PEER, unavailable=True, failure_days=7))
            for state, error in ((JobState.HELD, None), (JobState.PENDING, "503")):
                session.add(
                    Job(
                        kind="deliver",
                        payload={"activity_id": 1, "inbox": f"{PEER}/inbox"},
                        host=PEER,
                        state=state,
                        next_attempt_at=now,
                        last_error=f"{PEER}/inbox answered {error}" if error else None,
                    )
                )
        # When an admin opens the dashboard
        async with client.get("/admin") as reply:
            page = await reply.text()
    # Then it shows the accounts and the peer's queue, with the error retried
    assert reply.status == 200
    text = text_of(page)
    assert "Active local accounts 2" in text
    assert "Disabled local accounts 0" in text
    row = re.search(rf"<th scope=\"row\">{PEER}</th>(.*?)</tr>", page, re.S)
    assert row is not None
    assert re.findall(r"<td>(\d+)</td>", row.group(1)) == ["0", "1", "1"]
    assert "Unavailable" in row.group(1)
    assert f"{PEER}/inbox answered 503" in page
    assert "<caption" in page
    assert 'scope="col"' in page


async def test_announcement_written_on_the_page_reaches_the_api(instance, http):
    # Given an admin on the announcements page
    async with await admin_client(instance) as client:
        token = await csrf_of(client, "/admin/announcements/new")
        # When they publish an announcement with event dates
        async with client.post(
            "/admin/announcements",
            data={
                "csrf_token": token,
                "text": "Council meets on #budget",
                "starts_at": "2099-12-10T18:00",
                "ends_at": "2099-12-10T20:00",
            },
            allow_redirects=False,
        ) as reply:
            location = reply.headers.get("Location")
        async with client.get("/admin/announcements") as listing:
            page = await listing.text()
    # Then it is listed, and apps receive it
    assert reply.status == 303
    assert location == "/admin/announcements?done=created"
    assert "Council meets on #budget" in page
    assert "Scheduled" in text_of(page)
    shown = (
        await http.get("/api/v1/announcements", token=await instance.token("mayor"))
    ).json()
    assert [a["starts_at"] for a in shown] == ["2099-12-10T18:00:00.000Z"]
    assert "budget" in shown[0]["content"]


async def test_unpublished_announcement_leaves_the_api(instance, http):
    # Given a published announcement
    async with await admin_client(instance) as client:
        token = await csrf_of(client, "/admin/announcements/new")
        await client.post(
            "/admin/announcements", data={"csrf_token": token, "text": "Road works"}
        )
        api_token = await instance.token("mayor")
        [shown] = (await http.get("/api/v1/announcements", token=api_token)).json()
        # When the admin unpublishes it
        async with client.post(
            f"/admin/announcements/{shown['id']}/unpublish",
            data={"csrf_token": token},
            allow_redirects=False,
        ) as reply:
            assert reply.status == 303
    # Then apps no longer receive it
    assert (await http.get("/api/v1/announcements", token=api_token)).json() == []


async def test_announcement_without_text_is_422_with_the_dates_kept(instance):
    # Given an admin writing an announcement
    async with await admin_client(instance) as client:
        token = await csrf_of(client, "/admin/announcements/new")
        # When they send it without text and with an end before the start
        async with client.post(
            "/admin/announcements",
            data={"csrf_token": token, "text": " ", "starts_at": "2099-12-10T18:00"},
        ) as reply:
            page = await reply.text()
    # Then the form comes back with the error summary and the values kept
    assert reply.status == 422
    assert 'class="error-summary"' in page
    assert 'href="#field-text"' in page
    assert 'value="2099-12-10T18:00"' in page


async def test_emoji_uploaded_on_the_page_reaches_the_api(instance, http):
    # Given an admin on the custom emoji page
    async with await admin_client(instance) as client:
        token = await csrf_of(client, "/admin/emoji")
        form = aiohttp.FormData()
        form.add_field("csrf_token", token)
        form.add_field("shortcode", "city_flag")
        form.add_field("category", "City")
        form.add_field("visible_in_picker", "1")
        form.add_field(
            "image", png(32, 32), filename="flag.png", content_type="image/png"
        )
        # When they upload a PNG
        async with client.post(
            "/admin/emoji", data=form, allow_redirects=False
        ) as reply:
            assert reply.status == 303
        async with client.get("/admin/emoji") as listing:
            page = await listing.text()
    # Then apps list it, with its image served by this instance
    emojis = (await http.get("/api/v1/custom_emojis")).json()
    assert [(e["shortcode"], e["category"]) for e in emojis] == [("city_flag", "City")]
    assert emojis[0]["url"].startswith(instance.base_url + "/")
    assert ":city_flag:" in page


async def test_emoji_category_and_visibility_change(instance, http):
    # Given an uploaded emoji
    async with await admin_client(instance) as client:
        token = await csrf_of(client, "/admin/emoji")
        form = aiohttp.FormData()
        for name, value in (
            ("csrf_token", token),
            ("shortcode", "seal"),
            ("visible_in_picker", "1"),
        ):
            form.add_field(name, value)
        form.add_field(
            "image", png(16, 16), filename="seal.png", content_type="image/png"
        )
        await client.post("/admin/emoji", data=form)
        emoji_id = await _emoji_id(client)
        # When the admin hides it from pickers in another category
        async with client.post(
            f"/admin/emoji/{emoji_id}",
            data={"csrf_token": token, "category": "Seals"},
            allow_redirects=False,
        ) as reply:
            assert reply.status == 303
    # Then apps see the change
    [emoji] = (await http.get("/api/v1/custom_emojis")).json()
    assert (emoji["category"], emoji["visible_in_picker"]) == ("Seals", False)


async def _emoji_id(client: aiohttp.ClientSession) -> str:
    async with client.get("/admin/emoji") as reply:
        page = await reply.text()
    found = re.search(r"/admin/emoji/(\d+)/edit", page)
    assert found is not None
    return found.group(1)


async def test_emoji_that_is_no_image_is_422(instance):
    # Given an admin on the custom emoji page
    async with await admin_client(instance) as client:
        token = await csrf_of(client, "/admin/emoji")
        form = aiohttp.FormData()
        form.add_field("csrf_token", token)
        form.add_field("shortcode", "oops")
        form.add_field(
            "image", b"not an image", filename="x.png", content_type="image/png"
        )
        # When they upload a file that is no image
        async with client.post("/admin/emoji", data=form) as reply:
            page = await reply.text()
    # Then the page says so next to the field, the shortcode kept
    assert reply.status == 422
    assert 'href="#field-image"' in page
    assert 'value="oops"' in page


async def test_post_without_csrf_token_is_refused(instance):
    # Given a signed-in admin
    async with await admin_client(instance) as client:
        # When a form is sent without its CSRF token
        async with client.post(
            "/admin/announcements", data={"text": "Forged"}
        ) as reply:
            page = await reply.text()
        async with client.get("/admin/announcements") as listing:
            listed = await listing.text()
    # Then it is refused, and nothing was published
    assert reply.status == 403
    assert "Forged" not in listed
    assert "<h1>" in page


async def test_announcement_edited_and_deleted_on_the_page(instance, http):
    # Given a published announcement
    async with await admin_client(instance) as client:
        token = await csrf_of(client, "/admin/announcements/new")
        await client.post(
            "/admin/announcements", data={"csrf_token": token, "text": "Pool opens"}
        )
        api_token = await instance.token("mayor")
        [shown] = (await http.get("/api/v1/announcements", token=api_token)).json()
        edit_page = f"/admin/announcements/{shown['id']}/edit"
        # When the admin corrects its text, then deletes it
        token = await csrf_of(client, edit_page)
        await client.post(
            f"/admin/announcements/{shown['id']}",
            data={"csrf_token": token, "text": "Pool opens at noon"},
        )
        [edited] = (await http.get("/api/v1/announcements", token=api_token)).json()
        async with client.post(
            f"/admin/announcements/{shown['id']}/delete",
            data={"csrf_token": token},
            allow_redirects=False,
        ) as reply:
            assert reply.status == 303
    # Then apps saw the correction, and then no announcement
    assert "Pool opens at noon" in edited["content"]
    assert (await http.get("/api/v1/announcements", token=api_token)).json() == []


async def test_emoji_deleted_on_the_page_leaves_the_api(instance, http):
    # Given an uploaded emoji
    async with await admin_client(instance) as client:
        token = await csrf_of(client, "/admin/emoji")
        form = aiohttp.FormData()
        form.add_field("csrf_token", token)
        form.add_field("shortcode", "gone")
        form.add_field(
            "image", png(16, 16), filename="gone.png", content_type="image/png"
        )
        await client.post("/admin/emoji", data=form)
        emoji_id = await _emoji_id(client)
        # When the admin deletes it
        async with client.post(
            f"/admin/emoji/{emoji_id}/delete",
            data={"csrf_token": token},
            allow_redirects=False,
        ) as reply:
            assert reply.status == 303
    # Then apps no longer offer it
    assert (await http.get("/api/v1/custom_emojis")).json() == []


async def test_audit_page_lists_an_officials_moderation(instance, http):
    # Given a seat account that blocked a resident and removed a reply of theirs
    await instance.create_account("seat")
    await instance.create_account("resident")
    async with instance.app[DB].session() as session:
        seat = await offices.find_account(session, "seat", instance.domain)
        await offices.set_capacity(session, seat, "official")
    post = await post_status(instance, http, "seat", "Road works")
    reply = await post_status(
        instance, http, "resident", "Finally", in_reply_to_id=post["id"]
    )
    token = await instance.token("seat")
    removed = await http.post(
        f"/api/v1/fedcity/statuses/{reply['id']}/remove_reply",
        token=token,
        data={"reason": "off topic"},
    )
    assert removed.status == 200
    resident = await http.get("/api/v1/accounts/lookup", params={"acct": "resident"})
    await http.post(f"/api/v1/accounts/{resident.json()['id']}/block", token=token)
    # When an admin opens the audit log, for every account and for another one
    async with await admin_client(instance) as client:
        async with client.get("/admin/audit") as listing:
            page = await listing.text()
        async with client.get("/admin/audit", params={"account": "mayor"}) as other:
            none = await other.text()
    # Then the two actions show, newest first, with the reply's reason
    assert listing.status == 200
    text = text_of(page)
    assert text.index("Blocked") < text.index("Removed a reply")
    assert "@seat" in text
    assert "off topic" in text
    assert f'href="{reply["url"]}"' in page
    assert "Nothing recorded." in text_of(none)
