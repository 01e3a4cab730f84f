"""The values of a library form (form_spec), read from a document (to edit it)
or from a POST, and the document they make.

A POST's repeatable rows are compacted: a row left empty is dropped, so that
row N of the form is item N of the document's list, and a problem the
validation reports at `results[1].before` is shown at that row's field. The
"Add another" buttons (`add=<group>`) add one empty row."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from multidict import MultiDict

from fedcity.errors import Problem
from fedcity.i18n import N_
from fedcity.services.library.validation import parse_deadline, zone_exists
from fedcity.storage.models import LibraryKind
from fedcity.web.library.form_spec import Field, Group, fields_of, groups_of

NO_TIMEZONE: Final = N_("Choose the time zone of the deadline")
DEFAULT_CURRENCY: Final = "USD"
# Rows read from a POST at most per group, whatever indexes it names.
MAX_INDEX: Final = 99
_ROW: Final = re.compile(r"([a-z_]+)\[([0-9]{1,2})\](?:\.([a-z_]+))?")
_WORDS: Final = re.compile(r"[\s,]+")
_WHOLE: Final = re.compile(r"[0-9][0-9,_ ]*")

Value = str | list[str] | bool


@dataclass
class FormValues:
    """What a form shows: single fields by name, rows of each group."""

    fields: dict[str, Value] = field(default_factory=dict)
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)


def blank(kind: LibraryKind, language: str) -> FormValues:
    """A new item's form: searchable, in the page's language, in dollars, one
    empty row per group."""
    values = FormValues(
        fields={
            "indexable": True,
            "language": language,
            "cost.currency": DEFAULT_CURRENCY,
            "amount.currency": DEFAULT_CURRENCY,
        }
    )
    for group in groups_of(kind):
        values.rows[group.name] = [_empty_row(group)]
    return values


def _empty_row(group: Group) -> dict[str, str]:
    return {f.name: "" for f in group.fields}


# -- from a document ------------------------------------------------------------


def from_document(kind: LibraryKind, doc: Mapping[str, Any]) -> FormValues:
    """The form of an item being edited."""
    values = FormValues()
    for f in fields_of(kind):
        values.fields[f.name] = _shown(f, _get(doc, f.name), doc)
    for group in groups_of(kind):
        rows = [
            {
                f.name: _text(item if not f.name else _get(item, f.name))
                for f in group.fields
            }
            for item in doc.get(group.name) or ()
        ]
        values.rows[group.name] = rows or [_empty_row(group)]
    return values


def _get(doc: object, path: str) -> Any:
    for key in path.split("."):
        if not isinstance(doc, Mapping):
            return None
        doc = doc.get(key)
    return doc


def _text(value: object) -> str:
    """A value as its field shows it: whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _shown(f: Field, value: Any, doc: Mapping[str, Any]) -> Value:
    if f.kind == "checkbox":
        return bool(value) if value is not None else True
    if f.kind == "checkboxes":
        return [str(v) for v in value or ()]
    if f.kind in ("words", "states"):
        return " ".join(str(v) for v in value or ())
    if f.kind == "deadline":
        return _local_deadline(value, doc.get("timezone"))
    return _text(value)


def _local_deadline(value: object, zone: object) -> str:
    """The deadline as `datetime-local` shows it: in its time zone, else at its
    own offset."""
    moment = parse_deadline(value) if isinstance(value, str) else None
    if moment is None:
        return _text(value)
    if isinstance(zone, str) and zone_exists(zone):
        moment = moment.astimezone(ZoneInfo(zone))
    return moment.strftime(
        "%Y-%m-%dT%H:%M" if not moment.second else "%Y-%m-%dT%H:%M:%S"
    )


# -- from a POST ----------------------------------------------------------------


def from_form(kind: LibraryKind, form: MultiDict[str]) -> tuple[FormValues, str]:
    """The values a POST sent, and the group whose "Add another" button sent it
    ("" for none): that group gets one more empty row (up to its limit)."""
    values = FormValues()
    for f in fields_of(kind):
        if f.kind == "checkboxes":
            values.fields[f.name] = form.getall(f.name, [])
        elif f.kind == "checkbox":
            values.fields[f.name] = f.name in form
        else:
            values.fields[f.name] = form.get(f.name, "").replace("\r\n", "\n")
    added = form.get("add", "")
    for group in groups_of(kind):
        rows = [
            row for row in _rows(group, form) if any(v.strip() for v in row.values())
        ]
        if group.name == added and len(rows) < group.max_rows:
            rows.append(_empty_row(group))
        values.rows[group.name] = rows or [_empty_row(group)]
    return values, added if added in {g.name for g in groups_of(kind)} else ""


