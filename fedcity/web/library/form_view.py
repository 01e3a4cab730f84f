"""A library form as its template draws it: sections of fields and groups of
rows, every label translated, and the validation's problems next to their
fields (`DocumentInvalid.problems` name fields by their path in the document,
which is also the form field's name)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fedcity import i18n
from fedcity.errors import Problem
from fedcity.i18n import N_
from fedcity.services.library.vocabulary import LABELS
from fedcity.storage.models import LibraryKind
from fedcity.web.library.form_spec import FORMS, TIMEZONES, Field, Group, row_name
from fedcity.web.library.form_values import FormValues

Entity = dict[str, Any]
CHOOSE = N_("Choose")
NOT_SAID = N_("Not said")


@dataclass(frozen=True)
class Errors:
    """Problems by field name: `inline` next to the field, `summary` (with the
    field's label) in the error summary at the top of the form."""

    inline: dict[str, str]
    summary: dict[str, str]


class FormView:
    """The sections of a form, with its values, in one language."""

    def __init__(self, kind: LibraryKind, values: FormValues, language: str) -> None:
        self.language = language
        self.labels: dict[str, str] = {}
        self.sections = [
            {
                "heading": self.say(section.heading),
                "parts": [self._part(part, values) for part in section.parts],
            }
            for section in FORMS[kind]
        ]

    def say(self, message: str, **params: object) -> str:
        return i18n.translate(self.language, message, params)

    def _part(self, part: Field | Group, values: FormValues) -> Entity:
        if isinstance(part, Field):
            return self._field(
                part, part.name, self.say(part.label), values.fields.get(part.name, "")
            )
        return self._group(part, values.rows.get(part.name, []))

    def _field(self, f: Field, name: str, label: str, value: object) -> Entity:
        self.labels[name] = label
        return {
            "type": "field",
            "name": name,
            "label": label,
            "kind": f.kind,
            "value": value,
            "hint": self.say(f.hint) if f.hint else "",
            "required": f.required,
            "options": self._options(f, value),
            "rows": f.rows,
        }

    def _options(self, f: Field, value: object) -> list[tuple[str, str]]:
        if f.kind == "timezone":
            zones = list(TIMEZONES)
            if isinstance(value, str) and value and value not in zones:
                zones.insert(0, value)  # a document's own zone stays a choice
            return [("", self.say(CHOOSE)), *((z, z) for z in zones)]
        words = [(c, self.say(LABELS.get(c, c))) for c in f.choices]
        return [("", self.say(NOT_SAID)), *words] if f.kind == "select" else words

    def _group(self, group: Group, rows: list[dict[str, str]]) -> Entity:
        shown = []
        for index, row in enumerate(rows):
            row_label = self.say(group.row_label, n=index + 1)
            single = len(group.fields) == 1 and not group.fields[0].name
            fields = [
                self._field(
                    f,
                    row_name(group, index, f),
                    row_label if single else self.say(f.label),
                    row.get(f.name, ""),
                )
                for f in group.fields
            ]
            if not single:
                for f in fields:
                    self.labels[f["name"]] = f"{row_label}: {f['label']}"
            shown.append({"label": row_label, "single": single, "fields": fields})
        return {
            "type": "group",
            "name": group.name,
            "legend": self.say(group.legend),
            "hint": self.say(group.hint) if group.hint else "",
            "add_label": self.say(group.add_label),
            "can_add": len(rows) < group.max_rows,
            "rows": shown,
        }

    def errors(self, problems: Iterable[Problem]) -> Errors:
        """Each problem under the field it names (a list's item under the
        list's field: `topics[0]` under `topics`), the others at the top."""
        inline: dict[str, str] = {}
        for problem in problems:
            name = field_of(problem.field, self.labels)
            message = problem.localized(self.language)
            if not name and problem.field:
                message = problem.line(self.language)
            inline[name] = f"{inline[name]}; {message}" if name in inline else message
        summary = {
            name: f"{self.labels[name]}: {message}" if name in self.labels else message
            for name, message in inline.items()
        }
        return Errors(inline, summary)


def field_of(path: str, names: Iterable[str]) -> str:
    """The form field a document path belongs to: the path itself, else the
    nearest enclosing one (`topics[0]` → `topics`); "" for none."""
    known = set(names)
    while path:
        if path in known:
            return path
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return ""
