"""What the city's people write, and the documents their servers send.

Post texts are made of a few sentences about the city (with the words the reader's
filters and the search look for, at known rates) and a tail of words drawn from a
few thousand, so that the full-text index has a realistic vocabulary to hold.
Remote actors and posts are Mastodon-shaped ActivityPub documents (after the
fixtures in `tests/fixtures/inbound/`) that the seed passes through fedcity's own
parser, as the inbox would.
"""

from __future__ import annotations

import copy
import html
import random
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import common
import orjson

AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
_PERSON = common.REPO / "tests/fixtures/inbound/mastodon_update_person.json"

PLACES = (
    "Elm Street", "the harbour", "Market Square", "the library", "Riverside Park",
    "the north bridge", "Station Road", "the old mill", "the swimming pool",
    "Ward 4", "the tram depot", "Oak Avenue", "the community garden",
    "the town hall", "the bus station", "Mill Lane", "the fire station",
    "the primary school", "Canal Walk", "the allotments",
)  # fmt: skip
SUBJECTS = (
    "The crossing at {p}", "The bus to {p}", "The cycle lane on {p}",
    "Street lighting near {p}", "The bins at {p}", "The playground by {p}",
    "Parking at {p}", "The footpath along {p}", "The new bench at {p}",
    "Roadworks on {p}", "The bike racks at {p}", "The market at {p}",
    "The trees on {p}", "The noise from {p}", "The speed bumps on {p}",
)  # fmt: skip
PREDICATES = (
    "still floods after rain", "was packed this morning", "reopens on Monday",
    "needs fixing before winter", "got a fresh coat of paint",
    "is closed until further notice", "looks great after the clean-up",
    "was discussed at last night's meeting", "has been like this for weeks",
    "finally has a ramp", "is a detour again", "is on the agenda for Thursday",
)  # fmt: skip
EXTRAS = (
    "Anyone else noticed?", "Photos from this morning.", "Thanks to everyone who helped.",
    "The council meets on Thursday at 7pm.", "Please share.", "Bring a neighbour.",
    "Report it on the city website.", "Is there a petition yet?", "",
)  # fmt: skip
SPOILER_LINE = "No spoilers for the finale please!"
BICYCLE_LINE = "Came by bicycle, as usual."
CONTENT_WARNINGS = ("Road closure", "Long thread", "Local politics", "Noise")
POPULAR_TAGS = (
    "transit", "cityhall", "bikes", "parks", "housing", "library", "schools",
    "roadworks", "market", "recycling", "trees", "safety", "events", "budget",
)  # fmt: skip
_SYLLABLES = (
    "ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "de", "va", "ben", "cor", "dal",
    "fen", "gor", "hal", "lin", "mar", "nor", "pel", "ros", "sil", "tam", "ver",
    "wen", "yar", "zol", "bra", "cle", "dro", "fla", "gri", "pla", "sto", "tre",
)  # fmt: skip


@dataclass(frozen=True)
class Who:
    """An account as the generator needs it (its row is written separately)."""

    id: int
    username: str
    domain: str | None  # None: local
    uri: str
    url: str
    followers_uri: str

    @property
    def local(self) -> bool:
        return self.domain is None

    @property
    def handle(self) -> str:
        return (
            self.username if self.domain is None else f"{self.username}@{self.domain}"
        )


class Writer:
    """Texts, hashtags and documents, from one seeded random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.vocabulary = [
            a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in ("", "n", "s")
        ]
        rng.shuffle(self.vocabulary)
        # Zipf-like: the k-th word is about 1/k as frequent as the first.
        self._word_weights = _cumulative(
            [1 / (k + 1) for k in range(len(self.vocabulary))]
        )
        self.tags = [*POPULAR_TAGS, *(f"ward{n}" for n in range(1, 41))]
        self._tag_weights = _cumulative([1 / (k + 1) for k in range(len(self.tags))])

    def sentence(self) -> str:
        """A post's text without mentions or hashtags."""
        rng = self.rng
        place = rng.choice(PLACES)
        parts = [
            f"{rng.choice(SUBJECTS).format(p=place)} {rng.choice(PREDICATES)}.",
            rng.choice(EXTRAS),
        ]
        if rng.random() < 0.01:
            parts.append(SPOILER_LINE)
        if rng.random() < 0.008:
            parts.append(BICYCLE_LINE)
        words = rng.choices(
            self.vocabulary, cum_weights=self._word_weights, k=rng.randint(4, 24)
        )
        parts.append(" ".join(words).capitalize() + ".")
        return " ".join(p for p in parts if p)

    def hashtags(self) -> list[str]:
        """One or two hashtag names, as people type them."""
        names = self.rng.choices(self.tags, cum_weights=self._tag_weights, k=2)
        chosen = dict.fromkeys(names[: self.rng.randint(1, 2)])
        return [n.capitalize() if n.isalpha() else n for n in chosen]

    def description(self) -> str:
        return f"A photo of {self.rng.choice(PLACES)} this morning"


@cache
def _person_activity() -> dict[str, Any]:
    loaded: dict[str, Any] = orjson.loads(_PERSON.read_bytes())
    return loaded


def _cumulative(weights: list[float]) -> list[float]:
    out, total = [], 0.0
    for weight in weights:
        total += weight
        out.append(total)
    return out


# --- remote documents ---------------------------------------------------------


