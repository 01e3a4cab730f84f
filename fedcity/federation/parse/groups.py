"""A group's `Announce` (FEP-1b12) as Lemmy, Mbin, NodeBB, PieFed and Discourse
send it → the activity it relays, read without trusting it yet (the caller,
federation.groups.inbound, decides what to believe).

The shapes differ:
- the relayed activity is embedded (Lemmy, Mbin, PieFed — whose inner copy may
  have no `@context`), or only its id (older Lemmy: fetched), or the post itself,
  `Announce(Note)`, which Mastodon shows as a boost (NodeBB, Mbin boosts);
- the group is named by `audience`, by `target` (Lemmy's and Mbin's `Block`), or
  only in `to`/`cc` (Mbin's `Lock`); Lemmy's own test data sometimes puts a wrong
  URL in `audience`, so every place is looked at;
- pins are `Add`/`Remove` whose `target` is the group's `featured` collection
  (Lemmy `…/featured`, Mbin `…/pinned`: read from the group's document);
- a ban ends at `endTime` (Lemmy) or `expires` (Mbin).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fedcity.federation.parse.common import clip, parse_datetime
from fedcity.federation.vocab import (
    POST_TYPES,
    Document,
    get_id,
    get_type,
    ids_of,
    same_origin,
)

# Servers send several shapes of the same Undo; the undone types that matter here.
UNDOABLE = frozenset({"Like", "Dislike", "Lock", "Block", "Delete", "Announce"})


@dataclass(frozen=True)
class Relayed:
    """What a group's Announce relays.

    `kind` is the relayed activity's type, or the post's type for an
    `Announce(Note)`; `doc` that activity (or post); `actor` the activity's
    actor (for a post: its `attributedTo`); `object_id` the id of what it acts on
    (for a post: the post's own id); `undone` the undone activity of an Undo;
    `source` the URL it was fetched from, if it was."""

    kind: str
    doc: Document
    actor: str | None
    object_id: str | None
    undone: Document | None = None
    # Where it was fetched from when the Announce named it by id; None when it
    # came embedded, vouched for by the group's server.
    source: str | None = None

    @property
    def id(self) -> str | None:
        value = self.doc.get("id")
        return value if isinstance(value, str) else None

    @property
    def is_post(self) -> bool:
        return self.kind in POST_TYPES


def read_relayed(doc: Mapping[str, Any]) -> Relayed:
    """The relayed activity (or post) as it reads, before any trust decision."""
    kind = get_type(doc)
    if kind in POST_TYPES:
        author = get_id(doc.get("attributedTo"))
        return Relayed(kind, dict(doc), author, get_id(doc.get("id")))
    obj = doc.get("object")
    undone = None
    if kind == "Undo" and isinstance(obj, Mapping) and get_type(obj) in UNDOABLE:
        undone = dict(obj)
    return Relayed(kind, dict(doc), get_id(doc.get("actor")), get_id(obj), undone)


def names_group(doc: Mapping[str, Any], group_uri: str) -> bool:
    """Whether the activity is about the group: its `target` when it has one (a
    Lemmy site ban targets the site), else its `audience`, `to` or `cc` (each
    server uses a different one)."""
    target = get_id(doc.get("target"))
    if target is not None:
        return target == group_uri
    return any(group_uri in ids_of(doc.get(key)) for key in ("audience", "to", "cc"))


def featured_of(group_doc: Mapping[str, Any] | None) -> str | None:
    """The group's `featured` collection (its pinned threads), as it publishes it."""
    if not group_doc:
        return None
    return get_id(group_doc.get("featured"))


def moderators_of(group_doc: Mapping[str, Any] | None) -> str | None:
    """The group's moderators collection (Lemmy: also its `attributedTo`)."""
    if not group_doc:
        return None
    return get_id(group_doc.get("moderators")) or get_id(group_doc.get("attributedTo"))


def ban_end(doc: Mapping[str, Any]) -> datetime | None:
    """When a group's ban ends: Lemmy's `endTime`, Mbin's `expires`; None: never."""
    return parse_datetime(doc.get("endTime")) or parse_datetime(doc.get("expires"))


def reason_of(doc: Mapping[str, Any]) -> str:
    """A moderator's reason (`summary`; Mbin sends a lone space for none)."""
    return clip(doc.get("summary"), 2000).strip() or clip(doc.get("content")).strip()


def thread_context(
    announce: Mapping[str, Any], root_context: str | None, group_uri: str
) -> str | None:
    """The thread's FEP-7888 `context` collection, when the group owns it: the one
    the group's Announce carries, else the root post's own `context` as stored.
    A context on another origin than the group's is not the group's thread
    collection (a Mastodon author's conversation id, say) and is not recorded; a
    reply's own context is not used either (Lemmy mints one per comment)."""
    for found in (get_id(announce.get("context")), root_context):
        if found is not None and same_origin(found, group_uri):
            return found
    return None