def _rows(group: Group, form: MultiDict[str]) -> list[dict[str, str]]:
    """The group's rows in the order of their indexes."""
    found: dict[int, dict[str, str]] = {}
    names = {f.name for f in group.fields}
    for key, value in form.items():
        match = _ROW.fullmatch(key)
        if match is None or match.group(1) != group.name:
            continue
        index, name = int(match.group(2)), match.group(3) or ""
        if index <= MAX_INDEX and name in names:
            found.setdefault(index, _empty_row(group))[name] = value
    return [found[i] for i in sorted(found)][: group.max_rows]


# -- the document -----------------------------------------------------------------


def to_document(
    kind: LibraryKind, values: FormValues
) -> tuple[dict[str, Any], list[Problem]]:
    """The document the values make (empty fields left out, so that the schema
    names what is missing), and what the form itself finds wrong (a deadline
    without its time zone); the document's own problems are the validation's."""
    doc: dict[str, Any] = {}
    fields = fields_of(kind)
    for f in fields:
        value = _read(f, values.fields.get(f.name, ""))
        if value is not None:
            _put(doc, f.name, value)
    _objects(doc, fields)
    for group in groups_of(kind):
        items = [_row(group, row) for row in values.rows.get(group.name, ())]
        items = [item for item in items if item not in ("", {})]
        if items:
            doc[group.name] = items
    problems = _deadline(doc, values)
    return doc, problems


def _read(f: Field, raw: Value) -> Any:
    """A field's value in the document; None to leave it out."""
    if f.kind == "checkbox":
        return bool(raw)
    if f.kind == "checkboxes":
        return list(raw) if isinstance(raw, list) and raw else None
    text = raw.strip() if isinstance(raw, str) else ""
    if not text or f.kind == "deadline":
        return None  # the deadline is read with its time zone (`_deadline`)
    if f.kind in ("words", "states"):
        words = [w for w in _WORDS.split(text) if w]
        return [w.upper() for w in words] if f.kind == "states" else words
    if f.kind == "integer":
        return int(re.sub(r"[,_ ]", "", text)) if _WHOLE.fullmatch(text) else text
    if f.kind in ("number", "figure"):
        return _number(text)
    return text


def _number(text: str) -> float | int | str:
    """A number as typed (`42,000`, `2.5`); the text itself when it is none (the
    schema then says what it must be, or keeps it: a result's figure may be a
    short text)."""
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return text
    if number != number or number in (float("inf"), float("-inf")):
        return text
    return int(number) if number.is_integer() else number


def _put(doc: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for key in parents:
        doc = doc.setdefault(key, {})
    doc[last] = value


def _objects(doc: dict[str, Any], fields: list[Field]) -> None:
    """An object (`cost`, `jurisdiction`) is left out when none of its fields
    but those the form fills in has a value, unless it has a required field:
    then it is kept, empty if need be, so that the schema names what is
    missing."""
    members: dict[str, list[Field]] = {}
    for f in fields:
        if "." in f.name:
            members.setdefault(f.name.split(".")[0], []).append(f)
    for name, inner in members.items():
        given = doc.get(name) or {}
        meaningful = [
            f for f in inner if not f.fills_in and f.name.split(".")[1] in given
        ]
        if any(f.required for f in inner):
            doc.setdefault(name, {})
        elif not meaningful:
            doc.pop(name, None)


def _row(group: Group, row: Mapping[str, str]) -> Any:
    if len(group.fields) == 1 and not group.fields[0].name:
        return row.get("", "").strip()
    item: dict[str, Any] = {}
    for f in group.fields:
        value = _read(f, row.get(f.name, ""))
        if value is not None:
            item[f.name] = value
    return item


def _deadline(doc: dict[str, Any], values: FormValues) -> list[Problem]:
    """`deadline` as RFC 3339 with the offset of its time zone on that day."""
    local = str(values.fields.get("deadline", "")).strip()
    zone = str(values.fields.get("timezone", "")).strip()
    if not local:
        return []
    if not zone:
        return [Problem("timezone", NO_TIMEZONE)]
    try:
        moment = datetime.fromisoformat(local)
    except ValueError:
        doc["deadline"] = local  # the schema says what it must look like
        return []
    if moment.tzinfo is None and zone_exists(zone):
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    doc["deadline"] = moment.isoformat(timespec="seconds")
    return []
