"""The library (issue 14, docs/library.md): case studies (what a city tried, what
it cost, what came of it) and funding opportunities (where the money is), local
and remote, each backed by an "Article" post.

Entry points, by who calls them:
- validation.validate_document(kind, doc, default_license=…): the schema and the
  rules beside it; raises errors.DocumentInvalid naming each field and what is
  wrong (for the API, imports, compose forms and inbound federation alike).
- items.create_item / update_item / withdraw_item (after items.own_item): a
  local author's writes; the post goes out as Create / Update / Delete.
  items.find_item: an item of a kind by id (404, 410 when withdrawn).
- items.store_remote_item: a remote Article's document, stored beside its post.
- reading.shown_item / list_items (with storage.queries.library.ItemFilter) /
  item_history / views_of.
- applying.mark_applying / unmark_applying / applicants.
- summaries.summary_of, rendering.item_html: the summary (given or generated)
  and the readable HTML that is the post's content.
- vocabulary: topics and the other fixed words, with their labels.
- browsing (for the web pages): facets (counts by topic and state),
  linked_items, contacts_of, may_publish; board: the funding board and its
  calendar (open opportunities by deadline, for a place), office_place.
"""
