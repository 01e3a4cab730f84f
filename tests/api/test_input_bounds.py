"""Every string and list the client API accepts has a bound (services/limits.py),
as Mastodon's model validations give them: a value at the bound is accepted, one
past it is refused with 422 and Mastodon's message, and nothing of it is stored."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from fedcity.services import limits
from fedcity.storage.models import OAuthApp, Report
from tests.support.http import Http, Reply, post_status
from tests.support.images import png
from tests.support.push_service import PushClient

pytestmark = pytest.mark.usefixtures("backend")

OOB = "urn:ietf:wg:oauth:2.0:oob"
CONTEXTS = ["home", "notifications", "public", "thread", "account"]


@dataclass
class Ctx:
    instance: Any
    http: Http
    token: str
    ids: dict[str, str] = field(default_factory=dict)

    async def get(self, path: str, **kw: Any) -> Any:
        reply = await self.http.get(path, token=self.token, **kw)
        return reply.status, reply.json()

    async def send(self, method: str, path: str, **kw: Any) -> Reply:
        return await self.http.request(method, path, token=self.token, **kw)

    async def rows(self, model: Any) -> int:
        async with self.instance.db.session() as session:
            return int(await session.scalar(select(func.count()).select_from(model)))


Send = Callable[[Ctx, int], Awaitable[Reply]]
Stored = Callable[[Ctx], Awaitable[Any]]
Setup = Callable[[Ctx], Awaitable[None]]


@dataclass(frozen=True)
class Bound:
    maximum: int
    message: str  # after "Validation failed: "
    send: Send
    stored: Stored
    setup: Setup | None = None


def x(n: int) -> str:
    return "x" * n


def padded(prefix: str, n: int) -> str:
    return prefix + "a" * (n - len(prefix))


def too_long(field_name: str, maximum: int, unit: str = "characters") -> str:
    return f"{field_name} is too long (maximum is {maximum} {unit})"


# --- setups -------------------------------------------------------------------


async def a_list(c: Ctx) -> None:
    reply = await c.send("POST", "/api/v1/lists", json={"title": "Council"})
    c.ids["list"] = reply.json()["id"]


async def a_filter(c: Ctx) -> None:
    body = {"title": "Noise", "context": ["home"]}
    c.ids["filter"] = (await c.send("POST", "/api/v2/filters", json=body)).json()["id"]


async def a_suspect(c: Ctx) -> None:
    account = await c.instance.create_account("suspect")
    c.ids["account"] = str(account.id)
    status = await post_status(c.instance, c.http, "suspect", "hello")
    c.ids["status"] = status["id"]


async def an_upload(c: Ctx) -> None:
    files = {"file": io.BytesIO(png(8, 8))}
    reply = await c.send("POST", "/api/v2/media", data=files)
    c.ids["media"] = reply.json()["id"]


async def me(c: Ctx) -> None:
    _, account = await c.get("/api/v1/accounts/verify_credentials")
    c.ids["me"] = account["id"]


# --- what is sent, and what is stored -----------------------------------------


def post(path: str, body: Callable[[Ctx, int], dict[str, Any]]) -> Send:
    async def send(c: Ctx, n: int) -> Reply:
        return await c.send("POST", path.format(**c.ids), json=body(c, n))

    return send


def put(path: str, body: Callable[[Ctx, int], dict[str, Any]]) -> Send:
    async def send(c: Ctx, n: int) -> Reply:
        return await c.send("PUT", path.format(**c.ids), json=body(c, n))

    return send


def profile(body: Callable[[int], dict[str, Any]]) -> Send:
    async def send(c: Ctx, n: int) -> Reply:
        path = "/api/v1/accounts/update_credentials"
        return await c.send("PATCH", path, json=body(n))

    return send


def search(path: str) -> Send:
    async def send(c: Ctx, n: int) -> Reply:
        return await c.send("GET", path, params={"q": x(n)})

    return send


def read(path: str) -> Stored:
    async def stored(c: Ctx) -> Any:
        return await c.get(path.format(**c.ids))

    return stored


def rows(model: Any) -> Stored:
    async def stored(c: Ctx) -> Any:
        return await c.rows(model)

    return stored


def status(**fields: Any) -> Callable[[Ctx, int], dict[str, Any]]:
    return lambda c, n: {
        k: v(n) if callable(v) else v for k, v in {"status": "hi", **fields}.items()
    }


def poll(**fields: Any) -> Callable[[Ctx, int], dict[str, Any]]:
    base = {"options": lambda n: ["a", "b"], "expires_in": lambda n: 3600}
    merged = {**base, **fields}
    return lambda c, n: {"status": "Q?", "poll": {k: v(n) for k, v in merged.items()}}


def report(**fields: Callable[[Ctx, int], Any]) -> Send:
    def body(c: Ctx, n: int) -> dict[str, Any]:
        return {"account_id": c.ids["account"]} | {
            k: f(c, n) for k, f in fields.items()
        }

    return post("/api/v1/reports", body)


def fields(n: int, name: str = "name", value: str = "value") -> dict[str, Any]:
    return {
        "fields_attributes": {str(i): {"name": name, "value": value} for i in range(n)}
    }


def keywords(n: int) -> dict[str, Any]:
    return {
        "title": "Noise",
        "context": ["home"],
        "keywords_attributes": [{"keyword": f"k{i}"} for i in range(n)],
    }


def push(endpoint: str = "", p256dh: str = "", auth: str = "") -> Send:
    async def send(c: Ctx, n: int) -> Reply:
        client = PushClient()
        keys = {
            "p256dh": client.p256dh + "=" * (n - len(client.p256dh) if p256dh else 0),
            "auth": client.auth_b64 + "=" * (n - len(client.auth_b64) if auth else 0),
        }
        url = padded(endpoint, n) if endpoint else "https://push.example/device"
        body = {"subscription": {"endpoint": url, "keys": keys}}
        return await c.send("POST", "/api/v1/push/subscription", json=body)

    return send


def in_a_week() -> str:
    return (datetime.now(UTC) + timedelta(days=7)).isoformat()


STATUSES = read("/api/v1/accounts/{me}/statuses")
FILTERS = read("/api/v2/filters")
CREDENTIALS = read("/api/v1/accounts/verify_credentials")

BOUNDS: dict[str, Bound] = {
    "list title": Bound(
        limits.MAX_LIST_TITLE,
        too_long("Title", limits.MAX_LIST_TITLE),
        post("/api/v1/lists", lambda c, n: {"title": x(n)}),
        read("/api/v1/lists"),
    ),
    "list title on rename": Bound(
        limits.MAX_LIST_TITLE,
        too_long("Title", limits.MAX_LIST_TITLE),
        put("/api/v1/lists/{list}", lambda c, n: {"title": x(n)}),
        read("/api/v1/lists/{list}"),
        a_list,
    ),
    "filter title": Bound(
        limits.MAX_FILTER_TITLE,
        too_long("Title", limits.MAX_FILTER_TITLE),
        post("/api/v2/filters", lambda c, n: {"title": x(n), "context": ["home"]}),
        FILTERS,
    ),
    "filter keyword": Bound(
        limits.MAX_FILTER_KEYWORD,
        too_long("Keyword", limits.MAX_FILTER_KEYWORD),
        post(
            "/api/v2/filters",
            lambda c, n: {
                "title": "Noise",
                "context": ["home"],
                "keywords_attributes": [{"keyword": x(n)}],
            },
        ),
        FILTERS,
    ),
    "keyword added to a filter": Bound(
        limits.MAX_FILTER_KEYWORD,
        too_long("Keyword", limits.MAX_FILTER_KEYWORD),
        post("/api/v2/filters/{filter}/keywords", lambda c, n: {"keyword": x(n)}),
        FILTERS,
        a_filter,
    ),
    "keywords per filter": Bound(
        limits.MAX_FILTER_KEYWORDS,
        too_long("Keywords", limits.MAX_FILTER_KEYWORDS, "items"),
        post("/api/v2/filters", lambda c, n: keywords(n)),
        FILTERS,
    ),
    "filter contexts": Bound(
        len(CONTEXTS),
        "Context can't be blank or invalid",
        post(
            "/api/v2/filters",
            lambda c, n: {"title": "Noise", "context": [*CONTEXTS, "nowhere"][:n]},
        ),
        FILTERS,
    ),
    "v1 filter phrase": Bound(
        limits.MAX_FILTER_TITLE,
        too_long("Title", limits.MAX_FILTER_TITLE),
        post("/api/v1/filters", lambda c, n: {"phrase": x(n), "context": ["home"]}),
        read("/api/v1/filters"),
    ),
    "display name": Bound(
        limits.MAX_DISPLAY_NAME,
        too_long("Display name", limits.MAX_DISPLAY_NAME),
        profile(lambda n: {"display_name": x(n)}),
        CREDENTIALS,
    ),
    "bio": Bound(
        limits.MAX_NOTE,
        too_long("Note", limits.MAX_NOTE),
        profile(lambda n: {"note": x(n)}),
        CREDENTIALS,
    ),
    "profile fields": Bound(
        limits.MAX_PROFILE_FIELDS,
        too_long("Fields", limits.MAX_PROFILE_FIELDS, "fields"),
        profile(fields),
        CREDENTIALS,
    ),
    "profile field name": Bound(
        limits.MAX_PROFILE_FIELD_NAME,
        too_long("Field name", limits.MAX_PROFILE_FIELD_NAME),
        profile(lambda n: fields(1, name=x(n))),
        CREDENTIALS,
    ),
    "profile field value": Bound(
        limits.MAX_PROFILE_FIELD_VALUE,
        too_long("Field value", limits.MAX_PROFILE_FIELD_VALUE),
        profile(lambda n: fields(1, value=x(n))),
        CREDENTIALS,
    ),
    "status text": Bound(
        limits.MAX_STATUS_CHARACTERS,
        f"Text character limit of {limits.MAX_STATUS_CHARACTERS} exceeded",
        post("/api/v1/statuses", status(status=x)),
        STATUSES,
        me,
    ),
    "content warning": Bound(
        limits.MAX_STATUS_CHARACTERS - 2,  # "hi" counts too
        f"Text character limit of {limits.MAX_STATUS_CHARACTERS} exceeded",
        post("/api/v1/statuses", status(spoiler_text=x)),
        STATUSES,
        me,
    ),
    "language": Bound(
        limits.MAX_LANGUAGE_CODE,
        too_long("Language", limits.MAX_LANGUAGE_CODE),
        post("/api/v1/statuses", status(language=lambda n: "a" * n)),
        STATUSES,
        me,
    ),
    "scheduled status text": Bound(
        limits.MAX_STATUS_CHARACTERS,
        f"Text character limit of {limits.MAX_STATUS_CHARACTERS} exceeded",
        post(
            "/api/v1/statuses",
            lambda c, n: {"status": x(n), "scheduled_at": in_a_week()},
        ),
        read("/api/v1/scheduled_statuses"),
    ),
    "poll options": Bound(
        limits.MAX_POLL_OPTIONS,
        f"Poll options can't contain more than {limits.MAX_POLL_OPTIONS} items",
        post("/api/v1/statuses", poll(options=lambda n: [f"o{i}" for i in range(n)])),
        STATUSES,
        me,
    ),
    "poll option": Bound(
        limits.MAX_POLL_OPTION_CHARACTERS,
        "Poll options cannot be longer than "
        f"{limits.MAX_POLL_OPTION_CHARACTERS} characters each",
        post("/api/v1/statuses", poll(options=lambda n: [x(n), "b"])),
        STATUSES,
        me,
    ),
    "poll duration": Bound(
        limits.MAX_POLL_EXPIRATION,
        "Poll expires at is too far into the future",
        post("/api/v1/statuses", poll(expires_in=lambda n: n)),
        STATUSES,
        me,
    ),
    "media description": Bound(
        limits.MAX_MEDIA_DESCRIPTION,
        too_long("Description", limits.MAX_MEDIA_DESCRIPTION),
        put("/api/v1/media/{media}", lambda c, n: {"description": x(n)}),
        read("/api/v1/media/{media}"),
        an_upload,
    ),
    "report comment": Bound(
        limits.MAX_REPORT_COMMENT,
        too_long("Comment", limits.MAX_REPORT_COMMENT),
        report(comment=lambda c, n: x(n)),
        rows(Report),
        a_suspect,
    ),
    "reported statuses": Bound(
        limits.MAX_REPORT_STATUSES,
        too_long("Status ids", limits.MAX_REPORT_STATUSES, "items"),
        report(status_ids=lambda c, n: [c.ids["status"]] * n),
        rows(Report),
        a_suspect,
    ),
    "account note": Bound(
        limits.MAX_ACCOUNT_NOTE,
        too_long("Comment", limits.MAX_ACCOUNT_NOTE),
        post("/api/v1/accounts/{account}/note", lambda c, n: {"comment": x(n)}),
        read("/api/v1/accounts/relationships?id[]={account}"),
        a_suspect,
    ),
    "featured tag name": Bound(
        limits.MAX_TAG_NAME,
        too_long("Name", limits.MAX_TAG_NAME),
        post("/api/v1/featured_tags", lambda c, n: {"name": "a" * n}),
        read("/api/v1/featured_tags"),
    ),
    "followed tag name": Bound(
        limits.MAX_TAG_NAME,
        too_long("Name", limits.MAX_TAG_NAME),
        lambda c, n: c.send("POST", f"/api/v1/tags/{'a' * n}/follow"),
        read("/api/v1/followed_tags"),
    ),
    "app name": Bound(
        limits.MAX_APP_NAME,
        too_long("Application name", limits.MAX_APP_NAME),
        post("/api/v1/apps", lambda c, n: {"client_name": x(n), "redirect_uris": OOB}),
        rows(OAuthApp),
    ),
    "app website": Bound(
        limits.MAX_APP_WEBSITE,
        too_long("Website", limits.MAX_APP_WEBSITE),
        post(
            "/api/v1/apps",
            lambda c, n: {
                "client_name": "Tusky",
                "redirect_uris": OOB,
                "website": padded("https://tusky.example/", n),
            },
        ),
        rows(OAuthApp),
    ),
    "app redirect URIs": Bound(
        limits.MAX_REDIRECT_URI,
        too_long("Redirect URI", limits.MAX_REDIRECT_URI),
        post(
            "/api/v1/apps",
            lambda c, n: {
                "client_name": "Tusky",
                "redirect_uris": [
                    OOB,
                    padded("https://tusky.example/", n - len(OOB) - 1),
                ],
            },
        ),
        rows(OAuthApp),
    ),
    "push endpoint": Bound(
        limits.MAX_PUSH_ENDPOINT,
        too_long("Endpoint", limits.MAX_PUSH_ENDPOINT),
        push(endpoint="https://push.example/"),
        read("/api/v1/push/subscription"),
    ),
    "push key p256dh": Bound(
        limits.MAX_PUSH_KEY,
        too_long("Key p256dh", limits.MAX_PUSH_KEY),
        push(p256dh="="),
        read("/api/v1/push/subscription"),
    ),
    "push key auth": Bound(
        limits.MAX_PUSH_KEY,
        too_long("Key auth", limits.MAX_PUSH_KEY),
        push(auth="="),
        read("/api/v1/push/subscription"),
    ),
    "search query": Bound(
        limits.MAX_SEARCH_QUERY,
        too_long("Q", limits.MAX_SEARCH_QUERY),
        search("/api/v2/search"),
        CREDENTIALS,
    ),
    "account search query": Bound(
        limits.MAX_SEARCH_QUERY,
        too_long("Q", limits.MAX_SEARCH_QUERY),
        search("/api/v1/accounts/search"),
        CREDENTIALS,
    ),
}


@pytest.mark.parametrize("name", list(BOUNDS))
async def test_input_past_its_bound_is_refused_and_at_it_accepted(instance, http, name):
    # Given an account (and what the bound applies to)
    bound = BOUNDS[name]
    await instance.create_account("mayor")
    c = Ctx(instance, http, await instance.token("mayor"))
    if bound.setup is not None:
        await bound.setup(c)
    before = await bound.stored(c)
    # When the client sends one more than the bound allows
    refused = await bound.send(c, bound.maximum + 1)
    # Then it is refused with Mastodon's message, and nothing of it is kept
    assert refused.status == 422, refused.text
    assert refused.json() == {"error": f"Validation failed: {bound.message}"}
    assert await bound.stored(c) == before
    # When it sends just as much as the bound allows, then that is accepted
    accepted = await bound.send(c, bound.maximum)
    assert accepted.status == 200, accepted.text[:300]


async def test_a_reaction_name_past_its_bound_is_refused(instance, http):
    # Given an announcement
    from tests.api.test_announcements import announce, only_announcement

    await announce(instance, "Street party on Saturday")
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    item = await only_announcement(http, token)
    path = f"/api/v1/announcements/{item['id']}/reactions/"
    # When one reacts with a name longer than any emoji's, and with one at the bound
    refused = await http.request("PUT", path + "a" * 65, token=token)
    unknown = await http.request("PUT", path + "a" * 64, token=token)
    # Then the first is refused for its length, the second for being no emoji
    assert refused.status == 422
    assert refused.json() == {"error": f"Validation failed: {too_long('Name', 64)}"}
    assert unknown.json() == {
        "error": "Validation failed: Name is not a recognized emoji"
    }
    assert (await only_announcement(http, token))["reactions"] == []


async def test_limit_params_are_clamped_not_refused(instance, http):
    # Given three posts
    await instance.create_account("mayor")
    for text in ("one", "two", "three"):
        await post_status(instance, http, "mayor", text)
    path = "/api/v1/timelines/public"
    # When a client asks for far too many, or fewer than one
    many = await http.get(path, params={"limit": "100000"})
    negative = await http.get(path, params={"limit": "-5"})
    # Then both are answered: with everything, and with one
    assert (many.status, len(many.json())) == (200, 3)
    assert (negative.status, len(negative.json())) == (200, 1)


async def test_the_instance_reports_its_bounds(http):
    # When a client reads the instance's configuration
    reply = await http.get("/api/v2/instance")
    configuration = reply.json()["configuration"]
    # Then it finds the bounds the API holds it to
    reported = {
        "max_note_length": limits.MAX_NOTE,
        "max_profile_fields": limits.MAX_PROFILE_FIELDS,
        "profile_field_value_limit": limits.MAX_PROFILE_FIELD_VALUE,
    }
    assert reported.items() <= configuration["accounts"].items()
    assert configuration["statuses"]["max_characters"] == limits.MAX_STATUS_CHARACTERS
    assert configuration["statuses"]["max_media_attachments"] == 4
    assert configuration["polls"]["max_options"] == limits.MAX_POLL_OPTIONS
    assert configuration["media_attachments"]["description_limit"] == 1500
