"""The message catalogues under fedcity/locale/ (docs/development.md, "Translated
messages"): every error message of the code is in the template, every language
translates all of it, and requests pick their language as Mastodon does."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import fedcity.app  # noqa: F401  (every error class, wherever it is defined)
from fedcity import i18n, i18n_extract
from fedcity.errors import FedcityError, NotFound, Unprocessable

PACKAGE = Path(__file__).resolve().parents[2] / "fedcity"
TEMPLATE = PACKAGE / "locale" / "messages.pot"
CATALOGUES = sorted(PACKAGE.glob("locale/*/LC_MESSAGES/messages.po"))


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=locale)


def singular(message: str | tuple[str, ...]) -> str:
    """A message's id: its singular form when it has plurals (`ngettext`)."""
    return message if isinstance(message, str) else message[0]


def ids(catalog: Catalog) -> set[str]:
    return {singular(message.id) for message in catalog if message.id}


def extracted() -> set[str]:
    """What `pybabel extract -F babel.cfg` finds in the code and templates now."""
    found = extract_from_dir(
        PACKAGE,
        method_map=[
            ("**.py", "fedcity.i18n_extract:extract_messages"),
            ("web/templates/**.html", "jinja2"),
        ],
        options_map={
            "web/templates/**.html": {
                "extensions": "jinja2.ext.i18n",
                "trimmed": "true",
            }
        },
    )
    return {singular(message) for _, _, message, _, _ in found}


def fields(text: str | tuple[str, ...]) -> set[tuple[str, str | None]]:
    """The `{name}` fields of a Python message, or the `%(name)s` ones of a
    template's (Jinja's i18n extension formats with %); a plural's first form."""
    text = singular(text)
    if "%(" in text:
        return {(name, "%") for name in re.findall(r"%\((\w+)\)", text)}
    return {
        (name, conversion)
        for _, name, _, conversion in string.Formatter().parse(text)
        if name is not None
    }


def test_the_template_holds_every_message_of_the_code_and_no_other():
    # Given the messages the extractor finds in the package
    found = extracted()
    # Then the committed template holds exactly those (run pybabel extract if not)
    template = ids(read(TEMPLATE))
    assert found - template == set(), "missing from messages.pot"
    assert template - found == set(), "no longer in the code"


def test_every_error_message_can_be_extracted():
    # Given every module, and the constants that hold marked messages
    trees = {path: ast.parse(path.read_text()) for path in PACKAGE.rglob("*.py")}
    constants = set().union(*(i18n_extract.marked_constants(t) for t in trees.values()))
    # Then no error is made with a message the extractor cannot read (an f-string
    # or a built string: give a literal with {fields} and keywords instead)
    unreadable = [
        f"{path.relative_to(PACKAGE)}:{line}: {source}"
        for path, tree in trees.items()
        for line, source in i18n_extract.unreadable(tree, constants)
    ]
    assert unreadable == []


def test_every_error_class_is_known_to_the_extractor():
    # Given every FedcityError subclass in the package
    classes, stack = set(), [FedcityError]
    while stack:
        cls = stack.pop()
        classes.add(cls.__name__)
        stack.extend(cls.__subclasses__())
    # Then the extractor reads the messages of each (ConfigError is the CLI's)
    known = set(i18n_extract.error_classes()) | i18n_extract.UNTRANSLATED
    assert classes - known == set()


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_each_catalogue_translates_every_message_with_the_same_fields(path):
    # Given a language's catalogue and the template
    catalog = read(path, path.parts[-3])
    template = ids(read(TEMPLATE))
    # Then it has the template's messages, each translated, none fuzzy, and each
    # translation fills the same {fields}
    assert ids(catalog) == template, "run pybabel update"
    untranslated = [m.id for m in catalog if m.id and not m.string]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert (untranslated, fuzzy) == ([], [])
    mismatched = [m.id for m in catalog if m.id and fields(m.id) != fields(m.string)]
    assert mismatched == []


def test_spanish_is_shipped():
    assert "es" in i18n.available_languages()


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, "en"),
        ({"accept_language": "es-MX,es;q=0.9"}, "es"),
        ({"accept_language": "fr-CH, fr;q=0.9, es;q=0.8, en;q=0.7"}, "es"),
        ({"accept_language": "en;q=0.5, es;q=0.9"}, "es"),
        ({"accept_language": "es;q=0, de"}, "en"),
        ({"accept_language": "es;q=bogus, *"}, "en"),
        ({"lang": "es", "accept_language": "en"}, "es"),
        ({"lang": "xx", "accept_language": "es"}, "es"),
        ({"account": "es", "accept_language": "en"}, "es"),
        ({"lang": "en", "account": "es"}, "en"),
    ],
)
def test_the_language_is_picked_as_mastodon_picks_it(kwargs, expected):
    assert i18n.pick_language(**kwargs) == expected


def test_errors_fill_their_fields_after_translation():
    # Given an error whose message has a field
    error = Unprocessable(
        "Validation failed: Text character limit of {limit} exceeded", limit=500
    )
    # Then it reads in English by default and in Spanish when asked
    assert error.message == "Validation failed: Text character limit of 500 exceeded"
    assert error.localized("es") == (
        "La validación falló: Se ha superado el límite de 500 caracteres del texto"
    )
    assert NotFound().localized("es") == "Registro no encontrado"
    assert NotFound().localized("en") == "Record not found"
