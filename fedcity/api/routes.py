"""Every client-API route, one line each, grouped by resource."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from fedcity.api import groups as group_routes
from fedcity.api import library as library_routes
from fedcity.api import streaming
from fedcity.api.accounts import accounts, approvals, featured_tags, profile
from fedcity.api.accounts import images as static
from fedcity.api.accounts import index as account_index
from fedcity.api.accounts import registrations as sign_ups
from fedcity.api.discovery import directory, search, tags
from fedcity.api.discovery import links as cards
from fedcity.api.feeds import (
    conversations,
    filters,
    filters_v1,
    lists,
    markers,
    timelines,
)
from fedcity.api.instance import announcements, domain_policies, instance
from fedcity.api.instance import texts as instance_texts
from fedcity.api.moderation import action_log as admin_action_log
from fedcity.api.moderation import admin_accounts, admin_reports, reports
from fedcity.api.moderation import audit as official_audit
from fedcity.api.moderation import replies as removed_replies
from fedcity.api.notifications import grouped as grouped_notifications
from fedcity.api.notifications import notifications, push
from fedcity.api.notifications import requests as notification_requests
from fedcity.api.oauth import apps, authorize, metadata, tokens
from fedcity.api.offices import admin as offices_admin
from fedcity.api.offices import seats as seats_admin
from fedcity.api.social import endorsements, mutes, relationships
from fedcity.api.statuses import extras as status_extras
from fedcity.api.statuses import media, oembed, polls, scheduled, statuses
from fedcity.web.middlewares import add_route


def add_routes(app: web.Application) -> None:
    def get(path: str, handler: Handler) -> None:
        add_route(app, "GET", path, handler)

    def post(path: str, handler: Handler) -> None:
        add_route(app, "POST", path, handler)

    # OAuth 2 (Mastodon's flow)
    post("/api/v1/apps", apps.apps_create)
    get("/api/v1/apps/verify_credentials", apps.apps_verify_credentials)
    get("/oauth/authorize", authorize.authorize_get)
    post("/oauth/authorize", authorize.authorize_post)
    post("/oauth/token", tokens.token)
    post("/oauth/revoke", tokens.revoke)
    get("/oauth/userinfo", tokens.userinfo)
    post("/oauth/userinfo", tokens.userinfo)
    get("/.well-known/oauth-authorization-server", metadata.server_metadata)
    # instance
    get("/api/v1/instance", instance.instance_v1)
    get("/api/v2/instance", instance.instance_v2)
    get("/api/v1/instance/peers", instance.peers)
    get("/api/v1/instance/activity", instance.activity)
    get("/api/v1/instance/rules", instance_texts.rules)
    get("/api/v1/custom_emojis", instance.custom_emojis)
    get("/api/v1/announcements", announcements.index)
    get("/api/v1/preferences", instance.preferences)
    get("/api/v1/trends", instance.trends_tags)
    get("/api/v1/trends/tags", instance.trends_tags)
    get("/api/v1/trends/statuses", instance.trends_statuses)
    get("/api/v1/trends/links", cards.trends_links)
    # accounts
    get("/api/v1/accounts/verify_credentials", accounts.verify_credentials)
    get("/api/v1/accounts/relationships", accounts.relationships)
    get("/api/v1/accounts/lookup", accounts.lookup)
    get("/api/v1/accounts/{id}", accounts.account_get)
    get("/api/v1/accounts/{id}/statuses", accounts.account_statuses)
    get("/api/v1/accounts/{id}/followers", accounts.followers)
    get("/api/v1/accounts/{id}/following", accounts.following)
    post("/api/v1/accounts/{id}/follow", accounts.follow)
    post("/api/v1/accounts/{id}/unfollow", accounts.unfollow)
    post("/api/v1/accounts/{id}/block", relationships.block)
    post("/api/v1/accounts/{id}/unblock", relationships.unblock)
    post(
        "/api/v1/accounts/{id}/remove_from_followers",
        relationships.remove_from_followers,
    )
    add_route(
        app, "PATCH", "/api/v1/accounts/update_credentials", profile.update_credentials
    )
    get("/api/v1/follow_requests", relationships.follow_requests)
    post(
        "/api/v1/follow_requests/{id}/authorize", relationships.authorize_follow_request
    )
    post("/api/v1/follow_requests/{id}/reject", relationships.reject_follow_request)
    get("/api/v1/blocks", relationships.blocks)
    get("/api/v1/favourites", statuses.favourites)
    # media
    post("/api/v1/media", media.upload)
    post("/api/v2/media", media.upload)
    get("/api/v1/media/{id}", media.show)
    add_route(app, "PUT", "/api/v1/media/{id}", media.update)
    get("/system/media/{path:.+}", media.serve_file)
    get("/media_proxy/{id}", media.proxy)
    # statuses
    post("/api/v1/statuses", statuses.create)
    get("/api/v1/statuses/{id}", statuses.show)
    add_route(app, "PUT", "/api/v1/statuses/{id}", statuses.edit)
    add_route(app, "DELETE", "/api/v1/statuses/{id}", statuses.delete)
    get("/api/v1/statuses/{id}/context", statuses.context)
    post("/api/v1/statuses/{id}/favourite", statuses.favourite)
    post("/api/v1/statuses/{id}/unfavourite", statuses.unfavourite)
    post("/api/v1/statuses/{id}/reblog", statuses.reblog)
    post("/api/v1/statuses/{id}/unreblog", statuses.unreblog)
    get("/api/v1/statuses/{id}/favourited_by", statuses.favourited_by)
    get("/api/v1/statuses/{id}/reblogged_by", statuses.reblogged_by)
    get("/api/v1/statuses/{id}/history", status_extras.history)
    get("/api/v1/statuses/{id}/source", status_extras.source)
    post("/api/v1/statuses/{id}/bookmark", status_extras.bookmark)
    post("/api/v1/statuses/{id}/unbookmark", status_extras.unbookmark)
    post("/api/v1/statuses/{id}/pin", status_extras.pin)
    post("/api/v1/statuses/{id}/unpin", status_extras.unpin)
    post("/api/v1/statuses/{id}/mute", status_extras.mute)
    post("/api/v1/statuses/{id}/unmute", status_extras.unmute)
    get("/api/v1/bookmarks", status_extras.bookmarks_list)
    # scheduled statuses
    get("/api/v1/scheduled_statuses", scheduled.index)
    get("/api/v1/scheduled_statuses/{id}", scheduled.show)
    add_route(app, "PUT", "/api/v1/scheduled_statuses/{id}", scheduled.update)
    add_route(app, "DELETE", "/api/v1/scheduled_statuses/{id}", scheduled.delete)
    # polls
    get("/api/v1/polls/{id}", polls.show)
    post("/api/v1/polls/{id}/votes", polls.vote)
    # timelines
    get("/api/v1/timelines/home", timelines.home)
    get("/api/v1/timelines/public", timelines.public)
    # streaming: a WebSocket, and server-sent events per stream
    get("/api/v1/streaming", streaming.websocket)
    get("/api/v1/streaming/health", streaming.health)
    get("/api/v1/streaming/user", streaming.sse)
    get("/api/v1/streaming/user/notification", streaming.sse)
    get("/api/v1/streaming/public", streaming.sse)
    get("/api/v1/streaming/public/local", streaming.sse)
    get("/api/v1/streaming/public/remote", streaming.sse)
    get("/api/v1/streaming/hashtag", streaming.sse)
    get("/api/v1/streaming/hashtag/local", streaming.sse)
    get("/api/v1/streaming/list", streaming.sse)
    get("/api/v1/streaming/direct", streaming.sse)

    # lists, hashtags, markers, filters, mutes, domain blocks, conversations
    def put(path: str, handler: Handler) -> None:
        add_route(app, "PUT", path, handler)

    def delete(path: str, handler: Handler) -> None:
        add_route(app, "DELETE", path, handler)

    get("/api/v1/lists", lists.index)
    post("/api/v1/lists", lists.create)
    get("/api/v1/lists/{id}", lists.show)
    put("/api/v1/lists/{id}", lists.update)
    delete("/api/v1/lists/{id}", lists.delete)
    get("/api/v1/lists/{id}/accounts", lists.accounts)
    post("/api/v1/lists/{id}/accounts", lists.accounts_add)
    delete("/api/v1/lists/{id}/accounts", lists.accounts_remove)
    get("/api/v1/accounts/{id}/lists", lists.account_lists)
    get("/api/v1/timelines/list/{id}", lists.timeline)
    get("/api/v1/timelines/tag/{name}", tags.timeline)
    get("/api/v1/tags/{name}", tags.show)
    post("/api/v1/tags/{name}/follow", tags.follow)
    post("/api/v1/tags/{name}/unfollow", tags.unfollow)
    get("/api/v1/followed_tags", tags.followed)
    get("/api/v1/markers", markers.index)
    post("/api/v1/markers", markers.save)
    get("/api/v1/filters", filters.index_v1)
    get("/api/v2/filters", filters.index)
    post("/api/v2/filters", filters.create)
    get("/api/v2/filters/{id}", filters.show)
    put("/api/v2/filters/{id}", filters.update)
    delete("/api/v2/filters/{id}", filters.delete)
    get("/api/v2/filters/{id}/keywords", filters.keywords)
    post("/api/v2/filters/{id}/keywords", filters.keywords_add)
    get("/api/v2/filter_keywords/{id}", filters.keyword_show)
    put("/api/v2/filter_keywords/{id}", filters.keyword_update)
    delete("/api/v2/filter_keywords/{id}", filters.keyword_delete)
    get("/api/v2/filters/{id}/statuses", filters.statuses)
    post("/api/v2/filters/{id}/statuses", filters.statuses_add)
    get("/api/v2/filter_statuses/{id}", filters.status_show)
    delete("/api/v2/filter_statuses/{id}", filters.status_delete)
    # the same under the paths of the OpenAPI description and Mastodon.py 2.x
    get("/api/v2/filters/keywords/{id}", filters.keyword_show)
    put("/api/v2/filters/keywords/{id}", filters.keyword_update)
    delete("/api/v2/filters/keywords/{id}", filters.keyword_delete)
    get("/api/v2/filters/statuses/{id}", filters.status_show)
    delete("/api/v2/filters/statuses/{id}", filters.status_delete)
    post("/api/v1/accounts/{id}/mute", mutes.mute)
    post("/api/v1/accounts/{id}/unmute", mutes.unmute)
    get("/api/v1/mutes", mutes.index)
    get("/api/v1/domain_blocks", mutes.domain_blocks)
    post("/api/v1/domain_blocks", mutes.domain_block)
    delete("/api/v1/domain_blocks", mutes.domain_unblock)
    get("/api/v1/conversations", conversations.index)
    delete("/api/v1/conversations/{id}", conversations.delete)
    post("/api/v1/conversations/{id}/read", conversations.read)
    # search
    get("/api/v2/search", search.search_v2)
    # default images referenced by Account entities
    get("/static/{name}", static.image)
    # Web Push subscriptions (one per access token)
    get("/api/v1/push/subscription", push.show)
    post("/api/v1/push/subscription", push.create)
    put("/api/v1/push/subscription", push.update)
    delete("/api/v1/push/subscription", push.delete)

    # instance texts, reports, announcements, v1 filters, link cards, oEmbed
    get("/health", streaming.health)
    get("/api/v1/instance/extended_description", instance_texts.extended_description)
    get("/api/v1/instance/privacy_policy", instance_texts.privacy_policy)
    get("/api/v1/instance/terms_of_service", instance_texts.terms_of_service)
    get("/api/v1/instance/terms_of_service/{date}", instance_texts.terms_of_service)
    get("/api/v1/instance/languages", instance_texts.languages)
    get(
        "/api/v1/instance/translation_languages",
        instance_texts.translation_languages,
    )
    get("/api/v1/instance/domain_blocks", instance_texts.domain_blocks)
    post("/api/v1/reports", reports.create)
    post("/api/v1/filters", filters_v1.create)
    get("/api/v1/filters/{id}", filters_v1.show)
    add_route(app, "PUT", "/api/v1/filters/{id}", filters_v1.update)
    add_route(app, "DELETE", "/api/v1/filters/{id}", filters_v1.delete)
    post("/api/v1/announcements/{id}/dismiss", announcements.dismiss)
    add_route(
        app, "PUT", "/api/v1/announcements/{id}/reactions/{name}", announcements.react
    )
    add_route(
        app,
        "DELETE",
        "/api/v1/announcements/{id}/reactions/{name}",
        announcements.unreact,
    )
    add_route(app, "DELETE", "/api/v1/media/{id}", media.delete)
    get("/api/v1/timelines/link", cards.link_timeline)
    get("/media_proxy/cards/{id}", media.card_image)
    get("/media_proxy/avatars/{id}", media.avatar)
    get("/media_proxy/headers/{id}", media.header)
    get("/api/oembed", oembed.oembed)

    # notifications: v1, grouped (v2), policy and requests. Fixed paths come before
    # /{id} and /{group_key}, which would otherwise match them.
    def patch(path: str, handler: Handler) -> None:
        add_route(app, "PATCH", path, handler)

    get("/api/v1/notifications", notifications.index)
    get("/api/v1/notifications/unread_count", notifications.unread_count)
    post("/api/v1/notifications/clear", notifications.clear)
    get("/api/v1/notifications/requests", notification_requests.index)
    get("/api/v1/notifications/requests/merged", notification_requests.merged)
    post("/api/v1/notifications/requests/accept", notification_requests.accept_many)
    post("/api/v1/notifications/requests/dismiss", notification_requests.dismiss_many)
    get("/api/v1/notifications/requests/{id}", notification_requests.show)
    post("/api/v1/notifications/requests/{id}/accept", notification_requests.accept)
    post("/api/v1/notifications/requests/{id}/dismiss", notification_requests.dismiss)
    get("/api/v1/notifications/{id}", notifications.show)
    post("/api/v1/notifications/{id}/dismiss", notifications.dismiss)
    get("/api/v2/notifications", grouped_notifications.index)
    get("/api/v2/notifications/unread_count", grouped_notifications.unread_count)
    get("/api/v2/notifications/policy", notification_requests.policy_show)
    put("/api/v2/notifications/policy", notification_requests.policy_update)
    patch("/api/v2/notifications/policy", notification_requests.policy_update)
    get("/api/v2/notifications/{group_key}", grouped_notifications.show)
    get("/api/v2/notifications/{group_key}/accounts", grouped_notifications.accounts)
    post("/api/v2/notifications/{group_key}/dismiss", grouped_notifications.dismiss)

    # search, timelines, streams and filters
    get("/api/v1/timelines/direct", timelines.direct)

    # accounts and profiles: images, endorsements, featured tags, notes, discovery
    get("/api/v1/accounts", account_index.index)
    post("/api/v1/accounts", sign_ups.register)
    get("/api/v1/accounts/search", account_index.search)
    get("/api/v1/accounts/familiar_followers", directory.familiar_followers)
    get("/api/v1/profile", profile.profile_show)
    patch("/api/v1/profile", profile.profile_update)
    delete("/api/v1/profile/avatar", profile.delete_avatar)
    delete("/api/v1/profile/header", profile.delete_header)
    post("/api/v1/accounts/{id}/endorse", endorsements.endorse)
    post("/api/v1/accounts/{id}/unendorse", endorsements.unendorse)
    post("/api/v1/accounts/{id}/pin", endorsements.endorse)
    post("/api/v1/accounts/{id}/unpin", endorsements.unendorse)
    get("/api/v1/endorsements", endorsements.own_endorsements)
    get("/api/v1/accounts/{id}/endorsements", endorsements.account_endorsements)
    post("/api/v1/accounts/{id}/note", endorsements.note)
    get("/api/v1/featured_tags", featured_tags.index)
    post("/api/v1/featured_tags", featured_tags.create)
    get("/api/v1/featured_tags/suggestions", featured_tags.suggestions)
    delete("/api/v1/featured_tags/{id}", featured_tags.delete)
    get("/api/v1/accounts/{id}/featured_tags", featured_tags.account_index)
    post("/api/v1/tags/{name}/feature", featured_tags.feature)
    post("/api/v1/tags/{name}/unfeature", featured_tags.unfeature)
    get("/api/v1/statuses", statuses.index)
    get("/api/v1/directory", directory.directory)
    get("/api/v2/suggestions", directory.suggestions_v2)
    get("/api/v1/suggestions", directory.suggestions_v1)
    delete("/api/v1/suggestions/{account_id}", directory.dismiss_suggestion)

    # fedcity's own: verified offices (issue 11), for admins
    get("/api/v1/fedcity/admin/offices", offices_admin.index)
    post("/api/v1/fedcity/admin/offices", offices_admin.create)
    get("/api/v1/fedcity/admin/offices/{id}", offices_admin.show)
    delete("/api/v1/fedcity/admin/offices/{id}", offices_admin.revoke)
    get("/api/v1/fedcity/admin/audit", official_audit.index)
    # moderation (issue 12): Mastodon's admin reports and account actions, and
    # fedcity's admin action log
    get("/api/v1/admin/reports", admin_reports.index)
    get("/api/v1/admin/reports/{id}", admin_reports.show)
    post("/api/v1/admin/reports/{id}/assign_to_self", admin_reports.assign_to_self)
    post("/api/v1/admin/reports/{id}/unassign", admin_reports.unassign)
    post("/api/v1/admin/reports/{id}/resolve", admin_reports.resolve)
    post("/api/v1/admin/reports/{id}/reopen", admin_reports.reopen)
    get("/api/v1/admin/accounts/{id}", admin_accounts.show)
    post("/api/v1/admin/accounts/{id}/action", admin_accounts.action)
    post("/api/v1/admin/accounts/{id}/unsuspend", admin_accounts.unsuspend)
    post("/api/v1/admin/accounts/{id}/unsilence", admin_accounts.unsilence)
    post("/api/v1/admin/accounts/{id}/unsensitive", admin_accounts.unsensitive)
    post("/api/v1/admin/accounts/{id}/enable", admin_accounts.enable)
    get("/api/v1/fedcity/admin/action_log", admin_action_log.index)
    # fedcity's own: discussion groups (issue 13), in their own table of routes
    group_routes.add_routes(app)
    # fedcity's own: case studies and funding opportunities (issue 14)
    library_routes.add_routes(app)
    # fedcity's own: an author removes a reply from its thread (issue 11)
    post("/api/v1/fedcity/statuses/{id}/remove_reply", removed_replies.remove_reply)
    post("/api/v1/fedcity/statuses/{id}/restore_reply", removed_replies.restore_reply)
    get("/api/v1/fedcity/admin/seats/{id}/holders", seats_admin.holders)
    post("/api/v1/fedcity/admin/seats/{id}/holders", seats_admin.add_holder)
    post("/api/v1/fedcity/admin/seats/{id}/handover", seats_admin.handover)
    get(
        "/api/v1/fedcity/admin/seats/{id}/holders/{holder_id}/export",
        seats_admin.export,
    )
    # Instance-wide domain policy (issue 12), Mastodon's admin API
    get("/api/v1/admin/domain_blocks", domain_policies.blocks_index)
    post("/api/v1/admin/domain_blocks", domain_policies.blocks_create)
    get("/api/v1/admin/domain_blocks/{id}", domain_policies.blocks_show)
    put("/api/v1/admin/domain_blocks/{id}", domain_policies.blocks_update)
    delete("/api/v1/admin/domain_blocks/{id}", domain_policies.blocks_delete)
    get("/api/v1/admin/domain_allows", domain_policies.allows_index)
    post("/api/v1/admin/domain_allows", domain_policies.allows_create)
    get("/api/v1/admin/domain_allows/{id}", domain_policies.allows_show)
    delete("/api/v1/admin/domain_allows/{id}", domain_policies.allows_delete)

    # sign-up (issue 12): confirmation, the approval queue, invites, office claims
    post("/api/v1/emails/confirmations", sign_ups.resend_confirmation)
    get("/api/v1/admin/accounts", approvals.index_v1)
    get("/api/v2/admin/accounts", approvals.index_v2)
    post("/api/v1/admin/accounts/{id}/approve", approvals.approve)
    post("/api/v1/admin/accounts/{id}/reject", approvals.reject)
    get("/api/v1/fedcity/admin/invites", approvals.invites_index)
    post("/api/v1/fedcity/admin/invites", approvals.invites_create)
    delete("/api/v1/fedcity/admin/invites/{code}", approvals.invites_revoke)
    get("/api/v1/fedcity/admin/office_claims", approvals.claims_index)
    post("/api/v1/fedcity/admin/office_claims/{id}/confirm", approvals.claims_confirm)
    post("/api/v1/fedcity/admin/office_claims/{id}/dismiss", approvals.claims_dismiss)
