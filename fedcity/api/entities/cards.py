"""PreviewCard and TrendsLink entities (Mastodon's link preview cards)."""

from __future__ import annotations

from fedcity.api.entities.formats import Entity, serialize_history, timestamp
from fedcity.services.discovery.trends import TrendingLink
from fedcity.storage.models import PreviewCard
from fedcity.urls import Urls


def serialize_card(card: PreviewCard, urls: Urls) -> Entity:
    """Mastodon's PreviewCard. Empty strings stand for absent texts and links, as
    Mastodon sends them; `authors` lists the author only when a link to them is
    known (the entity requires one)."""
    authors = (
        [{"name": card.author_name, "url": card.author_url, "account": None}]
        if card.author_name and card.author_url
        else []
    )
    return {
        "url": card.url,
        "title": card.title,
        "description": card.description,
        "language": card.language,
        "type": card.type,
        "author_name": card.author_name,
        "author_url": card.author_url,
        "authors": authors,
        "provider_name": card.provider_name,
        "provider_url": card.provider_url,
        "html": card.html,
        "width": card.width,
        "height": card.height,
        "image": urls.card_image(card.id, card.image_url) if card.image_url else None,
        "image_description": "",
        "embed_url": card.image_url if card.type == "photo" and card.image_url else "",
        "blurhash": None,
        "published_at": timestamp(card.published_at),
    }


def serialize_trend(trend: TrendingLink, urls: Urls) -> Entity:
    entity = serialize_card(trend.card, urls)
    entity["history"] = serialize_history(trend.history)
    return entity
