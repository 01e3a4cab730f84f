"""All models, imported here so that `Base.metadata` knows every table."""

from fedcity.storage.models.actors import AccessToken, Actor, User
from fedcity.storage.models.base import Base
from fedcity.storage.models.federation import (
    JOB_TRANSITIONS,
    Job,
    JobState,
    OutboxActivity,
    PeerInstance,
)
from fedcity.storage.models.oauth import AuthorizationCode, OAuthApp
from fedcity.storage.models.posts import (
    Mention,
    Post,
    PostEdit,
    PostTag,
    Tag,
    Visibility,
)
from fedcity.storage.models.social import (
    Block,
    Favourite,
    Follow,
    FollowState,
    Notification,
    NotificationType,
)

__all__ = [
    "JOB_TRANSITIONS",
    "AccessToken",
    "Actor",
    "AuthorizationCode",
    "Base",
    "Block",
    "Favourite",
    "Follow",
    "FollowState",
    "Job",
    "JobState",
    "Mention",
    "Notification",
    "NotificationType",
    "OAuthApp",
    "OutboxActivity",
    "PeerInstance",
    "Post",
    "PostEdit",
    "PostTag",
    "Tag",
    "User",
    "Visibility",
]
