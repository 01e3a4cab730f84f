"""The HTML form of a seat's public-records export (issue 11): one standalone,
accessible document (no scripts, no stylesheet to fetch, no site navigation),
drawn from the same JSON document as the JSON export
(services.offices.seat_records), in the language asked for. The CLI writes it to
stdout and the admin API serves it; neither has a request's page context, hence
an environment of its own over the same templates."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_datetime

from fedcity import i18n

# web/templates, named here: importing web.templating would bring in the web
# front's sessions and their import cycle.
TEMPLATES = Path(__file__).parents[1] / "templates"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_records(document: dict[str, Any], language: str = "en") -> str:
    catalogue = i18n.translations(language)

    def when(moment: str | None) -> str:
        if not moment:
            return ""
        parsed = datetime.fromisoformat(moment.replace("Z", "+00:00"))
        return format_datetime(parsed, "medium", tzinfo=parsed.tzinfo, locale=language)

    template = _environment().get_template("offices/records.html")
    return template.render(
        records=document,
        lang=language,
        _=catalogue.gettext,
        gettext=catalogue.gettext,
        ngettext=catalogue.ngettext,
        when=when,
    )
