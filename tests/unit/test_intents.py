"""Activity Intents (FEP-3b86): which template a WebFinger answer gives for an
intent, and RFC 6570 expansion as the FEP asks (unknown variables empty)."""

from __future__ import annotations

from fedcity.services.discovery.intents import (
    FEP_3B86,
    OSTATUS_SUBSCRIBE,
    expand,
    intent_url,
    parse_handle,
)

URI = "https://ojai.example/users/mayor"
ENCODED = "https%3A%2F%2Fojai.example%2Fusers%2Fmayor"


def test_fep_intent_is_preferred_to_the_subscribe_template():
    # Given a server that publishes both a Follow intent and Mastodon's template
    links = [
        {"rel": OSTATUS_SUBSCRIBE, "template": "https://v.example/authorize?uri={uri}"},
        {"rel": FEP_3B86 + "Follow", "template": "https://v.example/follow?o={object}"},
    ]
    # When a follow is asked for
    # Then the FEP-3b86 template is used, with the address percent-encoded
    assert intent_url(links, "follow", URI) == f"https://v.example/follow?o={ENCODED}"


def test_subscribe_template_is_the_fallback():
    # Given a Mastodon server (only the subscribe template)
    links = [
        {"rel": "self", "href": "https://v.example/users/c"},
        {"rel": OSTATUS_SUBSCRIBE, "template": "https://v.example/ai?uri={uri}"},
    ]
    # When a boost is asked for, it goes to authorize_interaction with the uri
    assert intent_url(links, "boost", URI) == f"https://v.example/ai?uri={ENCODED}"


def test_reply_uses_the_create_intent_with_in_reply_to():
    # Given a server whose Create intent takes content and inReplyTo
    links = [
        {
            "rel": FEP_3B86 + "Create",
            "template": "https://v.example/share?text={content}&re={inReplyTo}",
        }
    ]
    # Then a reply fills inReplyTo and leaves the unknown content empty
    assert intent_url(links, "reply", URI) == (
        f"https://v.example/share?text=&re={ENCODED}"
    )


def test_no_usable_template_gives_none():
    # Given no template, and one that is not a web address
    assert intent_url([{"rel": "self", "href": URI}], "like", URI) is None
    links = [{"rel": FEP_3B86 + "Like", "template": "javascript:alert({object})"}]
    # Then there is nowhere to send the visitor
    assert intent_url(links, "like", URI) is None


def test_expansion_of_query_and_reserved_operators():
    # Given templates with the form-style and reserved operators
    values = {"object": URI, "on-success": ""}
    # Then `?` builds the query of defined variables, `+` keeps reserved characters
    assert expand("https://x.example/i{?object,on-success}", values) == (
        f"https://x.example/i?object={ENCODED}"
    )
    assert expand("https://x.example/{+object}", values) == f"https://x.example/{URI}"


def test_handles_are_read_in_their_usual_forms():
    # Given the forms people type their handle in
    for text in ("you@City.Example", "@you@city.example", "acct:you@city.example"):
        # Then each gives the account and its (lower-cased) server
        assert parse_handle(text) == ("you", "city.example")
    assert parse_handle("you@127.0.0.1:8080") == ("you", "127.0.0.1:8080")
    # And a name without a server, or a web address, is not a handle
    assert parse_handle("you") is None
    assert parse_handle("https://city.example/@you") is None
