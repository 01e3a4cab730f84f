"""The JSON a push message carries, as Mastodon's `Web::NotificationSerializer`.

Apps decrypt it and show `title`, `body` and `icon` at once, then fetch the
notification by `notification_id`; `access_token` tells an app holding several
accounts whose notification it is.
"""

from __future__ import annotations

import json

from fedcity.storage.models import Actor, Notification, Post
from fedcity.text import html_to_text
from fedcity.urls import Urls

# Mastodon's `notification_mailer.<type>.subject` strings (English).
TITLES = {
    "mention": "You were mentioned by {name}",
    "status": "{name} just posted",
    "reblog": "{name} boosted your post",
    "follow": "{name} is now following you",
    "follow_request": "Pending follower: {name}",
    "favourite": "{name} favorited your post",
    "poll": "A poll by {name} has ended",
    "update": "{name} edited a post",
    "admin.sign_up": "{name} signed up",
    "admin.report": "{name} submitted a report",
}
BODY_LENGTH = 140  # Rails' truncate(length: 140): 137 characters and "..."
OMISSION = "..."
# fedcity has no per-account interface language yet; Mastodon's default locale.
DEFAULT_LOCALE = "en"


def _truncate(text: str) -> str:
    if len(text) <= BODY_LENGTH:
        return text
    return text[: BODY_LENGTH - len(OMISSION)] + OMISSION


def _body(sender: Actor, post: Post | None) -> str:
    # The content warning if there is one (never the hidden text), else the post,
    # else (follows) the sender's bio.
    if post is not None and post.spoiler_text:
        text = post.spoiler_text
    elif post is not None:
        text = html_to_text(post.content)
    else:
        text = html_to_text(sender.summary)
    return _truncate(text)


def build_payload(
    notification: Notification,
    sender: Actor,
    post: Post | None,
    access_token: str,
    urls: Urls,
) -> bytes:
    """The UTF-8 JSON to encrypt. `notification_id` is a JSON number, as Mastodon
    sends it (some apps decode it as an integer)."""
    name = sender.display_name or sender.username
    title = TITLES.get(notification.type, "{name}").format(name=name)
    document = {
        "access_token": access_token,
        "preferred_locale": DEFAULT_LOCALE,
        "notification_id": notification.id,
        "notification_type": notification.type,
        "icon": urls.avatar(sender.avatar_url),
        "title": title,
        "body": _body(sender, post),
    }
    return json.dumps(document, ensure_ascii=False).encode()
