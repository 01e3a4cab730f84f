"""The one place that builds this instance's URIs.

Actor ids follow Mastodon's layout (`/users/NAME`), which peers and people recognise;
activity ids are `/activities/ID`; public ones (boosts) can be fetched there.
"""

from __future__ import annotations

from urllib.parse import quote


class Urls:
    def __init__(self, base_url: str, *, proxy_remote_media: bool = False) -> None:
        self.base = base_url.rstrip("/")
        self.proxy_remote_media = proxy_remote_media  # `[media] remote = "proxy"`

    def actor(self, username: str) -> str:
        return f"{self.base}/users/{quote(username)}"

    def key_id(self, username: str) -> str:
        return f"{self.actor(username)}#main-key"

    def inbox(self, username: str) -> str:
        return f"{self.actor(username)}/inbox"

    def outbox(self, username: str) -> str:
        return f"{self.actor(username)}/outbox"

    def followers(self, username: str) -> str:
        return f"{self.actor(username)}/followers"

    def following(self, username: str) -> str:
        return f"{self.actor(username)}/following"

    def featured(self, username: str) -> str:
        """The pinned statuses (Mastodon's `featured` collection)."""
        return f"{self.actor(username)}/collections/featured"

    def moderators(self, username: str) -> str:
        """A group's moderators (FEP-1b12 `attributedTo`, Lemmy's `moderators`)."""
        return f"{self.actor(username)}/moderators"

    def thread_context(self, username: str, thread_id: int) -> str:
        """A group thread's FEP-7888 `context`: the collection of its posts."""
        return f"{self.actor(username)}/context/{thread_id}"

    def featured_tags(self, username: str) -> str:
        """The featured hashtags (Mastodon's `featuredTags` collection)."""
        return f"{self.actor(username)}/collections/tags"

    def status(self, username: str, status_id: int) -> str:
        return f"{self.actor(username)}/statuses/{status_id}"

    def activity(self, activity_id: int) -> str:
        return f"{self.base}/activities/{activity_id}"

    def profile_page(self, username: str) -> str:
        return f"{self.base}/@{quote(username)}"

    def status_page(self, username: str, status_id: int) -> str:
        return f"{self.profile_page(username)}/{status_id}"

    def account_tag(self, username: str, name: str) -> str:
        """An account's public posts with a hashtag (where a featured tag links)."""
        return f"{self.profile_page(username)}/tagged/{quote(name)}"

    def library_item(self, kind: str, item_id: int) -> str:
        """A library item's page: `kind` is "case_study" or "funding_opportunity"
        (storage.models.LibraryKind)."""
        section = "case-studies" if kind == "case_study" else "funding"
        return f"{self.base}/library/{section}/{item_id}"

    @property
    def origin(self) -> str:
        """This instance's host (with its port, if any): a local item's `origin`."""
        return self.base.split("://", 1)[-1].split("/", 1)[0]

    def tag(self, name: str) -> str:
        return f"{self.base}/tags/{quote(name)}"

    def media(self, path: str) -> str:
        """A stored file; `path` is relative to the media root (YYYY/MM/NAME)."""
        return f"{self.base}/system/media/{path}"

    def emoji(self, emoji_id: int) -> str:
        """A custom emoji of this instance, as an ActivityPub `Emoji` object."""
        return f"{self.base}/emojis/{emoji_id}"

    @property
    def registry(self) -> str:
        """The league registry: the attestations this instance issued and its
        member instances (an OrderedCollection, linked from the instance actor)."""
        return f"{self.base}/registry"

    def attestation(self, attestation_id: int) -> str:
        """An office or candidacy this instance attests (JSON and HTML page)."""
        return f"{self.base}/attestations/{attestation_id}"

    def remote_media(self, attachment_id: str, remote_url: str) -> str:
        """How a remote attachment is shown: the remote URL, or through the proxy."""
        if self.proxy_remote_media:
            return f"{self.base}/media_proxy/{attachment_id}"
        return remote_url

    def avatar(self, avatar_url: str | None) -> str:
        """An account's avatar, or the default image for accounts without one."""
        return avatar_url or f"{self.base}/static/avatar.png"

    def card_image(self, card_id: int, remote_url: str) -> str:
        """A link preview card's image: the remote URL, or through the proxy."""
        if self.proxy_remote_media:
            return f"{self.base}/media_proxy/cards/{card_id}"
        return remote_url

    @property
    def shared_inbox(self) -> str:
        return f"{self.base}/inbox"

    @property
    def instance_actor(self) -> str:
        return f"{self.base}/actor"

    @property
    def instance_key_id(self) -> str:
        return f"{self.instance_actor}#main-key"

    @property
    def instance_assertion_key_id(self) -> str:
        """The instance actor's Ed25519 Multikey (FEP-521a), for integrity proofs."""
        return f"{self.instance_actor}#ed25519-key"
