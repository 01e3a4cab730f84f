"""Following from elsewhere (FEP-3b86 Activity Intents) between two real
instances: the /interact form on one sends the visitor to their own server's
/authorize_interaction, where the follow is confirmed and federated."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import aiohttp
import pytest

from fedcity.services.accounts.sessions import start_session
from fedcity.storage.queries import actors as actor_q
from tests.support.http import Http, post_status
from tests.support.instances import free_port, run_both

FEP = "https://w3id.org/fep/3b86/"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
async def browser() -> AsyncIterator[aiohttp.ClientSession]:
    """A browser of its own for each test (cookies kept, also for 127.0.0.1)."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as s:
        yield s


async def _sign_in(instance, browser: aiohttp.ClientSession, name: str) -> None:
    """A web session for `name`, as the sign-in page will make it."""
    async with instance.db.session() as session:
        actor = await actor_q.get_local_actor(session, name)
        token = await start_session(session, actor, "test browser", None)
    browser.cookie_jar.update_cookies(
        {"fedcity_session": token}, response_url=aiohttp.client.URL(instance.base_url)
    )


async def _form_token(http: Http, path: str) -> str:
    page = await http.get(path)
    assert page.status == 200, page.text
    match = CSRF.search(page.text)
    assert match, "no CSRF token in the page"
    return match.group(1)


def _interact_path(intent: str, uri: str) -> str:
    return "/interact?" + urlencode({"intent": intent, "uri": uri})


async def test_webfinger_advertises_activity_intents(instance, http):
    # Given a local account
    await instance.create_account("mayor")
    # When a peer looks it up with WebFinger
    reply = await http.get(
        f"/.well-known/webfinger?resource=acct:mayor@{instance.domain}"
    )
    # Then the FEP-3b86 intents and Mastodon's subscribe template point here
    templates = {
        link["rel"]: link["template"]
        for link in reply.json()["links"]
        if "template" in link
    }
    page = f"{instance.base_url}/authorize_interaction"
    assert templates[FEP + "Follow"] == f"{page}?intent=follow&uri={{object}}"
    assert templates[FEP + "Like"] == f"{page}?intent=like&uri={{object}}"
    assert templates[FEP + "Announce"] == f"{page}?intent=boost&uri={{object}}"
    assert templates[FEP + "Create"] == f"{page}?intent=reply&uri={{inReplyTo}}"
    assert templates["http://ostatus.org/schema/1.0/subscribe"] == f"{page}?uri={{uri}}"


async def test_follow_from_another_instance(make_instance, browser):
    # Given the mayor on Ojai and a council member with an account on Ventura
    ojai = await make_instance("ojai")
    ventura = await make_instance("ventura")
    await ojai.create_account("mayor")
    await ventura.create_account("council")
    on_ojai = Http(browser, ojai.base_url)
    mayor_uri = f"{ojai.base_url}/users/mayor"

    # When the council member opens Ojai's follow page and gives their handle
    path = _interact_path("follow", mayor_uri)
    token = await _form_token(on_ojai, path)
    handle = f"council@{ventura.domain}"
    sent = await on_ojai.post(
        "/interact",
        data={
            "csrf_token": token,
            "intent": "follow",
            "uri": mayor_uri,
            "handle": handle,
        },
    )
    # Then they are sent to Ventura's authorize_interaction page for the mayor
    assert sent.status == 303, sent.text
    location = sent.headers["Location"]
    assert location == (
        f"{ventura.base_url}/authorize_interaction?intent=follow&uri="
        + quote(mayor_uri, safe="")
    )
    # And Ojai remembers the handle for next time
    again = await on_ojai.get(path)
    assert f'value="{handle}"' in again.text

    # When, signed in on Ventura, they confirm the follow
    async with aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True)
    ) as ventura_browser:
        await _sign_in(ventura, ventura_browser, "council")
        on_ventura = Http(ventura_browser, ventura.base_url)
        page = await on_ventura.get(location)
        assert page.status == 200, page.text
        assert "Follow" in page.text
        account_id = re.search(r'name="id" value="(\d+)"', page.text)
        assert account_id
        token = CSRF.search(page.text)
        assert token
        done = await on_ventura.post(
            "/authorize_interaction",
            data={
                "csrf_token": token.group(1),
                "action": "follow",
                "id": account_id.group(1),
            },
        )
        assert done.status == 303, done.text
        confirmation = await on_ventura.get(done.headers["Location"])
        assert "Done: you follow this account" in confirmation.text

    # Then, once both servers have delivered, the mayor has the follower
    await run_both(ojai, ventura)
    async with ojai.db.session() as session:
        mayor = await actor_q.get_local_actor(session, "mayor")
        assert mayor is not None
        assert mayor.followers_count == 1


