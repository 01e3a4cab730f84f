"""Group threads, the posts groups carry and group bans (issue 13), for local and
remote groups alike (their `group_actor_id` is the group's actor). Groups' settings
and moderators are read through storage.queries.actors."""

from fedcity.storage.queries.groups.listing import (
    list_awaiting_groups,
    list_directory_groups,
    list_followed_groups,
    list_listed_groups,
)
from fedcity.storage.queries.groups.members import (
    MemberOffices,
    domain_has_member,
    get_ban,
    has_officials_group_members,
    is_member_of_group_carrying,
    list_bans,
    list_local_groups_following,
    list_member_offices,
    list_officials_groups,
    list_pending_members,
    list_posts_to,
    software_by_origin,
)
from fedcity.storage.queries.groups.review import (
    list_removed_posts,
    list_reports_on_authors,
    map_group_posts,
)
from fedcity.storage.queries.groups.threads import (
    count_thread_posts,
    get_group_post,
    get_thread,
    get_thread_by_root,
    get_thread_of_post,
    list_boosts_by,
    list_group_posts_of_post,
    list_group_threads,
    list_groups_carrying,
    list_pinned_roots,
    list_thread_post_uris,
    list_thread_posts,
    mark_removed,
)

__all__ = [
    "MemberOffices",
    "count_thread_posts",
    "domain_has_member",
    "get_ban",
    "get_group_post",
    "get_thread",
    "get_thread_by_root",
    "get_thread_of_post",
    "has_officials_group_members",
    "is_member_of_group_carrying",
    "list_awaiting_groups",
    "list_bans",
    "list_boosts_by",
    "list_directory_groups",
    "list_followed_groups",
    "list_group_posts_of_post",
    "list_group_threads",
    "list_groups_carrying",
    "list_listed_groups",
    "list_local_groups_following",
    "list_member_offices",
    "list_officials_groups",
    "list_pending_members",
    "list_pinned_roots",
    "list_posts_to",
    "list_removed_posts",
    "list_reports_on_authors",
    "list_thread_post_uris",
    "list_thread_posts",
    "map_group_posts",
    "mark_removed",
    "software_by_origin",
]
