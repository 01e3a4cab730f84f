"""fedcity.text: sanitising, plain text, mentions, hashtags, rendering."""

from __future__ import annotations

import pytest

from fedcity.text import (
    MentionRef,
    extract_hashtags,
    extract_mentions,
    html_to_text,
    render_plain_text,
    sanitize_html,
)

MASTODON_MENTION = (
    '<span class="h-card" translate="no"><a href="https://city.example/@alice" '
    'class="u-url mention">@<span>alice</span></a></span>'
)
MASTODON_HASHTAG = (
    '<a href="https://city.example/tags/roads" class="mention hashtag" '
    'rel="tag">#<span>roads</span></a>'
)


def resolve_alice(ref: MentionRef) -> str | None:
    if ref.username.lower() == "alice" and ref.domain in (None, "city.example"):
        return "https://city.example/@alice"
    return None


def tag_url(name: str) -> str:
    return f"https://city.example/tags/{name}"


def render(text: str) -> str:
    return render_plain_text(text, mention_url=resolve_alice, tag_url=tag_url)


# -- sanitize_html --------------------------------------------------------------


def test_sanitize_drops_script_elements_with_their_content() -> None:
    # Given remote HTML with an inline script
    source = "<p>hello<script>alert('x')</script></p>"
    # When it is sanitised
    cleaned = sanitize_html(source)
    # Then neither the tag nor its code survives
    assert cleaned == "<p>hello</p>"


def test_sanitize_drops_event_handler_attributes() -> None:
    cleaned = sanitize_html('<p onclick="steal()">hi</p>')
    assert cleaned == "<p>hi</p>"


def test_sanitize_removes_javascript_links_but_keeps_the_text() -> None:
    # Given a link with a javascript: URL
    cleaned = sanitize_html('<a href="javascript:alert(1)">click</a>')
    # Then the href is gone and only the text and safe attributes remain
    assert "javascript" not in cleaned
    assert "href" not in cleaned
    assert ">click</a>" in cleaned


def test_sanitize_drops_relative_links() -> None:
    # Given a remote post linking to a path (it would point at our own host)
    cleaned = sanitize_html('<a href="/admin">x</a>')
    # Then the href is removed
    assert "href" not in cleaned


def test_sanitize_keeps_only_mastodon_classes() -> None:
    # Given classes that are partly allowed and partly not
    cleaned = sanitize_html('<span class="invisible evil-overlay">https://</span>')
    # Then only the allowed class is kept
    assert cleaned == '<span class="invisible">https://</span>'


def test_sanitize_drops_class_attribute_when_nothing_is_allowed() -> None:
    cleaned = sanitize_html('<span class="fullscreen-takeover">x</span>')
    assert cleaned == "<span>x</span>"


def test_sanitize_keeps_mastodon_mention_markup() -> None:
    # Given the mention markup Mastodon sends
    cleaned = sanitize_html(f"<p>{MASTODON_MENTION} hi</p>")
    # Then the h-card and mention classes and the href survive
    assert '<span class="h-card" translate="no">' in cleaned
    assert 'href="https://city.example/@alice"' in cleaned
    assert 'class="u-url mention"' in cleaned
    assert "@<span>alice</span></a></span> hi</p>" in cleaned


def test_sanitize_keeps_hashtag_markup_with_safe_link_attributes() -> None:
    # Given Mastodon hashtag markup
    cleaned = sanitize_html(f"<p>{MASTODON_HASHTAG}</p>")
    # Then the classes survive and the link gets Mastodon's rel and target
    assert 'class="mention hashtag"' in cleaned
    assert 'rel="nofollow noopener noreferrer"' in cleaned
    assert 'target="_blank"' in cleaned
    assert "#<span>roads</span>" in cleaned


def test_sanitize_turns_headings_into_bold_paragraphs() -> None:
    # Given a heading (Mastodon doesn't show headings as such)
    cleaned = sanitize_html('<h2 id="x">Budget</h2><p>text</p>')
    # Then it becomes a bold paragraph
    assert cleaned == "<p><strong>Budget</strong></p><p>text</p>"


def test_sanitize_drops_images_and_styles() -> None:
    cleaned = sanitize_html(
        '<style>p{display:none}</style><img src="x" onerror="a()">ok'
    )
    assert cleaned == "ok"


def test_sanitize_keeps_list_numbering_attributes() -> None:
    cleaned = sanitize_html('<ol start="3"><li value="5">a</li></ol>')
    assert cleaned == '<ol start="3"><li value="5">a</li></ol>'


@pytest.mark.parametrize(
    "href",
    [
        "gemini://city.example/page",
        "xmpp:clerk@city.example",
        "magnet:?xt=urn:btih:abc",
    ],
)
def test_sanitize_keeps_mastodon_allowed_schemes(href: str) -> None:
    cleaned = sanitize_html(f'<a href="{href}">x</a>')
    assert f'href="{href}"' in cleaned


# -- html_to_text ---------------------------------------------------------------


def test_html_to_text_separates_paragraphs_with_blank_lines() -> None:
    assert html_to_text("<p>one</p><p>two</p>") == "one\n\ntwo"


def test_html_to_text_turns_br_into_newlines() -> None:
    assert html_to_text("<p>one<br>two<br />three</p>") == "one\ntwo\nthree"


def test_html_to_text_decodes_entities() -> None:
    assert (
        html_to_text("<p>Fish &amp; chips &lt;3 &#39;yum&#39;</p>")
        == "Fish & chips <3 'yum'"
    )