async def test_unknown_handle_is_refused_with_an_error(make_instance, browser):
    # Given the mayor on Ojai and another instance where "nobody" has no account
    ojai = await make_instance("ojai")
    ventura = await make_instance("ventura")
    await ojai.create_account("mayor")
    on_ojai = Http(browser, ojai.base_url)
    mayor_uri = f"{ojai.base_url}/users/mayor"
    token = await _form_token(on_ojai, _interact_path("follow", mayor_uri))
    # When a visitor gives a handle that server does not know
    reply = await on_ojai.post(
        "/interact",
        data={
            "csrf_token": token,
            "intent": "follow",
            "uri": mayor_uri,
            "handle": f"nobody@{ventura.domain}",
        },
    )
    # Then the form comes back (422) with the error and the handle kept
    assert reply.status == 422
    assert 'class="error-summary"' in reply.text
    assert "does not know the account" in reply.text
    assert f'value="nobody@{ventura.domain}"' in reply.text


async def test_unreachable_server_and_bad_handle_are_explained(instance, browser):
    # Given the mayor's follow page
    await instance.create_account("mayor")
    http = Http(browser, instance.base_url)
    uri = f"{instance.base_url}/users/mayor"
    token = await _form_token(http, _interact_path("follow", uri))
    form = {"csrf_token": token, "intent": "follow", "uri": uri}
    # When the handle's server does not answer
    down = await http.post(
        "/interact", data={**form, "handle": f"someone@127.0.0.1:{free_port()}"}
    )
    # Then the form says it could not be reached
    assert down.status == 422
    assert "could not be reached" in down.text
    # And a handle without a server is refused with how to write one
    bad = await http.post("/interact", data={**form, "handle": "just-a-name"})
    assert bad.status == 422
    assert "you@your.server" in bad.text


async def test_interact_page_of_unknown_object_is_404(instance, http):
    # When the page is asked about something this server does not know
    reply = await http.get(_interact_path("like", "https://elsewhere.example/x"))
    # Then it is a 404 page
    assert reply.status == 404


async def test_authorize_interaction_sends_signed_out_visitors_to_sign_in(
    instance, http
):
    # When someone not signed in arrives from another server
    reply = await http.get("/authorize_interaction?uri=https://x.example/users/a")
    # Then they are sent to sign in, and back here afterwards
    assert reply.status in (302, 303)
    location = urlsplit(reply.headers["Location"])
    assert location.path == "/auth/sign_in"
    assert parse_qs(location.query)["next"] == [
        "/authorize_interaction?uri=https://x.example/users/a"
    ]


async def test_boost_and_favourite_a_local_post_signed_in(instance, browser):
    # Given the mayor's public post and a signed-in clerk
    await instance.create_account("mayor")
    await instance.create_account("clerk")
    http = Http(browser, instance.base_url)
    status = await post_status(instance, http, "mayor", "Street fair Saturday")
    await _sign_in(instance, browser, "clerk")
    path = "/authorize_interaction?" + urlencode(
        {"intent": "boost", "uri": status["uri"]}
    )
    # When the clerk opens the page for the post and favourites it
    page = await http.get(path)
    assert page.status == 200
    assert "Street fair Saturday" in page.text
    assert f'href="/compose?in_reply_to={status["id"]}"' in page.text
    token = CSRF.search(page.text)
    assert token
    done = await http.post(
        "/authorize_interaction",
        data={"csrf_token": token.group(1), "action": "favourite", "id": status["id"]},
    )
    # Then the post counts the favourite
    assert done.status == 303
    after = await http.get(f"/api/v1/statuses/{status['id']}")
    assert after.json()["favourites_count"] == 1


