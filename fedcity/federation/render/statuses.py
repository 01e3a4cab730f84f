"""Posts → AS2 JSON: Note/Question and what they carry (addressing, mentions,
hashtags, custom emoji, attachments, poll fields), votes and Tombstones.

Addressing follows Mastodon so that every server reads visibility the same way:
public → to Public, cc followers; unlisted → to followers, cc Public;
followers-only → to followers; direct → to the mentioned accounts only.
"""

from __future__ import annotations

from collections.abc import Sequence

from fedcity.federation.render.common import iso, render_activity, with_context
from fedcity.federation.vocab import AS_PUBLIC, Document
from fedcity.services.statuses.custom_emojis import EmojiRef, image_urls
from fedcity.storage.models import (
    Actor,
    MediaAttachment,
    Poll,
    PollVote,
    Post,
    Visibility,
)
from fedcity.storage.types import utcnow
from fedcity.urls import Urls


def render_emoji(ref: EmojiRef, urls: Urls) -> Document:
    """An `Emoji` tag (or object), in Mastodon's shape."""
    url, _ = image_urls(ref, urls)
    icon: Document = {"type": "Image", "url": url}
    if ref.get("media_type"):
        icon["mediaType"] = ref["media_type"]
    doc: Document = {
        "id": urls.emoji(ref["id"]) if "id" in ref else ref.get("uri"),
        "type": "Emoji",
        "name": f":{ref['shortcode']}:",
        "icon": icon,
    }
    if ref.get("updated"):
        doc["updated"] = ref["updated"]
    return doc


def audience(
    post: Post,
    author: Actor,
    mentioned: Sequence[Actor],
    groups: Sequence[Actor] = (),
) -> tuple[list[str], list[str]]:
    """`(to, cc)` for a post by `author`, by visibility (see the module docstring).
    The groups it goes to (federation.groups.addressing) are in `to`, where
    Lemmy, NodeBB and Mbin look for them."""
    followers = author.followers_uri or ""
    mentions = [a.uri for a in mentioned]
    match post.visibility:
        case Visibility.PUBLIC:
            to, cc = [AS_PUBLIC], [followers, *mentions]
        case Visibility.UNLISTED:
            to, cc = [followers], [AS_PUBLIC, *mentions]
        case Visibility.PRIVATE:
            to, cc = [followers], mentions
        case _:
            to, cc = mentions, []
    addressed = [g.uri for g in groups]
    return (
        to + [uri for uri in addressed if uri not in to],
        [uri for uri in cc if uri not in addressed],
    )


def render_note(
    post: Post,
    author: Actor,
    mentioned: Sequence[Actor],
    tags: Sequence[str],
    urls: Urls,
    media: Sequence[MediaAttachment] = (),
    poll: Poll | None = None,
    groups: Sequence[Actor] = (),
) -> Document:
    """A post as its AS2 object (Note, Question, Article …), without @context.
    A post to groups has the first as its `audience` (FEP-1b12), and a reply
    there carries the `context` of the post it answers as it was received
    (FEP-7888), so that the group files it in the right thread."""
    to, cc = audience(post, author, mentioned, groups)
    doc: Document = {
        "id": post.uri,
        "type": post.object_type,
        "attributedTo": author.uri,
        "content": post.content,
        "published": iso(post.published_at or post.created_at),
        "url": post.url,
        "to": to,
        "cc": cc,
        "sensitive": post.sensitive,
        "summary": post.spoiler_text or None,
        "inReplyTo": post.in_reply_to_uri,
        "conversation": post.conversation_uri or post.uri,
        "replies": f"{post.uri}/replies",
        "tag": [
            *(
                {"type": "Mention", "href": a.uri, "name": handle_of(a, urls)}
                for a in mentioned
            ),
            *({"type": "Hashtag", "href": urls.tag(t), "name": f"#{t}"} for t in tags),
            *(render_emoji(ref, urls) for ref in post.emojis or ()),
        ],
        "attachment": [render_attachment(m, urls) for m in media if m.file_path],
    }
    if groups:
        doc["audience"] = groups[0].uri
        if post.conversation_uri not in (None, post.in_reply_to_uri, post.uri):
            doc["context"] = post.conversation_uri
    if post.language:
        doc["contentMap"] = {post.language: post.content}
    if post.edited_at:
        doc["updated"] = iso(post.edited_at)
    if poll is not None:
        doc.update(render_question_poll(poll))
    return doc


def render_question_poll(poll: Poll) -> Document:
    """A `Question`'s poll fields, in Mastodon's shape: oneOf (anyOf if multiple) of
    Notes whose `replies.totalItems` is the count, endTime, closed, votersCount.
    Hidden totals are left out until the poll closes."""
    closed = poll.closed_at or (
        poll.expires_at if poll.expires_at and poll.expires_at <= utcnow() else None
    )
    show = closed is not None or not poll.hide_totals
    options = []
    for title, count in zip(poll.options, poll.votes_counts, strict=False):
        replies: Document = {"type": "Collection"}
        if show:
            replies["totalItems"] = count
        options.append({"type": "Note", "name": title, "replies": replies})
    doc: Document = {"anyOf" if poll.multiple else "oneOf": options}
    if poll.expires_at is not None:
        doc["endTime"] = iso(poll.expires_at)
    if closed is not None:
        doc["closed"] = iso(closed)
    if poll.voters_count is not None and show:
        doc["votersCount"] = poll.voters_count
    return doc


def render_vote(
    vote: PollVote, voter: Actor, title: str, question: Post, author: Actor
) -> Document:
    """A vote as Mastodon sends it: Create of a Note named after the chosen option,
    in reply to the Question, addressed to the poll's author only."""
    note: Document = {
        "id": vote.uri,
        "type": "Note",
        "name": title,
        "attributedTo": voter.uri,
        "to": [author.uri],
        "inReplyTo": question.uri,
    }
    return render_activity("Create", f"{vote.uri}/activity", voter, note, [author.uri])


def render_attachment(media: MediaAttachment, urls: Urls) -> Document:
    """A stored file as Mastodon sends it: a Document with blurhash and focalPoint."""
    assert media.file_path is not None
    doc: Document = {
        "type": "Document",
        "mediaType": media.content_type,
        "url": urls.media(media.file_path),
        "name": media.description,
    }
    if media.blurhash:
        doc["blurhash"] = media.blurhash
    if media.type == "image":
        doc["focalPoint"] = [media.focus_x, media.focus_y]
    if media.width and media.height:
        doc["width"], doc["height"] = media.width, media.height
    return doc


def handle_of(actor: Actor, urls: Urls) -> str:
    """`@user@domain`, the name Mastodon gives a Mention tag."""
    domain = actor.domain or urls.base.split("://", 1)[1]
    return f"@{actor.username}@{domain}"


def render_tombstone(post: Post) -> Document:
    """What a deleted post's URI serves (with HTTP 410), as Mastodon does."""
    return with_context(
        {
            "id": post.uri,
            "type": "Tombstone",
            "deleted": iso(post.deleted_at),
            "formerType": post.object_type,
        }
    )
