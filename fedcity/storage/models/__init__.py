"""All models, imported here so that `Base.metadata` knows every table."""

from fedcity.storage.models.actors import (
    AccessToken,
    Actor,
    EmailToken,
    Invite,
    User,
)
from fedcity.storage.models.announcements import (
    Announcement,
    AnnouncementDismissal,
    AnnouncementReaction,
)
from fedcity.storage.models.base import Base
from fedcity.storage.models.cards import PostCard, PreviewCard
from fedcity.storage.models.emojis import CustomEmoji
from fedcity.storage.models.filters import (
    FILTER_CONTEXTS,
    Filter,
    FilterAction,
    FilterKeyword,
    FilterStatus,
)
from fedcity.storage.models.follows import Follow, FollowState
from fedcity.storage.models.instances import InstanceKey, PeerInstance
from fedcity.storage.models.interactions import Bookmark, Favourite, Pin
from fedcity.storage.models.jobs import JOB_TRANSITIONS, Job, JobState, OutboxActivity
from fedcity.storage.models.lists import ListMember, RepliesPolicy, TagFollow, UserList
from fedcity.storage.models.markers import ConversationState, Marker
from fedcity.storage.models.media import MediaAttachment, MediaType
from fedcity.storage.models.moderation import (
    REPORT_CATEGORIES,
    AccountDomainBlock,
    Block,
    ConversationMute,
    Mute,
    OfficialAction,
    RemovedReply,
    Report,
)
from fedcity.storage.models.notifications import (
    POLICY_DEFAULTS,
    Notification,
    NotificationPermission,
    NotificationPolicy,
    NotificationRequest,
    NotificationType,
    PolicyAction,
    WebPushSubscription,
)
from fedcity.storage.models.oauth import AuthorizationCode, OAuthApp, WebSession
from fedcity.storage.models.polls import Poll, PollVote
from fedcity.storage.models.posts import (
    IdempotencyKey,
    Mention,
    Post,
    PostEdit,
    PostTag,
    ScheduledStatus,
    Tag,
    Visibility,
)
from fedcity.storage.models.profiles import (
    AccountNote,
    Attestation,
    Endorsement,
    FeaturedTag,
    HandoverLink,
    OfficeListing,
    SeatHolder,
    SuggestionDismissal,
)

__all__ = [
    "FILTER_CONTEXTS",
    "JOB_TRANSITIONS",
    "POLICY_DEFAULTS",
    "REPORT_CATEGORIES",
    "AccessToken",
    "AccountDomainBlock",
    "AccountNote",
    "Actor",
    "Announcement",
    "AnnouncementDismissal",
    "AnnouncementReaction",
    "Attestation",
    "AuthorizationCode",
    "Base",
    "Block",
    "Bookmark",
    "ConversationMute",
    "ConversationState",
    "CustomEmoji",
    "EmailToken",
    "Endorsement",
    "Favourite",
    "FeaturedTag",
    "Filter",
    "FilterAction",
    "FilterKeyword",
    "FilterStatus",
    "Follow",
    "FollowState",
    "HandoverLink",
    "IdempotencyKey",
    "InstanceKey",
    "Invite",
    "Job",
    "JobState",
    "ListMember",
    "Marker",
    "MediaAttachment",
    "MediaType",
    "Mention",
    "Mute",
    "Notification",
    "NotificationPermission",
    "NotificationPolicy",
    "NotificationRequest",
    "NotificationType",
    "OAuthApp",
    "OfficeListing",
    "OfficialAction",
    "OutboxActivity",
    "PeerInstance",
    "Pin",
    "PolicyAction",
    "Poll",
    "PollVote",
    "Post",
    "PostCard",
    "PostEdit",
    "PostTag",
    "PreviewCard",
    "RemovedReply",
    "RepliesPolicy",
    "Report",
    "ScheduledStatus",
    "SeatHolder",
    "SuggestionDismissal",
    "Tag",
    "TagFollow",
    "User",
    "UserList",
    "Visibility",
    "WebPushSubscription",
    "WebSession",
]
