"""The files the library imports and exports (docs/library.md, "Import and
export"): a document as JSON, or as Markdown with its fields in YAML front
matter and a case study's long parts as sections:

    ---
    title: Pothole blitz
    jurisdiction: {name: Ojai, state: CA}
    topics: [infrastructure]
    ---

    ## Problem

    Residents waited nine days for a pothole repair.

    ## Results

    | measure | before | after | unit |
    | --- | --- | --- | --- |
    | pothole repair time | 9 | 2 | days |

`## Problem`, `## Approach`, `## Results` (results_table) and `## Lessons learned`
hold `problem`, `approach`, `results` and `lessons_learned`; each may be in the
front matter instead (an export puts one there when a section could not give it
back exactly). A `# Title` line before the sections gives the title when the
front matter does not. Nothing else may stand outside the front matter and the
sections, so that nothing in a file is silently dropped.

Reading never validates: validation.validate_document does, after."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any, Final

import yaml  # type: ignore[import-untyped]

from fedcity.errors import DocumentInvalid, Problem
from fedcity.i18n import N_
from fedcity.services.library import results_table, vocabulary
from fedcity.storage.models import LibraryKind

# The sections of a case study, by field, with their headings as written.
SECTIONS: Final = {
    "problem": "Problem",
    "approach": "Approach",
    "results": "Results",
    "lessons_learned": "Lessons learned",
}
_HEADINGS: Final = {heading.casefold(): name for name, heading in SECTIONS.items()}
_SECTION: Final = re.compile(r"## +(\S.*?)\s*")
_TITLE: Final = re.compile(r"# +(\S.*?)\s*")
_FENCE: Final = "---"  # the lines around the front matter

NOT_JSON: Final = N_("is not valid JSON: {reason}")
NO_FRONT_MATTER: Final = N_(
    "must begin with front matter: the fields in YAML between two lines of ---"
)
NOT_YAML: Final = N_("the front matter is not valid YAML: {reason}")
NOT_A_MAPPING: Final = N_("the front matter must be a mapping of fields")
UNKNOWN_SECTION: Final = N_(
    "{name} is not a section of a case study: the sections are Problem, "
    "Approach, Results and Lessons learned"
)
NO_SECTIONS: Final = N_(
    "a funding opportunity has no sections: every field is in the front matter"
)
SECTION_TWICE: Final = N_("is given in two sections")
GIVEN_TWICE: Final = N_("is given both in the front matter and as a section")
OUTSIDE: Final = N_(
    "text outside a section: put it under ## Problem, ## Approach, ## Results "
    "or ## Lessons learned"
)
TITLE_DIFFERS: Final = N_("the # heading and the front matter give two titles")
NOT_JSON_VALUE: Final = N_("holds a value a JSON document cannot: {value}")


# --- JSON ------------------------------------------------------------------------


def read_json(text: str) -> object:
    """The document a JSON file holds (not yet validated).

    Raises:
        DocumentInvalid: not JSON, or an object naming a field twice.
    """
    try:
        return json.loads(
            text, object_pairs_hook=_no_repeats, parse_constant=_no_constant
        )
    except ValueError as exc:  # JSONDecodeError, or a repeated field
        raise DocumentInvalid(
            problems=[Problem("", NOT_JSON, {"reason": str(exc)})]
        ) from None


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        names = [name for name, _ in pairs]
        twice = next(name for name in names if names.count(name) > 1)
        raise ValueError(f"the field {twice!r} is given twice")
    return found


def write_json(kind: LibraryKind, doc: Mapping[str, Any]) -> str:
    """The document as a JSON file: its fields in the schema's order, indented."""
    return json.dumps(ordered(kind, doc), ensure_ascii=False, indent=2) + "\n"


def ordered(kind: LibraryKind, doc: Mapping[str, Any]) -> dict[str, Any]:
    """The document with its fields in the order its schema lists them (stored
    documents come back in the database's order: PostgreSQL's JSONB sorts them)."""
    order = list(vocabulary.schema(kind)["properties"])
    rank = {name: index for index, name in enumerate(order)}
    return {
        name: doc[name] for name in sorted(doc, key=lambda n: rank.get(n, len(rank)))
    }


# --- YAML front matter ---------------------------------------------------------------


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML's safe loader, with two things the documents do not want: dates stay
    texts (`start_date: 2025-01-06` is the text the schema asks for), and only
    true and false are booleans (`language: no` is Norwegian). A field named
    twice is an error instead of the last one silently winning."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the field {key!r} is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


_BOOL: Final = "tag:yaml.org,2002:bool"
_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, pattern)
        for tag, pattern in resolvers
        if tag not in (_BOOL, "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class _Dumper(yaml.SafeDumper):  # type: ignore[misc]
    """YAML's safe dumper, writing texts of several lines as blocks (`|`) where
    YAML can hold them so, for people to read. What it leaves unquoted, the loader
    above reads as the same text (its resolver is a subset of the dumper's)."""


# Line breaks YAML knows but the files' reader does not split on: PyYAML writes
# them unescaped in single quotes and block texts, where YAML then folds them.
_YAML_BREAKS: Final = frozenset("\x85\u2028\u2029")


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    if _YAML_BREAKS.intersection(text):
        style: str | None = '"'  # escaped as \N, \L, \P
    else:
        style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _text)


