"""A library item's Article as fedcity emits it (issue 14, "On the wire"): its
structured fields read back as a document its schema accepts, its FEP-8b32 proof
verifies with the same proof code that checks remote ones, its JSON-LD expands
into fedcity's vocabulary, the instance actor's outbox lists it, and what
Mastodon shows of an Article (name, summary, link) reads as a useful post."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from pyld import jsonld as pyld_jsonld

from fedcity.federation.integrity.proofs import ProofError, ProofFailure, verify
from fedcity.federation.jsonld.loader import document_loader
from fedcity.federation.library import wire
from fedcity.federation.library.inbound import verify_origin_proof
from fedcity.federation.outbox.statuses import post_activity
from fedcity.services.library import items
from fedcity.services.library.validation import validate_document
from fedcity.storage.models import LibraryItem, LibraryKind
from fedcity.storage.queries import actors as actor_q
from tests.support.http import AS2, Http
from tests.support.instances import LiveInstance
from tests.support.library import case_study, funding

pytestmark = pytest.mark.usefixtures("backend")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "library"
FEDCITY = "https://fedcity.org/ns#"


async def publish(
    instance: LiveInstance, kind: LibraryKind, doc: dict[str, Any]
) -> LibraryItem:
    async with instance.db.session() as session:
        author = await actor_q.get_local_actor(session, "mayor")
        assert author is not None
        return await items.create_item(
            session,
            instance.fed.urls,
            author,
            kind,
            doc,
            default_license=instance.settings.library.license,
        )


async def sent_article(instance: LiveInstance, item: LibraryItem) -> dict[str, Any]:
    """The object of the Create the item's post goes out with."""
    async with instance.db.session() as session:
        outgoing = await post_activity(instance.fed, session, item.post_id, "Create")
    assert outgoing.activity["@context"] == outgoing.activity["object"]["@context"]
    return dict(outgoing.activity["object"])


def as_mastodon_shows(article: dict[str, Any]) -> str:
    """An Article as Mastodon converts it into a status (app/lib/activitypub/
    activity/create.rb, `converted_text`: the name as an <h2>, the summary, the
    linkified url; the content is not shown), then read as plain text."""
    shown = "\n\n".join(
        [
            f"<h2>{article['name']}</h2>",
            article["summary"],
            f'<a href="{article["url"]}">{article["url"]}</a>',
        ]
    )
    return html.unescape(re.sub(r"<[^>]+>", "", shown))


async def test_a_case_studys_article_validates_verifies_and_reads_well(instance):
    # Given a mayor's case study, published here
    await instance.create_account("mayor")
    item = await publish(instance, LibraryKind.CASE_STUDY, case_study())
    # When its Create is rendered
    article = await sent_article(instance, item)
    # Then it is an Article named after the item, linking to the item's page
    assert (article["type"], article["name"], article["url"]) == (
        "Article",
        "Pothole blitz",
        item.url,
    )
    assert wire.FEDCITY_CONTEXT_V3 in article["@context"]
    assert f"{instance.fed.urls.instance_actor}/followers" in article["cc"]
    # And its structured fields are the document, valid against the schema
    read = wire.read_document(LibraryKind.CASE_STUDY, article)
    assert validate_document(LibraryKind.CASE_STUDY, read, default_license=None) == (
        item.document
    )
    # And its proof verifies, as a remote proof is verified (the same code)
    async with instance.db.session() as session:
        proven = await verify_origin_proof(instance.fed, session, article)
    assert proven.verification_method == instance.fed.urls.instance_assertion_key_id
    assert proven.owner == instance.fed.urls.instance_actor
    # But not once a field is changed
    forged = {**article, "name": "Pothole blitz (cost: nothing)"}
    with pytest.raises(ProofError) as refused:
        verify(forged, instance.fed.assertion_key.public_key)
    assert refused.value.reason == ProofFailure.BAD_SIGNATURE
    # And what Mastodon shows of it reads as a post: title, summary, link
    expected = (FIXTURES / "mastodon_case_study.txt").read_text(encoding="utf-8")
    assert as_mastodon_shows(article) == expected.format(url=item.url).rstrip("\n")
    async with aiohttp.ClientSession() as client:
        http = Http(client, instance.base_url)
        # And its id serves the same signed Article
        served = (await http.get(item.uri, accept=AS2)).json()
        assert served["proof"] == article["proof"]
        # And the instance actor's outbox lists its Create
        outbox = (await http.get("/actor/outbox", accept=AS2)).json()
        assert outbox["totalItems"] == 1
        page = (await http.get(outbox["first"], accept=AS2)).json()
    [create] = page["orderedItems"]
    assert (create["type"], create["object"]["id"]) == ("Create", item.uri)
    verify(create["object"], instance.fed.assertion_key.public_key)


async def test_a_funding_opportunitys_article_expands_into_fedcitys_vocabulary(
    instance,
):
    # Given a funding opportunity published here
    await instance.create_account("mayor")
    item = await publish(instance, LibraryKind.FUNDING_OPPORTUNITY, funding())
    article = await sent_article(instance, item)
    # When a JSON-LD processor expands its Article, offline
    [node] = pyld_jsonld.expand(article, {"documentLoader": document_loader})
    # Then its fields are fedcity's terms, its kind a fedcity type, its proof
    # Data Integrity's
    assert node[f"{FEDCITY}libraryKind"] == [{"@id": f"{FEDCITY}FundingOpportunity"}]
    assert node[f"{FEDCITY}applyUrl"] == [{"@id": "https://calfire.example/apply"}]
    assert node[f"{FEDCITY}deadline"][0]["@type"] == (
        "http://www.w3.org/2001/XMLSchema#dateTime"
    )
    [eligibility] = node[f"{FEDCITY}eligibility"]
    assert {s["@value"] for s in eligibility[f"{FEDCITY}states"]} == {"CA", "NV"}
    assert node["http://schema.org/inLanguage"] == [{"@value": "en"}]
    assert "https://w3id.org/security#proof" in node
    # And its structured fields read back as the document
    read = wire.read_document(LibraryKind.FUNDING_OPPORTUNITY, article)
    assert validate_document(
        LibraryKind.FUNDING_OPPORTUNITY, read, default_license=None
    ) == (item.document)
