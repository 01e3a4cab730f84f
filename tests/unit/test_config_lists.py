"""The list-valued settings: rules, terms of service versions, blocked domains."""

from __future__ import annotations

from datetime import date

import pytest

from fedcity.config import load_settings
from fedcity.config_values import RuleSetting, TermsVersion
from fedcity.errors import ConfigError


def load(tmp_path, text: str, env: dict[str, str] | None = None):
    path = tmp_path / "fedcity.toml"
    path.write_text(text)
    return load_settings(path, env or {})


def test_rules_are_texts_or_tables_with_hints(tmp_path):
    # Given rules written both ways
    settings = load(
        tmp_path,
        '[instance]\nrules = ["Be civil", {text = "No ads", hint = "Market board"}]\n',
    )
    # When read, Then both are rules, in order
    assert settings.instance.rules == (
        RuleSetting("Be civil"),
        RuleSetting("No ads", "Market board"),
    )


def test_terms_versions_are_sorted_and_their_files_must_exist(tmp_path):
    # Given two versions out of order, then one naming a missing file
    (tmp_path / "a.md").write_text("A")
    (tmp_path / "b.md").write_text("B")
    text = (
        f'[[instance.terms_of_service]]\neffective_date = 2026-05-01\nfile = "{tmp_path}/b.md"\n'
        f'[[instance.terms_of_service]]\neffective_date = "2025-01-01"\nfile = "{tmp_path}/a.md"\n'
    )
    settings = load(tmp_path, text)
    # When read, Then they are sorted by date; a missing file is an error
    assert settings.instance.terms_of_service == (
        TermsVersion(date(2025, 1, 1), f"{tmp_path}/a.md"),
        TermsVersion(date(2026, 5, 1), f"{tmp_path}/b.md"),
    )
    with pytest.raises(ConfigError, match="file not found"):
        load(tmp_path, '[instance]\nprivacy_policy = "/nonexistent/privacy.md"\n')


@pytest.mark.parametrize(
    "text",
    [
        "[instance]\nrules = [1]\n",
        '[instance]\nrules = [{text = "x", extra = 1}]\n',
        '[instance]\nprivacy_policy = "policy.pdf"\n',
        '[federation]\nblocked_domains = ["a b"]\n',
        '[federation]\nshow_blocked_domains = "some"\n',
    ],
)
def test_malformed_list_settings_are_errors(tmp_path, text):
    # Given a malformed value, When read, Then a ConfigError names the key
    with pytest.raises(ConfigError):
        load(tmp_path, text)


def test_blocked_domains_from_file_and_environment(tmp_path):
    # Given domains in the file, then in the environment
    from_file = load(tmp_path, '[federation]\nblocked_domains = ["Spam.Example."]\n')
    from_env = load(
        tmp_path, "", {"FEDCITY_FEDERATION_BLOCKED_DOMAINS": "a.example, b.example"}
    )
    # When read, Then they are lower-cased host names
    assert from_file.federation.blocked_domains == ("spam.example",)
    assert from_env.federation.blocked_domains == ("a.example", "b.example")
