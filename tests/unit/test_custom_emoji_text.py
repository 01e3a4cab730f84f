"""Which `:shortcode:`s a text uses, by Mastodon's rule (CustomEmoji::SCAN_RE)."""

from __future__ import annotations

import pytest

from fedcity.services.statuses.custom_emojis import shortcodes_in


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (":city_flag: parade", {"city_flag"}),
        ("<p>:city_flag:</p>", {"city_flag"}),
        ("(:flag:) and\n:bike:", {"flag", "bike"}),
        ("_:flag: and :flag:_", {"flag"}),  # underscores may touch it
        ("x:flag: :flag:y é:flag: :flag:é", set()),  # letters may not
        (":flag::bike:", set()),  # nor another shortcode's colon
        (":a: :-x-:", set()),  # one character, or other characters
    ],
)
def test_shortcodes_in_text(text: str, found: set[str]) -> None:
    assert shortcodes_in([text]) == found


def test_no_text_uses_nothing() -> None:
    assert shortcodes_in([None, ""]) == set()
