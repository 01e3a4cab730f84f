"""The instance's texts from `[instance]`: rules, extended description, privacy policy
and the versions of the terms of service.

The long texts are files an operator edits (Markdown or HTML); they are read when
asked for, so an edit shows without a restart, and a file's modification time is
the text's `updated_at`. Both kinds are sanitised to a document allow-list: clients
show the HTML in web views.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Final

import nh3

from fedcity.config import InstanceSettings
from fedcity.config_values import RuleSetting, TermsVersion
from fedcity.errors import NotFound

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_DOCUMENT_TAGS: Final = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "a", "strong", "b", "em",
    "i", "u", "s", "del", "code", "pre", "blockquote", "ul", "ol", "li", "dl", "dt",
    "dd", "table", "thead", "tbody", "tr", "th", "td", "abbr", "sub", "sup", "span",
}  # fmt: skip
_DOCUMENT_ATTRIBUTES: Final = {"a": {"href", "title"}, "abbr": {"title"}}
# When the default privacy policy's text last changed (its `updated_at`).
_PACKAGED_AT: Final = datetime(2026, 12, 2, tzinfo=UTC)


@dataclass(frozen=True)
class Rule:
    id: str
    text: str
    hint: str


def rules(settings: InstanceSettings) -> list[Rule]:
    """Rules in their configured order; a rule's id is its position (from 1), so
    new rules go at the end to keep the ids that reports cite."""
    return [_rule(i, r) for i, r in enumerate(settings.rules, start=1)]


def _rule(position: int, rule: RuleSetting) -> Rule:
    return Rule(str(position), rule.text, rule.hint)


@dataclass(frozen=True)
class Document:
    content: str  # sanitised HTML
    updated_at: datetime


@cache
def _markdown() -> MarkdownIt:
    """The Markdown renderer, made on first use: only instances with Markdown texts
    need it, and loading it costs every process start 15 ms."""
    from markdown_it import MarkdownIt

    # Raw HTML inside Markdown is not rendered: an .html file is the way to write
    # HTML.
    return MarkdownIt("commonmark", {"html": False, "linkify": False})


def render(source: str, markdown: bool) -> str:
    html = _markdown().render(source) if markdown else source
    return nh3.clean(
        html,
        tags=set(_DOCUMENT_TAGS),
        attributes=_DOCUMENT_ATTRIBUTES,
        link_rel="nofollow noopener noreferrer",
    )


def read_document(path: str) -> Document | None:
    """The file at `path` rendered to HTML; None if there is none (any more).
    Blocking: call it in a thread."""
    if not path:
        return None
    file = Path(path)
    try:
        source = file.read_text(encoding="utf-8")
        modified = file.stat().st_mtime
    except (OSError, UnicodeDecodeError):
        return None
    markdown = file.suffix.lower() in (".md", ".markdown")
    return Document(render(source, markdown), datetime.fromtimestamp(modified, UTC))


def default_privacy_policy(settings: InstanceSettings) -> Document:
    """fedcity's own policy (`fedcity/texts/privacy_policy.md`), for instances whose
    operators have not written one: what fedcity keeps, who sees it, what it does
    not do. Mastodon ships a default policy too. Blocking: call it in a thread."""
    source = resources.files("fedcity") / "texts" / "privacy_policy.md"
    contact = f" at {settings.contact_email}" if settings.contact_email else ""
    text = Template(source.read_text(encoding="utf-8")).safe_substitute(
        name=_escape_markdown(settings.name),
        domain=settings.domain,
        contact=_escape_markdown(contact),
    )
    return Document(render(text, markdown=True), _PACKAGED_AT)


def _escape_markdown(value: str) -> str:
    return re.sub(r"([\\`*_{}\[\]()#+\-.!<>|~])", r"\\\1", value)


@dataclass(frozen=True)
class Terms:
    version: TermsVersion
    effective: bool
    succeeded_by: date | None


def terms_of_service(
    settings: InstanceSettings, today: date, on: date | None = None
) -> Terms | None:
    """The version in force `today` (else the newest, when none is in force yet, as
    Mastodon), or the version effective `on` that date; None if there is none."""
    versions = settings.terms_of_service  # sorted by effective date
    if on is not None:
        chosen = next((v for v in versions if v.effective_date == on), None)
    else:
        in_force = [v for v in versions if v.effective_date <= today]
        chosen = in_force[-1] if in_force else (versions[-1] if versions else None)
    if chosen is None:
        return None
    later = [
        v.effective_date for v in versions if v.effective_date > chosen.effective_date
    ]
    return Terms(chosen, chosen.effective_date <= today, later[0] if later else None)


def privacy_policy(settings: InstanceSettings) -> Document | None:
    """The operators' policy; fedcity's default when none is configured (a
    configured file that cannot be read is None, not silently replaced).
    Blocking: call it in a thread."""
    if settings.privacy_policy:
        return read_document(settings.privacy_policy)
    return default_privacy_policy(settings)


def terms_document(
    settings: InstanceSettings, today: date, on: str | None = None
) -> tuple[Terms, Document] | None:
    """terms_of_service() with its text, `on` an ISO date from a URL; None when
    there is no version at all. Blocking: call it in a thread.

    Raises:
        NotFound: `on` is not a date or no version took effect that day, or the
            version's file cannot be read.
    """
    day = None
    if on is not None:
        try:
            day = date.fromisoformat(on)
        except ValueError:
            raise NotFound() from None
    terms = terms_of_service(settings, today, day)
    if terms is None:
        if day is not None:
            raise NotFound()
        return None
    document = read_document(terms.version.file)
    if document is None:
        raise NotFound()
    return terms, document
