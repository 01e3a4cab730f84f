"""Discovery over real HTTP: WebFinger, host-meta and NodeInfo, as peers and apps
(Mastodon, Elk, toot) ask for them."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree

import jsonschema
import pytest

from tests.support.http import AS2

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
JRD_SCHEMA = DATA / "fediverse-jsonschema" / "schemas" / "jrd-schema.json"
PROFILE_PAGE = "http://webfinger.net/rel/profile-page"
NODEINFO_20 = "http://nodeinfo.diaspora.software/ns/schema/2.0"
NODEINFO_21 = "http://nodeinfo.diaspora.software/ns/schema/2.1"
XRD_NS = "{http://docs.oasis-open.org/ns/xri/xrd-1.0}"


def link(jrd: dict, rel: str) -> dict:
    found = [item for item in jrd["links"] if item["rel"] == rel]
    assert len(found) == 1, f"expected one {rel} link in {jrd['links']}"
    return found[0]


async def webfinger(http, resource: str):
    return await http.get(f"/.well-known/webfinger?resource={quote(resource)}")


# --- WebFinger ------------------------------------------------------------------


async def test_webfinger_acct_returns_jrd_with_self_link(instance, http):
    # Given a local account
    await instance.create_account("alice")
    # When a peer looks up acct:alice@domain
    reply = await webfinger(http, f"acct:alice@{instance.domain}")
    # Then it gets a JRD whose self link is the AS2 actor
    assert reply.status == 200
    assert reply.content_type == "application/jrd+json"
    jrd = reply.json()
    assert jrd["subject"] == f"acct:alice@{instance.domain}"
    assert link(jrd, "self") == {
        "rel": "self",
        "type": AS2,
        "href": f"{instance.base_url}/users/alice",
    }


async def test_webfinger_has_profile_page_and_aliases(instance, http):
    # Given a local account
    await instance.create_account("alice")
    # When it is looked up
    jrd = (await webfinger(http, f"acct:alice@{instance.domain}")).json()
    # Then the profile page and both the actor id and profile URL are given
    page = link(jrd, PROFILE_PAGE)
    assert page["type"] == "text/html"
    assert page["href"] == f"{instance.base_url}/@alice"
    assert set(jrd["aliases"]) == {
        f"{instance.base_url}/users/alice",
        f"{instance.base_url}/@alice",
    }


async def test_webfinger_allows_any_origin(instance, http):
    # Given a local account
    await instance.create_account("alice")
    # When a browser app (Elk, Phanpy) looks it up
    reply = await webfinger(http, f"acct:alice@{instance.domain}")
    # Then CORS lets any origin read the answer
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


async def test_webfinger_accepts_leading_at_in_acct(instance, http):
    # Given a local account
    await instance.create_account("alice")
    # When it is asked for as acct:@alice@domain (some clients keep the "@")
    reply = await webfinger(http, f"acct:@alice@{instance.domain}")
    # Then the account is found
    assert reply.status == 200
    assert reply.json()["subject"] == f"acct:alice@{instance.domain}"


@pytest.mark.parametrize("path", ["/users/alice", "/@alice"])
async def test_webfinger_by_actor_url(instance, http, path):
    # Given a local account
    await instance.create_account("alice")
    # When a peer looks it up by its actor id or profile URL
    reply = await webfinger(http, instance.base_url + path)
    # Then the same account's JRD comes back
    assert reply.status == 200
    jrd = reply.json()
    assert jrd["subject"] == f"acct:alice@{instance.domain}"
    assert link(jrd, "self")["href"] == f"{instance.base_url}/users/alice"


async def test_webfinger_jrd_matches_the_jrd_schema(instance, http):
    if not JRD_SCHEMA.exists():
        pytest.skip(f"{JRD_SCHEMA} is missing (the shared reference data)")
    # Given a local account and the fediverse JRD schema
    await instance.create_account("alice")
    schema = json.loads(JRD_SCHEMA.read_text())
    # When it is looked up
    jrd = (await webfinger(http, f"acct:alice@{instance.domain}")).json()
    # Then the document is a valid JRD
    jsonschema.Draft202012Validator(schema).validate(jrd)


async def test_webfinger_unknown_user_is_404(instance, http):
    # Given no account named nobody
    # When it is looked up
    reply = await webfinger(http, f"acct:nobody@{instance.domain}")
    # Then it is not found, as a JSON error
    assert reply.status == 404
    assert "error" in reply.json()


async def test_webfinger_other_domain_is_404(instance, http):
    # Given a local alice
    await instance.create_account("alice")
    # When someone asks this server about alice on another domain
    reply = await webfinger(http, "acct:alice@elsewhere.example")
    # Then this server does not answer for that domain
    assert reply.status == 404


async def test_webfinger_without_resource_is_400(instance, http):
    # Given nothing
    # When WebFinger is called without ?resource=
    reply = await http.get("/.well-known/webfinger")
    # Then the request is refused as malformed
    assert reply.status == 400
    assert "error" in reply.json()


async def test_webfinger_finds_the_instance_actor(instance, http):
    # Given the instance actor that every fedcity has
    # When a peer looks it up by its URL
    reply = await webfinger(http, f"{instance.base_url}/actor")
    # Then the JRD points at /actor
    assert reply.status == 200
    assert link(reply.json(), "self")["href"] == f"{instance.base_url}/actor"


# --- host-meta --------------------------------------------------------------------


async def test_host_meta_xml_points_at_webfinger(instance, http):
    # Given a running instance
    # When a peer fetches host-meta
    reply = await http.get("/.well-known/host-meta")
    # Then it is XRD with an lrdd template for WebFinger
    assert reply.status == 200
    assert reply.content_type == "application/xrd+xml"
    root = ElementTree.fromstring(reply.text)  # noqa: S314 (our own server's output)
    assert root.tag == f"{XRD_NS}XRD"
    (lrdd,) = root.findall(f"{XRD_NS}Link")
    assert lrdd.get("rel") == "lrdd"
    assert lrdd.get("template") == (
        f"{instance.base_url}/.well-known/webfinger?resource={{uri}}"
    )


@pytest.mark.parametrize(
    "path", ["/.well-known/host-meta?format=json", "/.well-known/host-meta.json"]
)
async def test_host_meta_json(instance, http, path):
    # Given a running instance
    # When host-meta is asked for as JSON
    reply = await http.get(path)
    # Then the lrdd link comes as JSON
    assert reply.status == 200
    assert reply.content_type == "application/json"
    assert reply.json() == {
        "links": [
            {
                "rel": "lrdd",
                "template": (
                    f"{instance.base_url}/.well-known/webfinger?resource={{uri}}"
                ),
            }
        ]
    }


# --- NodeInfo -------------------------------------------------------------------


async def test_nodeinfo_well_known_links_both_versions(instance, http):
    # Given a running instance
    # When a crawler fetches /.well-known/nodeinfo
    reply = await http.get("/.well-known/nodeinfo")
    # Then it links NodeInfo 2.0 and 2.1 by their schema URLs
    assert reply.status == 200
    hrefs = {item["rel"]: item["href"] for item in reply.json()["links"]}
    assert hrefs == {
        NODEINFO_20: f"{instance.base_url}/nodeinfo/2.0",
        NODEINFO_21: f"{instance.base_url}/nodeinfo/2.1",
    }


@pytest.mark.parametrize("version", ["2.0", "2.1"])
async def test_nodeinfo_document_shape(instance, http, version):
    # Given a running instance
    # When its NodeInfo document is fetched
    reply = await http.get(f"/nodeinfo/{version}")
    # Then it has the fields the NodeInfo schema requires, with their types
    assert reply.status == 200
    assert reply.content_type == "application/json"
    doc = reply.json()
    assert doc["version"] == version
    assert doc["software"]["name"] == "fedcity"
    assert isinstance(doc["software"]["version"], str)
    assert "activitypub" in doc["protocols"]
    assert doc["services"] == {"inbound": [], "outbound": []}
    assert isinstance(doc["openRegistrations"], bool)
    assert isinstance(doc["usage"]["users"]["total"], int)
    assert isinstance(doc["metadata"], dict)


async def test_nodeinfo_21_names_repository_and_homepage(instance, http):
    # Given a running instance
    # When NodeInfo 2.1 is fetched
    software = (await http.get("/nodeinfo/2.1")).json()["software"]
    # Then the 2.1-only software fields are present
    assert software["repository"].startswith("https://")
    assert software["homepage"].startswith("https://")


async def test_nodeinfo_profile_in_content_type(instance, http):
    # Given a running instance
    # When NodeInfo 2.0 is fetched
    reply = await http.get("/nodeinfo/2.0")
    # Then the Content-Type names the schema as its profile
    assert f'profile="{NODEINFO_20}#"' in reply.headers["Content-Type"]


async def test_nodeinfo_counts_local_accounts_only(instance, http, remote):
    # Given two local accounts and a remote actor this server knows of
    await instance.create_account("alice")
    await instance.create_account("bob")
    actor = remote.add_actor("mayor")
    await http.get(
        f"/api/v2/search?q={quote(actor.uri)}&resolve=true",
        token=await instance.token("alice"),
    )
    # When NodeInfo is fetched
    usage = (await http.get("/nodeinfo/2.0")).json()["usage"]
    # Then users.total counts only the local accounts (not the instance actor)
    assert usage["users"]["total"] == 2


async def test_nodeinfo_20_exact_path_for_elk(instance, http):
    # Given a running instance
    # When Elk asks for /nodeinfo/2.0 (no .json suffix, no redirect followed)
    reply = await http.get("/nodeinfo/2.0")
    # Then the document is served at that exact path
    assert reply.status == 200
    assert reply.json()["version"] == "2.0"


async def test_nodeinfo_unknown_version_is_404(instance, http):
    # Given a running instance
    # When a version fedcity does not speak is asked for
    reply = await http.get("/nodeinfo/1.0")
    # Then it is not found
    assert reply.status == 404
