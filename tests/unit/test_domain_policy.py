"""The in-memory federation policy (`domains.DomainPolicy`): what an entry covers,
which rule wins, and what allowlist mode refuses."""

from __future__ import annotations

from fedcity.domains import BlockRule, DomainPolicy, normalize_domain

OWN = "league.example"


def policy(**kw) -> DomainPolicy:
    return DomainPolicy(OWN, **kw)


def test_a_host_covers_its_subdomains_and_ports_but_not_look_alikes():
    p = policy(blocks={"spam.example": BlockRule("suspend")})
    assert p.suspends("https://spam.example/users/a")
    assert p.suspends("https://m.spam.example:8443/inbox")
    assert not p.suspends("https://notspam.example/users/a")
    assert not p.suspends("https://spam.example.org/users/a")


def test_a_host_with_a_port_covers_that_port_only():
    p = policy(blocks={"127.0.0.1:8081": BlockRule("suspend")})
    assert p.suspends("http://127.0.0.1:8081/inbox")
    assert not p.suspends("http://127.0.0.1:8082/inbox")


def test_the_most_specific_block_decides():
    p = policy(
        blocks={
            "example.net": BlockRule("silence"),
            "bad.example.net": BlockRule("suspend"),
        }
    )
    assert p.silences("https://good.example.net/")
    assert p.suspends("https://bad.example.net/")
    assert not p.silences("https://bad.example.net/")


def test_allowlist_mode_refuses_unlisted_and_suspended_domains_only():
    p = policy(
        mode="allowlist",
        allows=frozenset({"city.example"}),
        blocks={"rogue.city.example": BlockRule("suspend")},
    )
    assert p.is_allowed("https://city.example/users/mayor")
    assert p.is_allowed("https://www.city.example/users/mayor")
    assert p.refuses("https://elsewhere.example/users/x")
    assert p.refuses("https://rogue.city.example/users/x")
    assert p.is_allowed(f"https://{OWN}/users/me")  # never refuses itself
    assert "allow list" in p.reason("https://elsewhere.example/")
    assert "suspended" in p.reason("https://rogue.city.example/")


def test_open_mode_refuses_only_suspensions():
    p = policy(blocks={"quiet.example": BlockRule("silence", reject_media=True)})
    assert p.is_allowed("https://quiet.example/")
    assert p.rejects_media("https://quiet.example/media/1.png")
    assert p.refuses("https://x.example/") is False


def test_entries_are_normalised_as_operators_type_them():
    assert normalize_domain(" Spam.Example. ") == "spam.example"
    assert normalize_domain("https://spam.example:8443/about") == "spam.example:8443"
    assert normalize_domain("spam.example/path") == "spam.example"
