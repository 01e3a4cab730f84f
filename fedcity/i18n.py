"""Translated messages: the gettext catalogues under `fedcity/locale/`, and the
language to answer a request in.

`locale/messages.pot` is the template and `locale/<lang>/LC_MESSAGES/messages.po`
each language's catalogue. They are read with Babel's `read_po` the first time a
language is asked for, so nothing compiled is committed or built; fuzzy and
untranslated entries fall back to English. The messages are English source
strings, which may hold `{name}` fields filled in after translation.
docs/development.md says how a message is added (`fedcity.i18n_extract` finds
them).
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "en"  # the language of the source strings


def N_(message: str) -> str:
    """Mark a message kept in a constant, so that it is extracted; it is
    translated where it is shown."""
    return message


@cache
def available_languages() -> frozenset[str]:
    """English and every language with a catalogue (directory names: `es`,
    `pt_BR`)."""
    found = {path.parts[-3] for path in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po")}
    return frozenset({DEFAULT_LANGUAGE, *found})


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of `language`, as gettext translations (what Jinja2's i18n
    extension takes); English and unknown languages translate nothing."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if language == DEFAULT_LANGUAGE or not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as source:
        catalog = read_po(source, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # leaves fuzzy entries out
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def translate(
    language: str, message: str, params: Mapping[str, object] | None = None
) -> str:
    """`message` in `language`, its `{name}` fields filled from `params`. A
    `field` parameter is the label of a form field (`N_("Title")`, see
    services/limits.py) and is translated too; other values are data."""
    catalogue = translations(language)
    text = catalogue.gettext(message)
    if not params:
        return text
    if isinstance(label := params.get("field"), str):
        params = {**params, "field": catalogue.gettext(label)}
    return text.format(**params)


def pick_language(
    *,
    lang: str | None = None,
    account: str | None = None,
    accept_language: str | None = None,
) -> str:
    """The language to answer in, chosen as Mastodon chooses it: the `lang`
    parameter, then the account's interface language, then the best one of
    Accept-Language (by q-value) that has a catalogue; English otherwise.

    Accounts have no interface language yet (`source[language]` is the default
    language of their posts, not of the interface), so callers pass none."""
    for tag in (lang, account, *_accepted(accept_language or "")):
        found = _available(tag)
        if found is not None:
            return found
    return DEFAULT_LANGUAGE


def _available(tag: str | None) -> str | None:
    """The catalogue for a language tag: `es-MX` is `es_MX` if there is one,
    else `es`."""
    parts = (tag or "").strip().replace("_", "-").split("-")
    base = parts[0].lower()
    candidates = [f"{base}_{parts[1].upper()}", base] if len(parts) > 1 else [base]
    languages = available_languages()
    return next((c for c in candidates if c in languages), None)


def _accepted(header: str) -> list[str]:
    """Accept-Language's tags, best first (ties keep their order); `*` and q=0
    are left out, and so is a tag whose q-value does not parse."""
    weighted: list[tuple[float, str]] = []
    for item in header.split(","):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                continue
        if tag and tag != "*" and quality > 0:
            weighted.append((quality, tag))
    weighted.sort(key=lambda pair: -pair[0])
    return [tag for _, tag in weighted]
