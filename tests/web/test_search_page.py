"""The search page over real HTTP: a labelled search form, local public posts and
known accounts for everyone, more once signed in; headings, counts, empty state."""

from __future__ import annotations

from fedcity.services.accounts.sessions import start_session
from fedcity.storage.queries import actors as actor_q
from tests.support.http import post_status


async def _signed_in_cookie(instance, name: str) -> dict[str, str]:
    async with instance.db.session() as session:
        actor = await actor_q.get_local_actor(session, name)
        token = await start_session(session, actor, "test", None)
    return {"Cookie": f"fedcity_session={token}"}


async def test_search_form_is_labelled_and_empty_without_query(instance, http):
    # When a visitor opens the search page
    reply = await http.get("/search")
    # Then there is one labelled search form and no results yet
    assert reply.status == 200
    assert 'role="search"' in reply.text
    assert '<label for="field-q">' in reply.text
    assert 'name="q"' in reply.text
    assert "result" not in reply.text.split("</form>", 1)[1]


async def test_signed_out_search_finds_local_public_post_and_account(instance, http):
    # Given a mayor with a public and an unlisted post about the library
    await instance.create_account("mayor", display_name="Mayor Ruiz")
    await post_status(instance, http, "mayor", "The library opens on Sunday")
    await post_status(
        instance, http, "mayor", "Library staff memo", visibility="unlisted"
    )
    # When a signed-out visitor searches for "library"
    posts = await http.get("/search", params={"q": "library"})
    # Then the public post is found, with headings and counts
    assert posts.status == 200
    assert "The library opens on Sunday" in posts.text
    assert "Library staff memo" not in posts.text
    assert "Posts (1)" in posts.text
    assert "<h2" in posts.text
    # And searching for the account's name finds it
    accounts = await http.get("/search", params={"q": "mayor"})
    assert "Accounts (1)" in accounts.text
    assert "@mayor" in accounts.text


async def test_search_with_no_result_says_so(instance, http):
    # When a visitor searches for something nobody wrote
    reply = await http.get("/search", params={"q": "zeppelin"})
    # Then the page says nothing was found
    assert reply.status == 200
    assert "0 results for “zeppelin”" in reply.text
    assert "Nothing found." in reply.text


async def test_signed_in_search_finds_own_unlisted_post(instance, http):
    # Given a clerk's unlisted post (not in the public index)
    await instance.create_account("clerk")
    await post_status(
        instance, http, "clerk", "Zoning notes draft", visibility="unlisted"
    )
    # When the clerk, signed in, searches for it
    headers = await _signed_in_cookie(instance, "clerk")
    reply = await http.get("/search", params={"q": "zoning"}, headers=headers)
    # Then it is found (the account's own posts are searchable by it)
    assert "Zoning notes draft" in reply.text


async def test_search_finds_hashtags(instance, http):
    # Given a post with #transit
    await instance.create_account("mayor")
    await post_status(instance, http, "mayor", "Buses #transit")
    # When a visitor searches for "#tran"
    reply = await http.get("/search", params={"q": "#tran"})
    # Then the hashtag is listed with a link to its page
    assert 'href="/tags/transit"' in reply.text
    assert "Hashtags (1)" in reply.text


async def test_too_long_query_is_refused_with_error(instance, http):
    # When a visitor sends a query over the limit
    reply = await http.get("/search", params={"q": "x" * 1001})
    # Then the form answers 422 with an error summary
    assert reply.status == 422
    assert 'class="error-summary"' in reply.text
