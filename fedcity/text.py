"""Post text: sanitising remote HTML, rendering local plain text, finding entities.

These are pure functions: no I/O, no aiohttp, no database. They follow what
Mastodon 4 does (`app/lib/sanitize_config.rb`, `app/lib/text_formatter.rb`,
`Account::MENTION_RE`, `Tag::HASHTAG_RE`), so posts look the same on fedcity
and on Mastodon.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Final

import nh3

# -- sanitising remote HTML -----------------------------------------------------

# Mastodon's MASTODON_STRICT allow-list, used for remote content. `p[class]` is
# allowed too, for Mastodon's `<p class="quote-inline">RE: …</p>`.
_ALLOWED_TAGS: Final = frozenset(
    {
        "p", "br", "span", "a", "del", "s", "pre", "blockquote", "code",
        "b", "strong", "u", "i", "em", "ul", "ol", "li", "ruby", "rt", "rp",
    }
)  # fmt: skip
# `rel` is not listed: nh3 sets _LINK_REL on every link, as Mastodon's
# LINK_REL_TRANSFORMER does. Mastodon also keeps rel="tag", but nh3 can't merge
# values; clients find hashtags by their class anyway.
_ALLOWED_ATTRIBUTES: Final = {
    "a": {"href", "class", "translate"},
    "span": {"class", "translate"},
    "p": {"class"},
    "ol": {"start", "reversed"},
    "li": {"value"},
}
_ALLOWED_CLASSES: Final = frozenset(
    {"h-card", "u-url", "mention", "hashtag", "ellipsis", "invisible", "quote-inline"}
)
_URL_SCHEMES: Final = frozenset(
    {"http", "https", "dat", "dweb", "ipfs", "ipns", "ssb", "gopher", "xmpp",
     "magnet", "gemini"}
)  # fmt: skip
_LINK_REL: Final = "nofollow noopener noreferrer"
# Dropped together with their content, not just unwrapped.
_DROP_WITH_CONTENT: Final = frozenset(
    {"script", "style", "template", "iframe", "object", "noscript"}
)
# Mastodon's UNSUPPORTED_ELEMENTS_TRANSFORMER shows headings as bold paragraphs.
# Rewriting the tags before sanitising is safe: nh3 re-parses the result.
_HEADING_OPEN: Final = re.compile(r"<h[1-6](?=[\s/>])[^>]*>", re.IGNORECASE)
_HEADING_CLOSE: Final = re.compile(r"</h[1-6]\s*>", re.IGNORECASE)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        kept = [c for c in value.split() if c in _ALLOWED_CLASSES]
        return " ".join(kept) or None
    if attribute == "translate":
        return value if value in ("yes", "no") else None
    if attribute in ("start", "value"):
        return value if re.fullmatch(r"-?\d{1,9}", value.strip()) else None
    return value


_CLEANER: Final = nh3.Cleaner(
    tags=set(_ALLOWED_TAGS),
    clean_content_tags=set(_DROP_WITH_CONTENT),
    attributes=_ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    link_rel=_LINK_REL,
    set_tag_attribute_values={"a": {"target": "_blank"}},
    url_schemes=set(_URL_SCHEMES),
    # Relative links in remote posts would point at *our* host.
    url_relative="deny",
)


def sanitize_html(source: str) -> str:
    """Clean remote post HTML to Mastodon's allow-list for remote content.

    Headings become `<p><strong>…</strong></p>`. Script and style elements are
    dropped with their content. Classes outside the mention, hashtag and link
    classes are removed. Links keep only the http(s)-like schemes Mastodon
    allows, and get `rel="nofollow noopener noreferrer" target="_blank"`.
    """
    source = _HEADING_OPEN.sub("<p><strong>", source)
    source = _HEADING_CLOSE.sub("</strong></p>", source)
    return _CLEANER.clean(source)


# -- HTML to plain text ---------------------------------------------------------

_BLOCK_TAGS: Final = frozenset(
    {"p", "div", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"}
)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden_depth += 1
        elif tag in ("br", "li"):
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
        if tag == "pre":
            self._pre_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
        if tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self._hidden_depth:
            return
        # Source newlines mean nothing in HTML, except inside <pre>.
        self.parts.append(data if self._pre_depth else re.sub(r"\s+", " ", data))


def html_to_text(source: str) -> str:
    """Plain text of post HTML, for search, summaries and content warnings.

    Paragraphs and other blocks are separated by a blank line, `<br>` becomes
    a newline, and entities are decoded. Script and style contents are dropped.
    """
    extractor = _TextExtractor()
    extractor.feed(source)
    extractor.close()
    text = "".join(extractor.parts)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# -- finding URLs, mentions and hashtags -------------------------------------


@dataclass(frozen=True)
class MentionRef:
    """A mention as typed: "alice", "alice@city.example" or "alice@host:8080"."""

    handle: str
    username: str
    domain: str | None  # lowercased; None for a mention of a local account


_URL_RE: Final = re.compile(r"(?<![\w/@.])https?://[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAILING_PUNCTUATION: Final = ".,;:!?'\"*"
# Account::MENTION_RE, plus an optional port so test and LAN instances
# ("@alice@127.0.0.1:8080") can be mentioned. The look-behind stops matches
# inside e-mail addresses and URLs; the look-ahead stops half-words.
_MENTION_RE: Final = re.compile(
    r"(?<![=/\w])@"
    r"(?P<username>[a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)"
    r"(?:@(?P<domain>\w+(?:[.-]+\w+)*(?::\d{1,5})?))?"
    r"(?![\w@])",
    re.IGNORECASE,
)
# Tag::HASHTAG_SEPARATORS: allowed inside a tag; all but "_" never end one.
_HASHTAG_SEPARATORS: Final = "_\u00b7\u30fb\u200c"
_NOT_BEFORE_HASHTAG: Final = frozenset("=/)&")


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    kind: str  # "url" | "mention" | "hashtag"
    text: str


def _find_urls(text: str) -> Iterator[_Span]:
    for match in _URL_RE.finditer(text):
        url = _trim_url(match.group())
        if len(url) > url.index("//") + 2:
            yield _Span(match.start(), match.start() + len(url), "url", url)


def _trim_url(url: str) -> str:
    """Drop the sentence punctuation and unbalanced brackets that follow URLs."""
    while url and (
        url[-1] in _URL_TRAILING_PUNCTUATION or _closes_unopened_bracket(url)
    ):
        url = url[:-1]
    return url


def _closes_unopened_bracket(url: str) -> bool:
    # "(see https://en.wikipedia.org/wiki/Foo_(bar))" keeps one ")" of two.
    pairs = {")": "(", "]": "["}
    last = url[-1]
    return last in pairs and url.count(last) > url.count(pairs[last])


def _find_mentions(text: str) -> Iterator[_Span]:
    for match in _MENTION_RE.finditer(text):
        yield _Span(match.start(), match.end(), "mention", match.group()[1:])


def _is_hashtag_char(char: str) -> bool:
    category = unicodedata.category(char)
    return (
        category[0] in "LM" or category in ("Nd", "Pc") or char in _HASHTAG_SEPARATORS
    )


def _find_hashtags(text: str) -> Iterator[_Span]:
    for start in (i for i, char in enumerate(text) if char == "#"):
        before = text[start - 1] if start else " "
        if before in _NOT_BEFORE_HASHTAG or unicodedata.category(before)[0] in "LMN":
            continue  # inside a word, a URL path, or an entity like "&#39;"
        end = start + 1
        while end < len(text) and _is_hashtag_char(text[end]):
            end += 1
        while end > start + 1 and text[end - 1] in _HASHTAG_SEPARATORS[1:]:
            end -= 1
        name = text[start + 1 : end]
        # Tag::HASHTAG_RE needs a letter: "#2024" and "#1" are not hashtags.
        if any(unicodedata.category(c)[0] == "L" for c in name):
            yield _Span(start, end, "hashtag", name)


def _find_entities(text: str) -> list[_Span]:
    """URLs, then mentions and hashtags that don't fall inside a URL, in order."""
    urls = list(_find_urls(text))
    others = [*_find_mentions(text), *_find_hashtags(text)]
    kept = [s for s in others if not any(u.start <= s.start < u.end for u in urls)]
    return sorted([*urls, *kept], key=lambda span: span.start)


