"""Domain rows → AS2 JSON, one module per noun.

- `common`: the pieces every document shares (`@context`, timestamps) and the
  activity envelope (`render_activity`).
- `actors`: Person, Service, Group, Application actors.
- `statuses`: Note/Question and what a post carries (addressing, mentions,
  hashtags, custom emoji, attachments, poll fields, votes, Tombstone).
- `collections`: OrderedCollection and its pages, featured hashtags.

The inbound half lives in `federation.parse`, with the same module names.
A new feature adds its shapes here as `render/<noun>.py` (and `parse/<noun>.py`),
or, when its outbound and inbound halves belong together, as one feature module
`federation/<feature>.py` holding both, as `federation/polls.py` and
`federation/moderation.py` do. This package's `__init__` stays a docstring:
import from the submodule.
"""
