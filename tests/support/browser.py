"""The person in front of the consent page: a browser that opens fedcity's
`/oauth/authorize`, reads the HTML form, fills in the username and password, presses
a button and hands the authorization code to the app.

It does what a browser does and nothing more: it keeps cookies (the CSRF nonce and
the session), sends every field of the form that the page itself holds (the hidden
ones included), adds the pressed button's name and value, and posts to the form's
action. It does not follow the redirect to the app: the app owns that URI (a custom
scheme or a loopback port), so the code is read from the `Location` header, or from
the page for out-of-band apps.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

OOB = "urn:ietf:wg:oauth:2.0:oob"


@dataclass
class Form:
    """One `<form>`: where it posts, the fields it sends, and its submit buttons."""

    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.values_by_id: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a and "value" in a:
            self.values_by_id[a["id"]] = a["value"]
        if tag == "form":
            self.forms.append(
                Form(action=a.get("action", ""), method=a.get("method", "get"))
            )
        elif self.forms and tag == "input" and a.get("name"):
            if a.get("type") == "submit":
                self.forms[-1].buttons.append((a["name"], a.get("value", "")))
            else:
                self.forms[-1].fields[a["name"]] = a.get("value", "")
        elif self.forms and tag == "button" and a.get("name"):
            self.forms[-1].buttons.append((a["name"], a.get("value", "")))


def parse_page(html: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return parser


def consent_form(html: str) -> Form:
    """The page's consent form (the layout has others: sign out, language)."""
    forms = [f for f in parse_page(html).forms if f.action == "/oauth/authorize"]
    assert forms, "the page has no consent form"
    return forms[0]


def form_fields(html: str) -> dict[str, str]:
    """The fields the consent form would send (hidden ones included)."""
    return dict(consent_form(html).fields)


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier and its S256 challenge (RFC 7636 §4.1-4.2)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class Browser:
    """A browser with a cookie jar, on loopback."""

    def __init__(self) -> None:
        self.session = requests.Session()

    def open(self, url: str) -> requests.Response:
        page = self.session.get(url, timeout=30)
        assert page.status_code == 200, f"{url} answered {page.status_code}"
        return page

    def submit(
        self, page: requests.Response, button_value: str, **typed: str
    ) -> requests.Response:
        """Fill in the page's form with `typed` and press the button whose value is
        `button_value`; the answer is returned without following redirects."""
        form = consent_form(page.text)
        unknown = set(typed) - set(form.fields)
        assert not unknown, f"the form has no field {unknown}: {form.fields}"
        button = next((b for b in form.buttons if b[1] == button_value), None)
        assert button is not None, f"no {button_value!r} button in {form.buttons}"
        data = {**form.fields, **typed, button[0]: button[1]}
        return self.session.request(
            form.method.upper(),
            urljoin(page.url, form.action),
            data=data,
            allow_redirects=False,
            timeout=30,
        )

    def authorize(
        self, url: str, username: str, password: str, decision: str = "approve"
    ) -> requests.Response:
        """Open the consent page at `url`, sign in and approve (or deny)."""
        return self.submit(
            self.open(url), decision, username=username, password=password
        )


def authorization_code(answer: requests.Response) -> str:
    """The code the consent page gave the app: on the page itself (out-of-band) or
    in the query of the redirect to the app's URI."""
    if answer.status_code == 200:
        code = parse_page(answer.text).values_by_id.get("oauth-code")
        assert code, f"no code on the page: {answer.text[:500]}"
        return code
    assert answer.status_code == 302, f"{answer.status_code}: {answer.text[:500]}"
    return redirect_query(answer)["code"]


def redirect_query(answer: requests.Response) -> dict[str, str]:
    """The query parameters of the redirect to the app (code, state, error…)."""
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    return {k: v[0] for k, v in query.items()}