def _mention_ref(handle: str) -> MentionRef:
    username, _, domain = handle.partition("@")
    return MentionRef(handle=handle, username=username, domain=domain.lower() or None)


def normalize_hashtag(name: str) -> str:
    """The form tags are compared and stored in: NFKC, then lowercase."""
    return unicodedata.normalize("NFKC", name).lower()


def extract_mentions(text: str) -> list[MentionRef]:
    """Mentions in plain text, in order, each account once (case-insensitive).

    `foo@bar.com` (an e-mail address) and `@alice` inside a URL are not
    mentions.
    """
    seen: set[tuple[str, str | None]] = set()
    mentions: list[MentionRef] = []
    for span in _find_entities(text):
        if span.kind != "mention":
            continue
        ref = _mention_ref(span.text)
        key = (ref.username.lower(), ref.domain)
        if key not in seen:
            seen.add(key)
            mentions.append(ref)
    return mentions


def extract_hashtags(text: str) -> list[str]:
    """Normalised hashtag names in plain text, in order, without duplicates.

    A `#` inside a word, a URL (its fragment, say) or an HTML entity doesn't
    start a hashtag, and a name needs at least one letter.
    """
    names: dict[str, None] = {}
    for span in _find_entities(text):
        if span.kind == "hashtag":
            names.setdefault(normalize_hashtag(span.text))
    return list(names)


