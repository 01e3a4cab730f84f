"""Activity Intents (FEP-3b86): following, replying, boosting and favouriting
from another server.

A server advertises, in each account's WebFinger answer, URL templates (RFC 6570)
where its people act on something found elsewhere: `https://w3id.org/fep/3b86/Follow`
and the other activity types, and Mastodon's older
`http://ostatus.org/schema/1.0/subscribe` (`authorize_interaction?uri={uri}`), which
every Mastodon-compatible server understands. A visitor who gives their handle is
sent to the template their server published for what they want to do, else to the
subscribe one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

FEP_3B86 = "https://w3id.org/fep/3b86/"
OSTATUS_SUBSCRIBE = "http://ostatus.org/schema/1.0/subscribe"

# What a button asks for, and the activity type whose intent answers it.
INTENTS: dict[str, str] = {
    "follow": "Follow",
    "reply": "Create",
    "boost": "Announce",
    "like": "Like",
}
HANDLE_RE = re.compile(
    r"^@?([A-Za-z0-9_][A-Za-z0-9_.-]*)@([A-Za-z0-9.-]+(?::[0-9]{1,5})?)$"
)
_EXPRESSION = re.compile(r"\{([+#./;?&]?)([^{}]*)\}")
_UNRESERVED = "-._~"
_RESERVED = ":/?#[]@!$&'()*+,;="


def parse_handle(text: str) -> tuple[str, str] | None:
    """('you', 'your.server') from `you@your.server`, `@you@your.server` or
    `acct:you@your.server`; None for anything else."""
    match = HANDLE_RE.match(text.strip().removeprefix("acct:"))
    if match is None:
        return None
    return match.group(1), match.group(2).lower()


def intent_template(links: Iterable[Any], intent: str) -> str | None:
    """The template a WebFinger answer's `links` give for `intent` (follow, reply,
    boost, like): the FEP-3b86 one, else Mastodon's subscribe one, else None."""
    wanted = FEP_3B86 + INTENTS[intent]
    fallback = None
    for link in links:
        if not isinstance(link, Mapping):
            continue
        template = link.get("template")
        if not isinstance(template, str):
            continue
        if link.get("rel") == wanted:
            return template
        if link.get("rel") == OSTATUS_SUBSCRIBE:
            fallback = template
    return fallback


def expand(template: str, values: Mapping[str, str]) -> str:
    """An RFC 6570 template expanded with `values`; FEP-3b86 asks that any other
    variable become empty. Levels 1 to 3 (`{x}`, `{+x}`, `{?x,y}`, `{&x}` …)."""

    def one(match: re.Match[str]) -> str:
        operator, names = match.group(1), match.group(2).split(",")
        safe = _UNRESERVED + (_RESERVED if operator in ("+", "#") else "")
        found = [(name, values.get(name, "")) for name in names]
        if operator in ("?", "&"):
            pairs = [f"{name}={quote(v, safe=safe)}" for name, v in found if v]
            if not pairs:
                return ""
            return operator + "&".join(pairs)
        parts = [quote(v, safe=safe) for _, v in found if v]
        if not parts:
            return ""
        prefix = "" if operator == "+" else operator
        separator = {"": ",", "+": ",", "#": ",", ".": ".", "/": "/", ";": ";"}
        return prefix + separator[operator].join(parts)

    return _EXPRESSION.sub(one, template)


def intent_url(links: Iterable[Any], intent: str, uri: str) -> str | None:
    """Where to send someone whose server published `links` to do `intent` on
    `uri` (an actor's or a post's id); None when it published no way to, or
    something other than a web address."""
    template = intent_template(links, intent)
    if template is None:
        return None
    target = expand(template, {"uri": uri, "object": uri, "inReplyTo": uri})
    if not target.startswith(("https://", "http://")):
        return None
    return target
