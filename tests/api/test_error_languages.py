"""Error messages in the request's language, as Mastodon localises them: `lang`,
then Accept-Language (with q-values); English otherwise."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("backend")

SPANISH_MX = {"Accept-Language": "es-MX,es;q=0.9"}
LONG = "x" * 5001


@pytest.fixture
async def mayor(instance):
    await instance.create_account("mayor")
    return await instance.token("mayor")


@pytest.mark.parametrize(
    ("query", "headers"),
    [("", SPANISH_MX), ("?lang=es", {}), ("?lang=es", {"Accept-Language": "en"})],
    ids=["accept-language", "lang", "lang-over-header"],
)
async def test_not_found_and_unprocessable_answer_in_spanish(
    http, mayor, query, headers
):
    # When a missing status is asked for, and a status too long is posted
    missing = await http.get(f"/api/v1/statuses/1{query}", headers=headers)
    too_long = await http.post(
        f"/api/v1/statuses{query}",
        token=mayor,
        headers=headers,
        json={"status": LONG},
    )
    # Then both errors are in Spanish, the limit filled in
    assert (missing.status, missing.json()) == (
        404,
        {"error": "Registro no encontrado"},
    )
    assert (too_long.status, too_long.json()) == (
        422,
        {
            "error": "La validación falló: "
            "Se ha superado el límite de 5000 caracteres del texto"
        },
    )


@pytest.mark.parametrize(
    "headers", [{}, {"Accept-Language": "fr, de;q=0.8"}, {"Accept-Language": "es;q=0"}]
)
async def test_errors_stay_in_english_otherwise(http, mayor, headers):
    # When the same requests ask for no language, or only for ones not available
    missing = await http.get("/api/v1/statuses/1", headers=headers)
    too_long = await http.post(
        "/api/v1/statuses", token=mayor, headers=headers, json={"status": LONG}
    )
    # Then the errors are Mastodon's English ones
    assert missing.json() == {"error": "Record not found"}
    assert too_long.json() == {
        "error": "Validation failed: Text character limit of 5000 exceeded"
    }


async def test_unknown_routes_and_oauth_errors_are_translated_too(http):
    # When an unknown API path is asked for, and a token for an unknown client
    unknown = await http.get("/api/v1/nothing-here?lang=es")
    token = await http.post(
        "/oauth/token",
        headers=SPANISH_MX,
        data={"grant_type": "password", "client_id": "nobody"},
    )
    # Then both answer in Spanish
    assert unknown.json() == {"error": "Registro no encontrado"}
    assert token.json()["error_description"].startswith(
        "La autenticación del cliente falló"
    )