# -- rendering local plain text ---------------------------------------------


def render_plain_text(
    text: str,
    *,
    mention_url: Callable[[MentionRef], str | None],
    tag_url: Callable[[str], str],
) -> str:
    """Render a local post's plain text as HTML, the way Mastodon does.

    The text is HTML-escaped. Blank lines separate `<p>` paragraphs, and single
    newlines become `<br />`. http(s) URLs are linked. A mention becomes an
    h-card link when `mention_url` resolves it, and is left as plain text
    otherwise. Hashtags link to `tag_url(normalised name)`.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    paragraphs = re.split(r"\n[ \t]*\n\s*", text)
    return "".join(
        "<p>"
        + "<br />".join(
            _render_line(line, mention_url=mention_url, tag_url=tag_url)
            for line in paragraph.split("\n")
        )
        + "</p>"
        for paragraph in paragraphs
    )


def _render_line(
    line: str,
    *,
    mention_url: Callable[[MentionRef], str | None],
    tag_url: Callable[[str], str],
) -> str:
    out: list[str] = []
    position = 0
    for span in _find_entities(line):
        out.append(html.escape(line[position : span.start]))
        out.append(_render_span(span, mention_url=mention_url, tag_url=tag_url))
        position = span.end
    out.append(html.escape(line[position:]))
    return "".join(out)


def _render_span(
    span: _Span,
    *,
    mention_url: Callable[[MentionRef], str | None],
    tag_url: Callable[[str], str],
) -> str:
    if span.kind == "url":
        return _render_link(span.text)
    if span.kind == "hashtag":
        href = html.escape(tag_url(normalize_hashtag(span.text)))
        return (
            f'<a href="{href}" class="mention hashtag" rel="tag">'
            f"#<span>{html.escape(span.text)}</span></a>"
        )
    ref = _mention_ref(span.text)
    url = mention_url(ref)
    if url is None:
        return html.escape("@" + span.text)
    return (
        f'<span class="h-card" translate="no"><a href="{html.escape(url)}" '
        f'class="u-url mention">@<span>{html.escape(ref.username)}</span></a></span>'
    )


def _render_link(url: str) -> str:
    """Mastodon's TextFormatter.shortened_link: hide the scheme, cut at 30."""
    prefix_match = re.match(r"https?://(?:www\.)?", url, re.IGNORECASE)
    prefix = prefix_match.group() if prefix_match else ""
    rest = url[len(prefix) :]
    shown, hidden = rest[:30], rest[30:]
    shown_class = "ellipsis" if hidden else ""
    return (
        f'<a href="{html.escape(url)}" target="_blank" rel="{_LINK_REL}" '
        f'translate="no"><span class="invisible">{html.escape(prefix)}</span>'
        f'<span class="{shown_class}">{html.escape(shown)}</span>'
        f'<span class="invisible">{html.escape(hidden)}</span></a>'
    )