def person_document(who: Who, published: datetime, indexable: bool) -> dict[str, Any]:
    """A Mastodon Person as fetched from its server (with its @context)."""
    activity = _person_activity()
    doc: dict[str, Any] = copy.deepcopy(activity["object"])
    base = f"https://{who.domain}"
    doc.update(
        {
            "@context": activity["@context"],
            "id": who.uri,
            "following": f"{who.uri}/following",
            "followers": who.followers_uri,
            "inbox": f"{who.uri}/inbox",
            "outbox": f"{who.uri}/outbox",
            "featured": f"{who.uri}/collections/featured",
            "featuredTags": f"{who.uri}/collections/tags",
            "devices": f"{who.uri}/collections/devices",
            "preferredUsername": who.username,
            "name": who.username.replace("_", " ").title(),
            "summary": f"<p>Lives near {html.escape(PLACES[who.id % len(PLACES)])}.</p>",
            "url": who.url,
            "discoverable": True,
            "indexable": indexable,
            "published": published.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "publicKey": {
                **doc["publicKey"],
                "id": f"{who.uri}#main-key",
                "owner": who.uri,
            },
            "endpoints": {"sharedInbox": f"{base}/inbox"},
            "icon": {
                "type": "Image",
                "mediaType": "image/png",
                "url": f"{base}/system/accounts/avatars/{who.id}/original/avatar.png",
            },
        }
    )
    return doc


@dataclass
class PostSpec:
    """What a post says and whom it addresses, before either server renders it."""

    post_id: int
    author: Who
    published: datetime
    visibility: str
    text: str
    mentions: list[Who]
    tags: list[str]
    spoiler: str = ""
    in_reply_to: str | None = None
    conversation: str | None = None
    media_description: str | None = None


def note_document(spec: PostSpec) -> dict[str, Any]:
    """A Mastodon Note (the `object` of its Create, as the inbox stores it)."""
    author = spec.author
    uri = f"{author.uri}/statuses/{spec.post_id}"
    mentioned = [m.uri for m in spec.mentions]
    to, cc = _addressing(spec.visibility, author.followers_uri, mentioned)
    base = f"https://{author.domain}"
    doc: dict[str, Any] = {
        "id": uri,
        "type": "Note",
        "summary": spec.spoiler or None,
        "inReplyTo": spec.in_reply_to,
        "published": spec.published.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "url": f"{base}/@{author.username}/{spec.post_id}",
        "attributedTo": author.uri,
        "to": to,
        "cc": cc,
        "sensitive": bool(spec.spoiler),
        "atomUri": uri,
        "inReplyToAtomUri": spec.in_reply_to,
        "conversation": spec.conversation
        or f"tag:{author.domain},{spec.published:%Y-%m-%d}:objectId={spec.post_id}"
        ":objectType=Conversation",
        "content": "",
        "contentMap": {},
        "updated": None,
        "attachment": [],
        "tag": [
            *(
                {
                    "type": "Mention",
                    "href": m.uri,
                    "name": f"@{m.username}@{m.domain or ''}",
                }
                for m in spec.mentions
            ),
            *(
                {"type": "Hashtag", "href": f"{base}/tags/{t.lower()}", "name": f"#{t}"}
                for t in spec.tags
            ),
        ],
        "replies": {
            "id": f"{uri}/replies",
            "type": "Collection",
            "first": {
                "type": "CollectionPage",
                "next": f"{uri}/replies?only_other_accounts=true&page=true",
                "partOf": f"{uri}/replies",
                "items": [],
            },
        },
        "likes": {"id": f"{uri}/likes", "type": "Collection", "totalItems": 0},
        "shares": {"id": f"{uri}/shares", "type": "Collection", "totalItems": 0},
    }
    content = _note_html(spec, base)
    doc["content"], doc["contentMap"] = content, {"en": content}
    if spec.media_description is not None:
        doc["attachment"] = [
            {
                "type": "Document",
                "mediaType": "image/jpeg",
                "url": f"{base}/system/media_attachments/files/{spec.post_id}.jpeg",
                "name": spec.media_description,
                "blurhash": "UFGRrd~q%Mxu-;t7xuWB4nj[t7ayRjRjWBay",
                "focalPoint": [0.0, 0.12],
                "width": 1600,
                "height": 1200,
            }
        ]
    return doc


def _addressing(
    visibility: str, followers: str, mentioned: list[str]
) -> tuple[list[str], list[str]]:
    """Mastodon's `to`/`cc` for each visibility."""
    if visibility == "public":
        return [AS_PUBLIC], [followers, *mentioned]
    if visibility == "unlisted":
        return [followers], [AS_PUBLIC, *mentioned]
    if visibility == "private":
        return [followers], mentioned
    return mentioned, []


def _note_html(spec: PostSpec, base: str) -> str:
    cards = [
        f'<span class="h-card" translate="no"><a href="{html.escape(m.url)}" '
        f'class="u-url mention">@<span>{html.escape(m.username)}</span></a></span>'
        for m in spec.mentions
    ]
    tags = [
        f'<a href="{base}/tags/{t.lower()}" class="mention hashtag" rel="tag">'
        f"#<span>{html.escape(t)}</span></a>"
        for t in spec.tags
    ]
    return "<p>" + " ".join([*cards, html.escape(spec.text), *tags]) + "</p>"
