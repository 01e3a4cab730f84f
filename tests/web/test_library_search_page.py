"""The library's search page, /library/search, over real HTTP: a GET form with
every filter in labelled fieldsets, results linking to the items' pages with
their count announced and their authors' verified offices, and a wrong value
refused beside its field with the values kept. The search itself is tested in
tests/services/test_library_search.py."""

from __future__ import annotations

import re

from tests.api.test_library_api import mayor, publish

PAGE = "/library/search"
FILTERS = (
    "q", "type", "topic", "status", "evidence_level", "state", "ocd_id",
    "population_min", "population_max", "cost_max", "deadline_after",
    "include_closed", "verified", "origin",
)  # fmt: skip


async def test_the_form_has_every_filter_labelled_in_fieldsets(instance, http):
    # When a visitor opens the search page
    reply = await http.get(PAGE)
    # Then there is one search form sent by GET, with no results yet
    assert reply.status == 200
    form = reply.text.split('<form class="library-search"', 1)[1].split("</form>")[0]
    assert 'role="search"' in form
    assert 'method="get"' in form
    assert "library-results" not in reply.text
    # And every filter has a field and a label, grouped under legends
    for name in FILTERS:
        assert f'name="{name}"' in form, name
    for name in set(FILTERS) - {"type"}:
        assert f'<label for="field-{name}">' in form, name
    assert form.count("<fieldset") == form.count("<legend>") >= 5
    assert "Verified officials only" in form


async def test_results_link_to_the_items_pages_and_say_how_many(instance, http):
    # Given the mayor's case study and a resident's
    token = await mayor(instance)
    item = await publish(http, token)
    await instance.create_account("resident")
    await publish(http, await instance.token("resident"), title="Pothole watch")
    # When a visitor searches for "potholes", verified officials only
    reply = await http.get(PAGE, params={"q": "potholes", "verified": "1"})
    # Then the mayor's item is listed, linking to its page, with her office
    assert reply.status == 200
    assert f'<a href="{item["url"]}">Pothole blitz</a>' in reply.text
    assert "Pothole watch" not in reply.text
    assert "Verified: Mayor of Ojai" in reply.text
    # And the count is in a status region, announced when the page loads
    assert re.search(r'role="status">1 item on this page', reply.text)
    # And the form keeps what was asked
    assert 'value="potholes"' in reply.text
    assert re.search(r'name="verified" type="checkbox" value="1" checked', reply.text)
    # And without the switch both are found
    both = await http.get(PAGE, params={"q": "potholes"})
    assert "Pothole watch" in both.text
    assert "2 items on this page" in both.text


async def test_a_search_that_finds_nothing_says_so(instance, http):
    reply = await http.get(PAGE, params={"q": "zeppelin", "state": "CA"})
    assert reply.status == 200
    assert 'role="status">No items found.' in reply.text


async def test_a_wrong_value_is_refused_beside_its_field(instance, http):
    # When a visitor asks for a population range upside down
    reply = await http.get(
        PAGE, params={"q": "housing", "population_min": "9000", "population_max": "10"}
    )
    # Then the page says why, beside the field and in the summary, values kept
    assert reply.status == 422
    assert 'href="#field-population_min"' in reply.text
    assert 'id="error-population_min"' in reply.text
    assert "population_min must not be above population_max" in reply.text
    assert 'aria-invalid="true"' in reply.text
    assert 'value="9000"' in reply.text
    assert "library-results" not in reply.text
