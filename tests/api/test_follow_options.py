"""POST /api/v1/accounts/:id/follow options: `languages`, and options left out of a
second follow keeping their values (Mastodon's)."""

from __future__ import annotations

import pytest

from tests.support.http import Http, account_id, post_status

pytestmark = pytest.mark.usefixtures("backend")


async def follow_with(http: Http, token: str, target: str, **form: str | list[str]):
    reply = await http.post(f"/api/v1/accounts/{target}/follow", token=token, data=form)
    assert reply.status == 200, reply.text
    return reply.json()


async def home_texts(http: Http, token: str) -> list[str]:
    reply = await http.get("/api/v1/timelines/home", token=token)
    assert reply.status == 200, reply.text
    return [status["content"] for status in reply.json()]


async def test_follow_languages_keep_other_languages_out_of_home(instance, http):
    # Given a resident following the mayor for Spanish posts only
    await instance.create_account("mayor")
    await instance.create_account("resident")
    token = await instance.token("resident")
    mayor = await account_id(http, "mayor")
    relationship = await follow_with(http, token, mayor, **{"languages[]": ["es"]})
    # When the mayor posts in Spanish, in English, and without a language
    await post_status(instance, http, "mayor", "Calle cerrada", language="es")
    await post_status(instance, http, "mayor", "Street closed", language="en")
    await post_status(instance, http, "mayor", "Agenda at noon")
    # Then the resident's home shows the Spanish post and the one without a language
    texts = await home_texts(http, token)
    assert [t for t in texts if "Calle" in t or "Street" in t or "Agenda" in t] == [
        "<p>Agenda at noon</p>",
        "<p>Calle cerrada</p>",
    ]
    # And the relationship reports the languages
    assert relationship["languages"] == ["es"]


async def test_a_second_follow_changes_only_the_options_it_names(instance, http):
    # Given a resident following the mayor without boosts, in Spanish only
    await instance.create_account("mayor")
    await instance.create_account("resident")
    token = await instance.token("resident")
    mayor = await account_id(http, "mayor")
    await follow_with(
        http, token, mayor, reblogs="false", **{"languages[]": ["es", "EN"]}
    )
    # When the resident follows again asking only for notifications
    kept = await follow_with(http, token, mayor, notify="true")
    # Then boosts stay hidden and the languages stay, lower-cased
    assert kept["showing_reblogs"] is False
    assert kept["notifying"] is True
    assert kept["languages"] == ["en", "es"]
    # When the resident follows again with an empty languages list
    cleared = await follow_with(http, token, mayor, **{"languages[]": ""})
    # Then every language reaches home again
    assert cleared["languages"] is None
    await post_status(instance, http, "mayor", "Street closed", language="en")
    assert "<p>Street closed</p>" in await home_texts(http, token)


async def test_an_invalid_language_is_refused(instance, http):
    # Given two accounts
    await instance.create_account("mayor")
    await instance.create_account("resident")
    mayor = await account_id(http, "mayor")
    # When one follows the other with a language that is no language tag
    reply = await http.post(
        f"/api/v1/accounts/{mayor}/follow",
        token=await instance.token("resident"),
        data={"languages[]": "not a language"},
    )
    # Then Mastodon's validation error comes back, and no follow was made
    assert reply.status == 422
    assert "Languages" in reply.json()["error"]
    relationships = await http.get(
        "/api/v1/accounts/relationships",
        token=await instance.token("resident"),
        params={"id[]": mayor},
    )
    assert relationships.json()[0]["following"] is False
