"""The compose form read back from a POST: its values kept as written, its errors
by field, and the PublishStatus it becomes (web/statuses/form.py)."""

from __future__ import annotations

from multidict import MultiDict

from fedcity.storage.models import Visibility
from fedcity.web.statuses import form as compose_form


def test_read_keeps_the_text_and_normalises_line_ends() -> None:
    fields = MultiDict(
        {"status": "one\r\ntwo", "spoiler_text": " cw ", "visibility": "private"}
    )
    form = compose_form.read(fields)
    assert form.status == "one\ntwo"
    assert form.spoiler_text == "cw"
    assert form.visibility == "private"


def test_no_poll_unless_a_choice_is_written() -> None:
    form = compose_form.read(MultiDict({"status": "x", "poll_expires_in": "300"}))
    assert compose_form.new_poll(form) is None


def test_a_poll_of_the_written_choices() -> None:
    fields = MultiDict(
        {
            "poll_option_1": "Yes",
            "poll_option_3": "No",
            "poll_expires_in": "3600",
            "poll_multiple": "1",
        }
    )
    poll = compose_form.new_poll(compose_form.read(fields))
    assert poll is not None
    assert poll.options == ("Yes", "No")
    assert poll.expires_in == 3600
    assert poll.multiple


def test_errors_name_their_fields() -> None:
    fields = MultiDict({"status": " ", "visibility": "everyone", "poll_option_1": "A"})
    errors = compose_form.check(compose_form.read(fields), "en")
    assert set(errors) == {"status", "visibility", "poll_option_1"}


def test_media_alone_is_a_post() -> None:
    form = compose_form.read(MultiDict({"status": ""}))
    form.media.append(compose_form.KeptMedia("1", "/p.png", "A map"))
    assert compose_form.check(form, "en") == {}


def test_text_too_long_is_an_error_on_the_text() -> None:
    form = compose_form.read(MultiDict({"status": "x" * 5001}))
    assert "status" in compose_form.check(form, "en")


def test_the_command_carries_what_was_chosen() -> None:
    fields = MultiDict(
        {
            "status": "Hi",
            "visibility": "unlisted",
            "language": "es",
            "sensitive": "1",
            "in_reply_to_id": "42",
        }
    )
    cmd = compose_form.command(compose_form.read(fields), [7, 8])
    assert cmd.visibility == Visibility.UNLISTED
    assert cmd.language == "es"
    assert cmd.sensitive is True
    assert cmd.in_reply_to_id == 42
    assert cmd.media_ids == (7, 8)
    assert cmd.poll is None
