"""Bounds on what local clients send: every string and list the client API accepts.

One place for them, so that the rules that check them and `/api/v2/instance`
(which tells clients about them) cannot disagree. Values follow Mastodon's model
validations (app/models/*.rb, app/validators/*.rb); where a column of ours is
narrower than Mastodon's limit, the column's width is the bound, so PostgreSQL
never sees a value it would refuse. Remote text is cut to size elsewhere, not
refused (federation/parse): these bounds are for local input only.

Beyond a bound the answer is 422 with Mastodon's message, for instance
`Validation failed: Title is too long (maximum is 255 characters)`.
"""

from __future__ import annotations

from fedcity.errors import Unprocessable
from fedcity.i18n import N_

# --- statuses (StatusLengthValidator, PollValidator, MediaAttachment) ----------------
MAX_STATUS_CHARACTERS = 5000  # text and content warning together (Mastodon: 500)
MAX_MEDIA_ATTACHMENTS = 4  # Status::MEDIA_ATTACHMENTS_LIMIT
MAX_MEDIA_DESCRIPTION = 1500  # MediaAttachment::MAX_DESCRIPTION_LENGTH
MAX_LANGUAGE_CODE = 16  # an IETF tag such as "zh-Hant-TW"; the column's width
MAX_POLL_OPTIONS = 4  # PollValidator::MAX_OPTIONS
MAX_POLL_OPTION_CHARACTERS = 50  # PollValidator::MAX_OPTION_CHARS
MIN_POLL_EXPIRATION = 300  # PollValidator::MIN_EXPIRATION, 5 minutes
MAX_POLL_EXPIRATION = 2_629_746  # PollValidator::MAX_EXPIRATION, 1 month
MAX_PINNED_STATUSES = 5  # StatusPinValidator::PIN_LIMIT

# --- accounts (Account, Account::Field, AccountNote, FeaturedTag) -----------------
MAX_DISPLAY_NAME = 30  # Account::DISPLAY_NAME_LENGTH_LIMIT
MAX_NOTE = 500  # Account::NOTE_LENGTH_LIMIT, counted on the text the client sent
MAX_PROFILE_FIELDS = 4  # Account::DEFAULT_FIELDS_SIZE
MAX_PROFILE_FIELD_NAME = 255  # Account::Field::MAX_CHARACTERS_LOCAL
MAX_PROFILE_FIELD_VALUE = 255  # Account::Field::MAX_CHARACTERS_LOCAL
MAX_ATTRIBUTION_DOMAINS = 10  # Account::AttributionDomains
MAX_ACCOUNT_NOTE = 2000  # AccountNote::COMMENT_SIZE_LIMIT
MAX_FEATURED_TAGS = 10  # FeaturedTag::LIMIT
MAX_TAG_NAME = 255  # the tags.name column
MAX_FOLLOW_LANGUAGES = 20  # languages a follow may be limited to
MAX_FOLLOW_LANGUAGES_TEXT = 255  # …and their stored form, ",en,pt-br,", its column

# --- feeds (List, CustomFilter, CustomFilterKeyword) ---------------------------------
# Mastodon allows 256-character titles and 512-character keywords; our columns
# hold 255, and a bound the client can read beats a truncation it cannot see.
MAX_LIST_TITLE = 255
MAX_FILTER_TITLE = 255
MAX_FILTER_KEYWORD = 255
MAX_FILTER_KEYWORDS = 100  # fedcity's: Mastodon sets none, every one is a regex

# --- moderation (Report) ----------------------------------------------------------
MAX_REPORT_COMMENT = 1000  # Report::COMMENT_SIZE_LIMIT for local reports
MAX_REPORT_STATUSES = 100  # fedcity's: Mastodon's report form offers far fewer
MAX_REPORT_RULES = 100  # fedcity's: a rule named twice counts once anyway

# --- groups (issue 13; fedcity's own: Lemmy allows 100-character titles) ----------
MAX_GROUP_DISPLAY_NAME = 100
MAX_GROUP_DESCRIPTION = 2000  # counted on the text the client sent, as a bio
MAX_GROUP_RULES = 5000
MAX_GROUP_REASON = 1000  # a ban's or a removal's reason

# --- apps and push (Doorkeeper::Application via ApplicationExtension) ---------------
MAX_APP_NAME = 60  # ApplicationExtension: name length maximum 60
MAX_APP_WEBSITE = 2000  # ApplicationExtension: website length maximum 2_000
MAX_REDIRECT_URI = 2000  # all redirect URIs, one a line, as Doorkeeper keeps them
MAX_PUSH_ENDPOINT = 2048  # the web_push_subscriptions.endpoint column
MAX_PUSH_KEY = 255  # the key_p256dh and key_auth columns (real ones are < 100)

# --- instance and discovery ----------------------------------------------------------
MAX_REACTION_NAME = 64  # an emoji or a custom emoji's shortcode; the column's width
MAX_SEARCH_QUERY = 1000  # fedcity's: longer queries match nothing anyway


def check_length(field: str, value: str | None, maximum: int) -> None:
    """Refuse a string longer than `maximum` characters, as Rails' length validation.

    Raises:
        Unprocessable: `Validation failed: <field> is too long (maximum is N characters)`.
    """
    if value is not None and len(value) > maximum:
        raise too_long(field, maximum)


def check_count(field: str, count: int, maximum: int, unit: str = "items") -> None:
    """Refuse a list of more than `maximum` entries (ids, keywords, fields…).

    Raises:
        Unprocessable: `Validation failed: <field> is too long (maximum is N <unit>)`.
    """
    if count > maximum:
        raise too_long(field, maximum, unit)


# ActiveModel's :too_long, one message per unit so that each translates whole.
TOO_LONG = {
    "characters": N_(
        "Validation failed: {field} is too long (maximum is {limit} characters)"
    ),
    "items": N_("Validation failed: {field} is too long (maximum is {limit} items)"),
    "fields": N_("Validation failed: {field} is too long (maximum is {limit} fields)"),
    "domains": N_(
        "Validation failed: {field} is too long (maximum is {limit} domains)"
    ),
}


def too_long(field: str, maximum: int, unit: str = "characters") -> Unprocessable:
    """Mastodon's message for a value past its bound (ActiveModel's :too_long).
    `field` is a label marked with `N_` where it is named: it is translated too."""
    return Unprocessable(TOO_LONG[unit], field=field, limit=maximum)
