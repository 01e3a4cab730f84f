"""Pure rules: which URLs a blocklist covers, which link of a post gets a card, and
what a page's meta tags make of a card."""

from __future__ import annotations

from fedcity.domains import is_blocked
from fedcity.previews.cards import first_link
from fedcity.previews.parse import card_from_page, parse_page


def test_blocklist_covers_subdomains_and_ports_as_written():
    # Given a blocklist of a domain and of one host:port
    blocked = ("spam.example", "127.0.0.1:8081")
    # When URLs are checked, Then the domain, its subdomains and that port are blocked
    assert is_blocked("https://spam.example/users/a", blocked)
    assert is_blocked("https://m.spam.example:8443/inbox", blocked)
    assert is_blocked("http://127.0.0.1:8081/inbox", blocked)
    assert not is_blocked("http://127.0.0.1:8082/inbox", blocked)
    assert not is_blocked("https://notspam.example/", blocked)


def test_first_link_skips_mentions_hashtags_and_local_links():
    # Given post HTML with a mention, a hashtag, a local link and an article
    content = (
        '<p><span class="h-card"><a href="https://x.example/@a" class="u-url mention">'
        '@a</a></span> <a href="https://city.example/tags/roads" class="mention hashtag" '
        'rel="tag">#roads</a> <a href="https://city.example/@mayor/1">mine</a> '
        '<a href="mailto:x@y.example">mail</a> <a href="https://news.example/a">news</a></p>'
    )
    # When the card's link is chosen, Then it is the article
    assert first_link(content, local_base="https://city.example") == (
        "https://news.example/a"
    )


def test_page_without_open_graph_falls_back_to_title_and_description():
    # Given a page with only a title and a description meta tag
    page = parse_page(
        "<html><head><title> Road   works </title>"
        '<meta name="description" content="Detours this week"></head></html>'
    )
    # When a card is made of it
    card = card_from_page("https://news.example/a", page)
    # Then those are its title and description, with no image
    assert (card.title, card.description, card.image_url) == (
        "Road works",
        "Detours this week",
        None,
    )
