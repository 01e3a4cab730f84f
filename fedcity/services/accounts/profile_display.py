"""How a local profile presents itself beyond its text: the alt text of its avatar
and header (Mastodon 4.4) and which tabs its page shows (Mastodon 4.5's
`show_media`, `show_media_replies` and `show_featured`)."""

from __future__ import annotations

from dataclasses import dataclass

from fedcity.i18n import N_
from fedcity.services.limits import MAX_MEDIA_DESCRIPTION, check_length
from fedcity.storage.models import Actor

# The image descriptions, with the labels their errors name.
DESCRIPTIONS = {
    "avatar_description": N_("Avatar description"),
    "header_description": N_("Header description"),
}
TABS = ("show_media", "show_media_replies", "show_featured")


@dataclass(frozen=True)
class DisplayUpdate:
    """What the client sent of these settings; None leaves one as it is."""

    avatar_description: str | None = None
    header_description: str | None = None
    show_media: bool | None = None
    show_media_replies: bool | None = None
    show_featured: bool | None = None


def apply_display(actor: Actor, update: DisplayUpdate) -> None:
    """Set what `update` carries; the caller announces the profile change.

    Raises:
        Unprocessable: a description longer than a media description may be
            (Mastodon validates both against the same limit).
    """
    for name, label in DESCRIPTIONS.items():
        check_length(label, getattr(update, name), MAX_MEDIA_DESCRIPTION)
    for name in (*DESCRIPTIONS, *TABS):
        value = getattr(update, name)
        if value is not None:
            setattr(actor, name, value)