def _front_matter(text: str) -> dict[str, Any]:
    try:
        fields = yaml.load(text, Loader=_Loader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        reason = _yaml_reason(exc)
        raise DocumentInvalid(
            problems=[Problem("", NOT_YAML, {"reason": reason})]
        ) from None
    if fields is None:
        return {}
    if not isinstance(fields, dict):
        raise DocumentInvalid(problems=[Problem("", NOT_A_MAPPING)])
    for name, value in fields.items():
        odd = _not_json(value) if isinstance(name, str) else repr(name)
        if odd is not None:
            field = name if isinstance(name, str) else ""
            raise DocumentInvalid(
                problems=[Problem(field, NOT_JSON_VALUE, {"value": odd})]
            )
    return fields


def _yaml_reason(exc: Exception) -> str:
    """What YAML found wrong, and where in the file (the front matter starts on
    its second line)."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None)
    if mark is None or problem is None:
        return " ".join(str(exc).split())
    return f"{problem} (line {mark.line + 2}, column {mark.column + 1})"


def _not_json(value: object) -> str | None:
    """The first value in `value` that JSON cannot hold exactly (YAML's dates,
    sets, binary, infinities, keys that are not texts), as YAML wrote it."""
    if value is None or isinstance(value, str | bool | int):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else repr(value)
    if isinstance(value, list):
        return next(filter(None, map(_not_json, value)), None)
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            return repr(next(k for k in value if not isinstance(k, str)))
        return next(filter(None, map(_not_json, value.values())), None)
    return repr(value)


# --- Markdown --------------------------------------------------------------------------


def read_markdown(kind: LibraryKind, text: str) -> dict[str, Any]:
    """The document a Markdown file holds (not yet validated).

    Raises:
        DocumentInvalid: no front matter, YAML that does not parse, text outside
            the sections, an unknown section, a field given twice, a results
            table that does not read.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    if lines[0].rstrip() != _FENCE:
        raise DocumentInvalid(problems=[Problem("", NO_FRONT_MATTER)])
    # Only `---` closes it: YAML's own `...` (which PyYAML writes after a text
    # that keeps its final line breaks) is the YAML's to read.
    end = next(
        (i for i, line in enumerate(lines[1:], 1) if line.rstrip() == _FENCE), None
    )
    if end is None:
        raise DocumentInvalid(problems=[Problem("", NO_FRONT_MATTER)])
    doc = _front_matter("".join(line + "\n" for line in lines[1:end]))
    title, sections = _sections(lines[end + 1 :])
    if sections and kind != LibraryKind.CASE_STUDY:
        raise DocumentInvalid(problems=[Problem("", NO_SECTIONS)])
    if title is not None and doc.setdefault("title", title) != title:
        raise DocumentInvalid(problems=[Problem("title", TITLE_DIFFERS)])
    for name, body in sections.items():
        if name in doc:
            raise DocumentInvalid(problems=[Problem(name, GIVEN_TWICE)])
        value = _section_value(name, body)
        if value is not None:
            doc[name] = value
    return doc


def _sections(lines: list[str]) -> tuple[str | None, dict[str, list[str]]]:
    """The `# Title` before the sections (if any) and each section's lines."""
    title: str | None = None
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        heading = _SECTION.fullmatch(line)
        if heading is not None:
            current = _new_section(sections, heading.group(1))
        elif current is not None:
            current.append(line)
        elif (named := _TITLE.fullmatch(line)) and title is None:
            title = named.group(1)
        elif line.strip():
            raise DocumentInvalid(problems=[Problem("", OUTSIDE)])
    return title, sections


def _new_section(sections: dict[str, list[str]], heading: str) -> list[str]:
    name = _HEADINGS.get(heading.casefold())
    if name is None:
        problem = Problem("", UNKNOWN_SECTION, {"name": repr(heading)})
        raise DocumentInvalid(problems=[problem])
    if name in sections:
        raise DocumentInvalid(problems=[Problem(name, SECTION_TWICE)])
    sections[name] = []
    return sections[name]


def _section_value(name: str, lines: list[str]) -> object:
    """A section's field: the results its table says, or its text without the
    blank lines around it; None for an empty section (the field is left out)."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    if not lines:
        return None
    if name == "results":
        return results_table.results_of(lines)
    return "\n".join(lines)


def write_markdown(kind: LibraryKind, doc: Mapping[str, Any]) -> str:
    """The document as a Markdown file: a case study's long parts as sections
    where a section gives them back exactly, everything else as front matter."""
    fields = ordered(kind, doc)
    bodies: dict[str, str] = {}
    if kind == LibraryKind.CASE_STUDY:
        for name in SECTIONS:
            body = _section_body(name, fields.get(name))
            if body is not None:
                bodies[name] = body
    front = {name: value for name, value in fields.items() if name not in bodies}
    matter = yaml.dump(
        front, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88
    )
    parts = [f"---\n{matter}---\n"]
    parts += [f"\n## {SECTIONS[name]}\n\n{body}\n" for name, body in bodies.items()]
    return "".join(parts)


def _section_body(name: str, value: object) -> str | None:
    """What the section of `name` says for `value`, if reading it back gives
    exactly `value` (else None: the field stays in the front matter)."""
    if value is None:
        return None
    body = results_table.table_of(value) if name == "results" else value
    if not isinstance(body, str) or "\r" in body:
        return None  # a file's line ends are read as "\n"
    try:
        _, sections = _sections(["", f"## {SECTIONS[name]}", "", *body.split("\n")])
        back = _section_value(name, sections.get(name, []))
    except DocumentInvalid:
        return None
    return body if _same(back, value) else None


def _same(a: object, b: object) -> bool:
    """Equal, and of the same JSON types (9 is not 9.0 nor "9")."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
