"""The library's queries (issue 14): items of both kinds, local and remote
(`items`), "I'm applying" marks (`applications`), and what bulk loading needs
(`imports`). The rules are in services/library/."""

from fedcity.storage.queries.library.applications import (
    applying_item_ids,
    count_applicants,
    get_application,
    list_applicants,
)
from fedcity.storage.queries.library.imports import (
    get_items_by_import_keys,
    list_import_keys,
    list_local_items,
)
from fedcity.storage.queries.library.items import (
    ItemFilter,
    add_facets,
    count_versions,
    get_item,
    get_item_by_post,
    get_item_by_uri,
    list_items,
    list_versions,
    mark_withdrawn_by_post,
    replace_facets,
)
from fedcity.storage.queries.library.search import (
    Search,
    SearchFilter,
    count_found,
    search_items,
)

__all__ = [
    "ItemFilter",
    "Search",
    "SearchFilter",
    "add_facets",
    "applying_item_ids",
    "count_applicants",
    "count_found",
    "count_versions",
    "get_application",
    "get_item",
    "get_item_by_post",
    "get_item_by_uri",
    "get_items_by_import_keys",
    "list_applicants",
    "list_import_keys",
    "list_items",
    "list_local_items",
    "list_versions",
    "mark_withdrawn_by_post",
    "replace_facets",
    "search_items",
]
