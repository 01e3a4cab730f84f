"""What every rendered document shares: the @context, timestamps, the activity
envelope."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fedcity.federation.jsonld.loader import default_context
from fedcity.federation.vocab import Document
from fedcity.storage.models import Actor


def iso(moment: datetime | None) -> str | None:
    """A timestamp as AS2 `xsd:dateTime` in UTC, to the second (Mastodon's form)."""
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def with_context(doc: Document, *extra_contexts: str) -> Document:
    """`doc` as a top-level document: fedcity's @context first (with
    `extra_contexts`, see `default_context`)."""
    return {"@context": default_context(*extra_contexts), **doc}


def render_activity(
    kind: str,
    activity_id: str,
    actor: Actor,
    obj: Any,
    to: Sequence[str] = (),
    cc: Sequence[str] = (),
    published: datetime | None = None,
) -> Document:
    """An activity of type `kind` by `actor` about `obj` (an id or an object)."""
    doc: Document = {"id": activity_id, "type": kind, "actor": actor.uri, "object": obj}
    if to:
        doc["to"] = list(to)
    if cc:
        doc["cc"] = list(cc)
    if published is not None:
        doc["published"] = iso(published)
    return with_context(doc)
