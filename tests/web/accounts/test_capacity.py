"""/settings/profile's capacity choice (issue 11): personal, official or campaign."""

from __future__ import annotations

from fedcity.services.offices import attestations as offices


async def capacity_of(instance, name: str) -> str:
    async with instance.db.session() as session:
        return (await offices.find_account(session, name, instance.domain)).capacity


async def test_the_capacity_is_chosen_on_the_profile_settings(instance, browser):
    # Given a signed-in account, personal by default
    await instance.create_account("mayor")
    await browser.sign_in("mayor")
    page = await browser.get("/settings/profile")
    assert (
        'id="field-capacity-personal" name="capacity" type="radio" value="personal" checked'
        in (page.text)
    )
    # When it says it speaks for an office
    page = await browser.post("/settings/profile", {"capacity": "official"})
    # Then it is saved, and its profile says so
    assert page.status == 303
    assert await capacity_of(instance, "mayor") == "official"
    profile = await browser.get("/@mayor")
    assert "Official account of an office" in profile.text


async def test_an_unknown_capacity_is_refused_with_the_form_kept(instance, browser):
    await instance.create_account("mayor")
    await browser.sign_in("mayor")
    await browser.get("/settings/profile")
    page = await browser.post(
        "/settings/profile", {"capacity": "royal", "note": "kept"}
    )
    assert page.status == 422
    assert 'href="#field-capacity"' in page.text
    assert ">kept</textarea>" in page.text
    assert await capacity_of(instance, "mayor") == "personal"
