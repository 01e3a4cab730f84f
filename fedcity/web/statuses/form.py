"""The compose form: its fields as the page shows them, read back from a POST,
and turned into the `PublishStatus` that POST /api/v1/statuses also builds."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from babel import Locale
from multidict import MultiDict

from fedcity import i18n
from fedcity.errors import FedcityError
from fedcity.i18n import N_
from fedcity.ids import parse_id
from fedcity.services import limits
from fedcity.services.statuses import polls, posts
from fedcity.services.statuses.publishing import PublishStatus
from fedcity.storage.models import Visibility

SLOTS = limits.MAX_MEDIA_ATTACHMENTS  # file fields file_1 … file_4
VISIBILITIES = (
    (Visibility.PUBLIC.value, N_("Public")),
    (Visibility.UNLISTED.value, N_("Quiet public")),
    (Visibility.PRIVATE.value, N_("Followers only")),
    (Visibility.DIRECT.value, N_("Mentioned people only")),
)
POLL_DURATIONS = (
    (300, N_("5 minutes")),
    (1800, N_("30 minutes")),
    (3600, N_("1 hour")),
    (21600, N_("6 hours")),
    (86400, N_("1 day")),
    (259200, N_("3 days")),
    (604800, N_("7 days")),
)
DEFAULT_POLL_DURATION = "86400"
# The languages offered first: the city's most spoken, by the census' count.
LANGUAGES = ("en", "es", "zh", "tl", "vi", "ko", "hy", "fa", "ar", "ru", "ja", "hi")


@cache
def language_choices(page_language: str) -> tuple[tuple[str, str], ...]:
    """(code, name in the page's language) of the languages a post may be in."""
    names = Locale.parse(page_language).languages
    return tuple((code, names.get(code, code)) for code in LANGUAGES)


@dataclass
class KeptMedia:
    """An upload already stored (from an earlier try of the form)."""

    id: str
    preview_url: str
    description: str
    kind: str = "image"  # the MediaAttachment entity's type: image, gifv, video, audio


@dataclass
class ComposeForm:
    status: str = ""
    spoiler_text: str = ""
    visibility: str = Visibility.PUBLIC.value
    language: str = ""
    sensitive: bool = False
    in_reply_to_id: str = ""
    poll_options: list[str] = field(default_factory=lambda: [""] * 4)
    poll_expires_in: str = DEFAULT_POLL_DURATION
    poll_multiple: bool = False
    descriptions: list[str] = field(default_factory=lambda: [""] * SLOTS)
    media: list[KeptMedia] = field(default_factory=list)

    @property
    def free_slots(self) -> range:
        """The numbers of the file fields still to offer (1-based)."""
        return range(1, SLOTS - len(self.media) + 1)

    @property
    def has_poll(self) -> bool:
        return any(option.strip() for option in self.poll_options)


def read(fields: MultiDict[str]) -> ComposeForm:
    def text(name: str) -> str:
        return fields.get(name, "").replace("\r\n", "\n")

    options = [text(f"poll_option_{i}").strip() for i in range(1, 5)]
    return ComposeForm(
        status=text("status"),
        spoiler_text=text("spoiler_text").strip(),
        visibility=text("visibility") or Visibility.PUBLIC.value,
        language=text("language").strip(),
        sensitive=bool(fields.get("sensitive")),
        in_reply_to_id=text("in_reply_to_id").strip(),
        poll_options=options,
        poll_expires_in=text("poll_expires_in") or DEFAULT_POLL_DURATION,
        poll_multiple=bool(fields.get("poll_multiple")),
        descriptions=[text(f"description_{i}").strip() for i in range(1, SLOTS + 1)],
    )


def kept_media_ids(fields: MultiDict[str]) -> list[int]:
    """Uploads of an earlier try that the form still keeps (checked boxes)."""
    found = (parse_id(value) for value in fields.getall("media_id", []))
    return [media_id for media_id in found if media_id is not None][:SLOTS]


def new_poll(form: ComposeForm) -> polls.NewPoll | None:
    if not form.has_poll:
        return None
    try:
        expires_in = int(form.poll_expires_in)
    except ValueError:
        expires_in = int(DEFAULT_POLL_DURATION)
    return polls.NewPoll(
        options=tuple(option for option in form.poll_options if option),
        expires_in=expires_in,
        multiple=form.poll_multiple,
    )


def visibility_of(form: ComposeForm) -> Visibility | None:
    try:
        return Visibility(form.visibility)
    except ValueError:
        return None


def check(form: ComposeForm, language: str) -> dict[str, str]:
    """The form's errors by field, from the rules the publishing use case keeps
    (the same checks run again there); a post with media may have no text."""
    errors: dict[str, str] = {}
    draft = posts.NewPost(
        text=form.status, spoiler_text=form.spoiler_text, language=form.language
    )
    _catch(errors, "status", language, posts.check_text, draft, has_media=True)
    if not form.status.strip() and not form.spoiler_text and not form.media:
        errors["status"] = _translated(language, N_("Write something, or add media"))
    if visibility_of(form) is None:
        errors["visibility"] = _translated(language, N_("Choose who can see the post"))
    poll = new_poll(form)
    if poll is not None:
        _catch(errors, "poll_option_1", language, polls.check_new_poll, poll)
    return errors


def command(form: ComposeForm, media_ids: list[int]) -> PublishStatus:
    return PublishStatus(
        text=form.status,
        visibility=visibility_of(form),
        sensitive=form.sensitive,
        language=form.language or None,
        spoiler_text=form.spoiler_text,
        in_reply_to_id=parse_id(form.in_reply_to_id),
        media_ids=tuple(media_ids),
        poll=new_poll(form),
    )


def _catch(
    errors: dict[str, str], name: str, language: str, rule: Any, *args: Any, **kw: Any
) -> None:
    try:
        rule(*args, **kw)
    except FedcityError as exc:
        errors[name] = exc.localized(language)


def _translated(language: str, message: str) -> str:
    return i18n.translate(language, message)