async def test_interact_page_for_a_post_shows_it_and_own_handles_stay_here(
    instance, browser
):
    # Given the mayor's public post
    await instance.create_account("mayor")
    await instance.create_account("clerk")
    http = Http(browser, instance.base_url)
    status = await post_status(instance, http, "mayor", "Library hours change")
    path = _interact_path("like", status["uri"])
    # When a visitor opens the page to favourite it from elsewhere
    page = await http.get(path)
    # Then the page shows the post and asks for a handle, with one h1
    assert page.status == 200
    assert "<h1>Favourite this post</h1>" in page.text
    assert "Library hours change" in page.text
    assert 'autocomplete="username"' in page.text
    # And a handle of this same server goes to its own authorize page
    token = CSRF.search(page.text)
    assert token
    sent = await http.post(
        "/interact",
        data={
            "csrf_token": token.group(1),
            "intent": "like",
            "uri": status["uri"],
            "handle": f"@clerk@{instance.domain}",
        },
    )
    assert sent.status == 303
    assert sent.headers["Location"] == "/authorize_interaction?" + urlencode(
        {"intent": "like", "uri": status["uri"]}
    )


async def test_boost_a_post_of_another_instance(make_instance, browser):
    # Given the mayor's public post on Ojai and a council member signed in on Ventura
    ojai = await make_instance("ojai")
    ventura = await make_instance("ventura")
    await ojai.create_account("mayor")
    await ventura.create_account("council")
    async with aiohttp.ClientSession() as plain:
        status = await post_status(
            ojai, Http(plain, ojai.base_url), "mayor", "Farmers market moves"
        )
    await _sign_in(ventura, browser, "council")
    on_ventura = Http(browser, ventura.base_url)
    # When Ojai's boost button sends them to Ventura with the post's address
    page = await on_ventura.get(
        "/authorize_interaction?" + urlencode({"intent": "boost", "uri": status["uri"]})
    )
    # Then Ventura fetched the post and offers to boost it, or to reply here
    assert page.status == 200, page.text
    assert "Farmers market moves" in page.text
    assert re.search(r'href="/compose\?in_reply_to=\d+"', page.text)
    token = CSRF.search(page.text)
    local_id = re.search(r'name="action" value="boost">\s*<input type="hidden" '
                         r'name="id" value="(\d+)"', page.text)  # fmt: skip
    assert token
    assert local_id
    done = await on_ventura.post(
        "/authorize_interaction",
        data={"csrf_token": token.group(1), "action": "boost", "id": local_id.group(1)},
    )
    assert done.status == 303
    # And once delivered, the mayor's post counts the boost
    await run_both(ojai, ventura)
    async with aiohttp.ClientSession() as plain:
        after = await Http(plain, ojai.base_url).get(f"/api/v1/statuses/{status['id']}")
    assert after.json()["reblogs_count"] == 1


async def test_server_without_interaction_links_is_explained(instance, remote, browser):
    # Given a peer whose WebFinger answers only with the actor (no templates)
    remote.add_actor("resident")
    await instance.create_account("mayor")
    http = Http(browser, instance.base_url)
    uri = f"{instance.base_url}/users/mayor"
    token = await _form_token(http, _interact_path("follow", uri))
    # When its resident asks to follow from there
    reply = await http.post(
        "/interact",
        data={
            "csrf_token": token,
            "intent": "follow",
            "uri": uri,
            "handle": f"resident@{remote.domain}",
        },
    )
    # Then the form explains that their server offers no way, and what to do
    assert reply.status == 422
    assert "does not say how to do this" in reply.text
    assert f'<code class="copyable">{uri}</code>' in reply.text