def test_html_to_text_keeps_link_text_and_drops_scripts() -> None:
    # Given a Mastodon-style shortened link and a stray script
    source = (
        '<p>see <a href="https://city.example/x"><span class="invisible">https://</span>'
        '<span class="">city.example/x</span></a><script>bad()</script></p>'
    )
    # When it is converted / Then the full URL reads naturally, without the code
    assert html_to_text(source) == "see https://city.example/x"


# -- extract_mentions -----------------------------------------------------------


def test_extract_mentions_finds_local_and_remote_mentions_in_order() -> None:
    mentions = extract_mentions("hi @alice and @bob@Town.Example!")
    assert mentions == [
        MentionRef(handle="alice", username="alice", domain=None),
        MentionRef(handle="bob@Town.Example", username="bob", domain="town.example"),
    ]


def test_extract_mentions_accepts_a_port() -> None:
    [mention] = extract_mentions("ping @alice@127.0.0.1:8080.")
    assert mention == MentionRef(
        handle="alice@127.0.0.1:8080", username="alice", domain="127.0.0.1:8080"
    )


def test_extract_mentions_ignores_email_addresses() -> None:
    assert extract_mentions("write to clerk@city.example or foo@bar.com") == []


def test_extract_mentions_ignores_mentions_inside_urls() -> None:
    assert extract_mentions("profile: https://social.example/@alice") == []


def test_extract_mentions_deduplicates_case_insensitively() -> None:
    mentions = extract_mentions("@alice @Alice @alice@city.example @ALICE@City.Example")
    assert [m.handle for m in mentions] == ["alice", "alice@city.example"]


# -- extract_hashtags -------------------------------------------------------------


def test_extract_hashtags_normalises_and_deduplicates() -> None:
    assert extract_hashtags("#Roads and #roads, then #Café") == ["roads", "café"]


def test_extract_hashtags_ignores_url_fragments() -> None:
    text = "agenda at https://city.example/minutes#item-4 and https://city.example/#top"
    assert extract_hashtags(text) == []


def test_extract_hashtags_ignores_all_digit_tags() -> None:
    assert extract_hashtags("issue #2024 and #1") == []


def test_extract_hashtags_ignores_hashes_inside_words() -> None:
    assert extract_hashtags("C#sharp and foo#bar") == []


def test_extract_hashtags_accepts_unicode_letters() -> None:
    assert extract_hashtags("#日本語 #straße") == ["日本語", "straße"]


# -- render_plain_text --------------------------------------------------------------


def test_render_escapes_html() -> None:
    # Given text that looks like markup
    html = render("<script>alert('x')</script> & co")
    # Then it is shown, not run
    assert html == "<p>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co</p>"


def test_render_splits_paragraphs_and_lines() -> None:
    assert render("one\ntwo\n\nthree") == "<p>one<br />two</p><p>three</p>"


def test_render_of_empty_text_is_empty() -> None:
    assert render("  \n ") == ""


def test_render_linkifies_urls_like_mastodon() -> None:
    # Given a short URL at the end of a sentence
    html = render("Minutes: https://city.example/m/4.")
    # Then the link hides the scheme and leaves the full stop outside
    assert html == (
        '<p>Minutes: <a href="https://city.example/m/4" target="_blank" '
        'rel="nofollow noopener noreferrer" translate="no">'
        '<span class="invisible">https://</span><span class="">city.example/m/4</span>'
        '<span class="invisible"></span></a>.</p>'
    )


def test_render_shortens_long_urls_with_an_ellipsis() -> None:
    url = "https://www.city.example/council/minutes/2024/05/01/item-4?lang=en"
    html = render(url)
    assert '<span class="invisible">https://www.</span>' in html
    assert '<span class="ellipsis">city.example/council/minutes/2</span>' in html
    assert f'href="{url}"' in html


def test_render_escapes_query_strings_in_links() -> None:
    html = render("https://city.example/?a=1&b=2")
    assert 'href="https://city.example/?a=1&amp;b=2"' in html


def test_render_links_resolved_mentions_as_h_cards() -> None:
    html = render("thanks @alice@city.example!")
    assert html == f"<p>thanks {MASTODON_MENTION}!</p>"


def test_render_leaves_unresolved_mentions_as_text() -> None:
    assert render("hi @nobody@nowhere.example") == "<p>hi @nobody@nowhere.example</p>"


def test_render_links_hashtags_to_the_normalised_tag_url() -> None:
    # Given a hashtag typed in mixed case
    html = render("#Roads")
    # Then the link uses the normalised name and the text keeps the typed one
    assert html == (
        '<p><a href="https://city.example/tags/roads" class="mention hashtag" '
        'rel="tag">#<span>Roads</span></a></p>'
    )


def test_render_does_not_treat_url_fragments_as_hashtags() -> None:
    html = render("https://city.example/page#section")
    assert "hashtag" not in html
    assert 'href="https://city.example/page#section"' in html


def test_rendered_mentions_and_hashtags_survive_sanitising() -> None:
    # Given a rendered local post as a remote server would receive it
    html = render("@alice see #roads")
    # When it is sanitised on the way back in
    cleaned = sanitize_html(html)
    # Then the mention and hashtag markup is intact
    assert 'class="u-url mention"' in cleaned
    assert 'class="mention hashtag"' in cleaned
