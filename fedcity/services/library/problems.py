"""A JSON Schema error said as "the field and what is wrong": `jurisdiction.state:
is required`, `topics[0]: 'roads' is not one of housing, …`.

jsonschema's own messages name Python reprs and regular expressions; these name
the field by its path in the document and say what the field should be, in
messages the catalogues translate."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Final

from jsonschema import ValidationError  # type: ignore[import-untyped]

from fedcity.errors import Problem
from fedcity.i18n import N_

# What a field of each JSON type must be.
TYPE_PROBLEMS: Final = {
    "string": N_("must be a text"),
    "integer": N_("must be a whole number"),
    "number": N_("must be a number"),
    "boolean": N_("must be true or false"),
    "array": N_("must be a list"),
    "object": N_("must be an object"),
}
NUMBER_OR_TEXT: Final = N_("must be a number or a text")

# What a value of a pattern or format must look like, by the `title` the schemas
# give the definition.
FORM_PROBLEMS: Final = {
    "state code": N_("must be a two-letter state code, such as CA"),
    "OCD id": N_(
        "must be an OCD division id, such as ocd-division/country:us/state:ca/place:ojai"
    ),
    "currency code": N_("must be a three-letter currency code, such as USD"),
    "date": N_("must be a date written YYYY-MM-DD"),
    "date-time with offset": N_(
        "must be a date and time with its offset, such as 2027-03-01T17:00:00-08:00"
    ),
    "time zone": N_("must be an IANA time zone, such as America/Los_Angeles"),
    "account handle": N_("must be an account handle, such as @name@example.org"),
    "web address": N_("must be an http or https address"),
    "language tag": N_("must be a language tag, such as en or es-MX"),
    "IRI": N_("must be an IRI, such as the address of a license"),
    "hashtag": N_("must be a hashtag: letters, digits and underscores"),
    "media type": N_("must be a media type, such as application/pdf"),
}
NOT_IN_FORM: Final = N_("is not in the expected form")
REQUIRED: Final = N_("is required")
UNKNOWN_FIELD: Final = N_("is not a field of this document")
NOT_VALID: Final = N_("is not valid")


def field_path(parts: Iterable[str | int]) -> str:
    """`["results", 1, "before"]` → `results[1].before`."""
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def shown(value: Any) -> str:
    """A value as a problem quotes it: texts in quotes, others as JSON."""
    if isinstance(value, str):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def problems_of(error: ValidationError) -> list[Problem]:
    """The problems one schema error stands for (a `required` or
    `additionalProperties` error names each field it is about)."""
    where = list(error.absolute_path)
    kind, limit, instance = error.validator, error.validator_value, error.instance
    if kind == "required":
        missing = [n for n in limit if isinstance(instance, dict) and n not in instance]
        return [Problem(field_path([*where, name]), REQUIRED) for name in missing]
    if kind == "additionalProperties":
        known = error.schema.get("properties", {})
        extra = [k for k in instance if k not in known]
        return [Problem(field_path([*where, name]), UNKNOWN_FIELD) for name in extra]
    template, params = _said(kind, limit, instance, error.schema)
    return [Problem(field_path(where), template, params)]


def _said(
    kind: str, limit: Any, instance: Any, schema: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """The message and its values for one failed keyword."""
    match kind:
        case "enum" | "const":
            choices: Sequence[Any] = limit if kind == "enum" else [limit]
            return N_("{value} is not one of {choices}"), {
                "value": shown(instance),
                "choices": ", ".join(str(c) for c in choices),
            }
        case "type":
            return _type_problem(limit), {}
        case "minLength" if limit == 1:
            return N_("can't be blank"), {}
        case "minLength":
            return N_("must be at least {limit} characters long"), {"limit": limit}
        case "maxLength":
            return N_("must be at most {limit} characters long (it has {length})"), {
                "limit": limit,
                "length": len(instance),
            }
        case "minItems" if limit == 1:
            return N_("can't be empty"), {}
        case "minItems":
            return N_("must list at least {limit} items"), {"limit": limit}
        case "maxItems":
            return N_("may list at most {limit} items"), {"limit": limit}
        case "uniqueItems":
            return N_("lists the same item twice"), {}
        case "minimum":
            return N_("must be at least {limit}"), {"limit": limit}
        case "maximum":
            return N_("must be at most {limit}"), {"limit": limit}
        case "pattern" | "format":
            return FORM_PROBLEMS.get(str(schema.get("title")), NOT_IN_FORM), {}
    return NOT_VALID, {}


def _type_problem(expected: str | list[str]) -> str:
    if isinstance(expected, list):
        if sorted(expected) == ["number", "string"]:
            return NUMBER_OR_TEXT
        expected = expected[0]
    return TYPE_PROBLEMS.get(expected, NOT_VALID)


def first_per_field(problems: Iterable[Problem]) -> list[Problem]:
    """One problem per field (the first), in the order of the fields' paths: a
    value can break its pattern and its format at once, and one reason is
    enough to fix it."""
    kept: dict[str, Problem] = {}
    for problem in problems:
        kept.setdefault(problem.field, problem)
    return [kept[name] for name in sorted(kept)]
