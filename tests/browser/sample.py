"""What the page-type tests need to find on the live site, made once per run
(`sample` fixture): an official's posts (an image with alt text, a poll, a
content warning, a hashtag, a reply thread), a remote account and its post
(whose HTML carries every kind of script there is, so that every page showing it
proves the sanitiser), a notification, an announcement and a custom emoji.

Everything goes through the client API with a token, as apps do, or through the
services on the instance's loop; the remote post is delivered signed, as a peer
would."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import requests
from PIL import Image, ImageDraw

from fedcity.services.instance import announcements
from fedcity.services.moderation import account_actions, reports
from fedcity.services.offices import attestations as offices
from fedcity.services.offices import seats
from fedcity.services.sign_ups import invites, mails, registrations
from fedcity.services.statuses import custom_emojis
from fedcity.services.statuses.media import MediaStorage
from fedcity.storage.models import Actor
from fedcity.storage.queries.actors import get_user_by_actor_id
from tests.browser.sample_groups import GroupSample, group_sample
from tests.browser.sample_library import LibrarySample, library_sample
from tests.support.images import png
from tests.support.keys import premade_keypair
from tests.support.pages import deliver_remote_note
from tests.support.remote import RemoteActor, RemoteServer

if TYPE_CHECKING:
    from tests.browser.conftest import Site

ALT = "A green bike lane beside parked cars on Ojai Avenue"
TAG = "parks"
# Each would leave a mark on the page if it ran: window.__pwned, or the title.
HOSTILE = (
    "<p>Parks report for #parks and @{mention}: "
    "<script>window.__pwned = 'script'; document.title = 'pwned'</script>"
    '<img src="/no-such-image" onerror="window.__pwned = \'onerror\'"> the '
    "<a href=\"javascript:window.__pwned='link'\" onclick=\"window.__pwned='click'\">map</a>"
    "<iframe src=\"javascript:window.__pwned='iframe'\"></iframe>"
    "<svg><script>window.__pwned = 'svg'</script></svg>"
    "<style>body {{ display: none }}</style> of the trails ends here.</p>"
)


@dataclass
class Sample:
    mayor: Actor
    post_id: str  # the mayor's post with an image, a hashtag, and a reply below
    reply_id: str  # the resident's reply to it (theirs to delete)
    remote: RemoteServer
    reporter: RemoteActor
    remote_handle: str  # reporter@host
    remote_post_path: str  # its page here, /@reporter@host/ID
    announcement_id: int
    emoji_id: int
    seat_post_path: str  # a post of a seat account, naming its holder
    archive_path: str  # /archives/NAME of the seat's former holder
    handover_path: str  # the successor's one-time sign-in link (never used)
    report_id: int  # the mayor's report about the resident, resolved with a warning
    warning_id: int  # that warning, given to the resident

    invite_path: str  # /invite/CODE of an invite naming an office
    reset_path: str  # a password reset link (never used)
    confirmation_path: str  # an address confirmation link (used once, signed out)
    groups: GroupSample  # a public group with threads, a members-only one
    library: LibrarySample  # case studies and funding opportunities (issue 14)

    @property
    def mayor_post_path(self) -> str:
        return f"/@{self.mayor.username}/{self.post_id}"


class Api:
    """The client API as an app of `username` uses it."""

    def __init__(self, site: Site, username: str) -> None:
        self.base = site.base
        token = site.threaded.run(site.live.token(username))
        self.headers = {"Authorization": f"Bearer {token}"}

    def post(self, path: str, **kw: Any) -> dict[str, Any]:
        reply = requests.post(self.base + path, headers=self.headers, timeout=30, **kw)
        assert reply.status_code == 200, f"{path}: {reply.status_code} {reply.text}"
        found: dict[str, Any] = reply.json()
        return found

    def get(self, path: str, **kw: Any) -> Any:
        reply = requests.get(self.base + path, headers=self.headers, timeout=30, **kw)
        assert reply.status_code == 200, f"{path}: {reply.status_code} {reply.text}"
        return reply.json()

    def status(self, text: str, **fields: Any) -> str:
        return str(self.post("/api/v1/statuses", json={"status": text, **fields})["id"])


def landscape() -> bytes:
    """A picture for the screenshots: sky, hills, a grey lane."""
    image = Image.new("RGB", (320, 180), (135, 190, 230))
    draw = ImageDraw.Draw(image)
    draw.polygon(
        [(0, 110), (90, 60), (190, 100), (260, 70), (320, 95), (320, 180), (0, 180)],
        fill=(70, 130, 70),
    )
    draw.polygon([(140, 180), (170, 110), (185, 110), (230, 180)], fill=(110, 110, 110))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def official_posts(site: Site, mayor: Actor, resident: Actor) -> tuple[str, str]:
    """The mayor's posts, and the resident's reply to the first; the mayor
    mentions the resident and likes the reply (notifications)."""
    api = Api(site, mayor.username)
    media = api.post(
        "/api/v2/media",
        files={"file": ("lane.png", landscape(), "image/png")},
        data={"description": ALT},
    )
    api.status(
        "Vote on the new library hours",
        poll={"options": ["Mornings", "Evenings"], "expires_in": 86400},
    )
    api.status("Details of the budget hearing", spoiler_text="Long budget thread")
    post_id = api.status(
        f"The bike lane on Ojai Avenue is open #{TAG}", media_ids=[media["id"]]
    )
    reply_id = Api(site, resident.username).status(
        f"@{mayor.username} Thank you, it is much safer", in_reply_to_id=post_id
    )
    api.status(f"@{resident.username} see you at the council meeting")
    Api(site, resident.username).post(f"/api/v1/accounts/{mayor.id}/follow")
    api.post(f"/api/v1/statuses/{reply_id}/favourite")
    return post_id, reply_id


def remote_post(site: Site, resident: Actor) -> tuple[RemoteServer, RemoteActor, str]:
    """A post of a remote reporter, followed by the resident, that mentions the
    resident and carries the #parks tag and HOSTILE HTML; its id here."""
    remote = RemoteServer()
    site.threaded.run(remote.start(site.threaded.serve))
    reporter = remote.add_actor("reporter")
    handle = f"{reporter.name}@{remote.domain}"
    api = Api(site, resident.username)
    # The resident follows the reporter first, so the post reaches their home.
    found = _lookup(api, handle)
    api.post(f"/api/v1/accounts/{found}/follow")
    site.threaded.run(site.live.run_jobs())
    (follow,) = [r.body for r in remote.received if r.body.get("type") == "Follow"]
    accept = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": remote.activity_id("accept-1"),
        "type": "Accept",
        "actor": reporter.uri,
        "object": follow,
    }
    status, _ = site.threaded.run(remote.send(f"{site.base}/inbox", accept))
    assert status == 202
    content = HOSTILE.format(mention=resident.username)
    site.threaded.run(
        deliver_remote_note(
            site.live,
            remote,
            content,
            actor=reporter,
            cc=[f"{reporter.uri}/followers", resident.uri],
            tag=[
                {
                    "type": "Hashtag",
                    "name": f"#{TAG}",
                    "href": f"{site.base}/tags/{TAG}",
                },
                {
                    "type": "Mention",
                    "name": f"@{resident.username}",
                    "href": resident.uri,
                },
            ],
        )
    )
    statuses = api.get(f"/api/v1/accounts/{found}/statuses")
    assert statuses, "the remote post did not arrive"
    return remote, reporter, str(statuses[0]["id"])


def _lookup(api: Api, handle: str) -> str:
    """The id here of a remote account, fetched through the search as apps do."""
    reply = requests.get(
        f"{api.base}/api/v2/search",
        params={"q": handle, "resolve": "true", "type": "accounts"},
        headers=api.headers,
        timeout=30,
    )
    assert reply.status_code == 200, reply.text
    (account,) = reply.json()["accounts"]
    return str(account["id"])


def admin_things(site: Site) -> tuple[int, int]:
    """An announcement and a custom emoji."""

    async def make() -> tuple[int, int]:
        storage = MediaStorage(site.live.settings.media.root)
        async with site.live.db.session() as session:
            note = await announcements.create(
                session,
                site.live.fed.urls,
                announcements.NewAnnouncement(f"The council meets on Tuesday #{TAG}"),
            )
            emoji = await custom_emojis.add_local(
                session,
                storage,
                f"ojai_{uuid.uuid4().hex[:6]}",
                io.BytesIO(png(32, 32)),
                category="City",
            )
            return note.id, emoji.id

    return site.threaded.run(make())


def official_moderation(site: Site, mayor: Actor, handle: str) -> None:
    """The mayor speaks as an official and mutes the reporter: an entry of the
    officials' audit log (/admin/audit)."""

    async def make_official() -> None:
        async with site.live.db.session() as session:
            seat = await offices.find_account(session, mayor.username, site.live.domain)
            await offices.set_capacity(session, seat, "official")

    site.threaded.run(make_official())
    api = Api(site, mayor.username)
    api.post(f"/api/v1/accounts/{_lookup(api, handle)}/mute")


def seat_handover(site: Site) -> tuple[str, str, str]:
    """A seat account (Mayor of Ventura, held by Ana Ruiz) with a post, handed
    over with Ana's archive: the post's path, the archive's, the link's."""
    seat = site.account("ventura", display_name="Mayor of Ventura")

    async def make_seat() -> None:
        async with site.live.db.session() as session:
            found = await offices.find_account(session, seat.username, "")
            await offices.set_capacity(session, found, "official")
            issuer = offices.Issuer(site.live.fed.urls, "City of Ventura")
            claim = offices.Claim(role="mayor", jurisdiction="Ventura, CA")
            await offices.verify(session, issuer, found, claim)
            await seats.set_holder(session, found, "Ana Ruiz")

    async def hand_over(archive: str) -> str:
        async with site.live.db.session() as session:
            found = await seats.find_seat(session, seat.username)
            done = await seats.handover(
                session, found, by=None, successor="Ben Ortiz", archive_as=archive
            )
            return seats.link_path(done.token)

    site.threaded.run(make_seat())
    post_id = Api(site, seat.username).status("The harbour plan is out for comment")
    archive = f"ana_{uuid.uuid4().hex[:6]}"
    link = site.threaded.run(hand_over(archive))
    return f"/@{seat.username}/{post_id}", f"/archives/{archive}", link


def moderation(site: Site, mayor: Actor, resident: Actor) -> tuple[int, int]:
    """The mayor reports the resident; a moderator resolves it with a warning."""

    async def make() -> tuple[int, int]:
        async with site.live.db.session() as session:
            reporter = await session.get(Actor, mayor.id)
            target = await session.get(Actor, resident.id)
            assert reporter is not None
            assert target is not None
            report = await reports.file_report(
                session,
                site.live.fed.urls,
                reporter,
                reports.NewReport(target.id, comment="Off-topic replies"),
                (),
            )
            cmd = account_actions.AccountAction(
                "none", "Please keep to the agenda", report.id
            )
            warning = await account_actions.take_action(session, None, target, cmd)
            return report.id, warning.id

    return site.threaded.run(make())


def sign_up_things(site: Site, resident: Actor) -> tuple[str, str, str]:
    """An invite for a council member, an applicant who used another one (waiting
    for approval, with an office claim: /admin/sign_ups has rows), and one-time
    links of the resident: the invite's path, a reset link's, a confirmation's."""

    async def make() -> tuple[str, str, str]:
        settings = site.live.settings
        async with site.live.db.session() as session:
            office = invites.NewInvite(
                office_role="council_member", jurisdiction="Ojai, CA"
            )
            invite = await invites.create_invite(session, office, by=None)
            used = await invites.create_invite(session, office, by=None)
            await registrations.sign_up(
                session,
                site.live.fed.urls,
                registrations.Policy.of(settings),
                registrations.SignUp(
                    "applicant",
                    "applicant@ojai.example",
                    "a long unusual passphrase",
                    agreement=True,
                    reason="I sit on the council",
                    invite_code=used.code,
                ),
                premade_keypair,
            )
            user = await get_user_by_actor_id(session, resident.id)
            assert user is not None
            links = [
                await mails.issue_link(session, user, purpose, "r@ojai.example", "")
                for purpose in (mails.RESET, mails.CONFIRM)
            ]
        return f"/invite/{invite.code}", links[0], links[1]

    return site.threaded.run(make())


def make_sample(site: Site, resident: Actor) -> Sample:
    mayor = site.account("mayor", display_name="Mayor Ruiz")
    post_id, reply_id = official_posts(site, mayor, resident)
    remote, reporter, remote_id = remote_post(site, resident)
    handle = f"{reporter.name}@{remote.domain}"
    official_moderation(site, mayor, handle)
    announcement_id, emoji_id = admin_things(site)
    seat_post_path, archive_path, handover_path = seat_handover(site)
    report_id, warning_id = moderation(site, mayor, resident)
    invite_path, reset_path, confirmation_path = sign_up_things(site, resident)
    groups = group_sample(site, Api, mayor, resident)
    library = library_sample(site, resident)
    return Sample(
        mayor=mayor,
        post_id=post_id,
        reply_id=reply_id,
        remote=remote,
        reporter=reporter,
        remote_handle=handle,
        remote_post_path=f"/@{handle}/{remote_id}",
        announcement_id=announcement_id,
        emoji_id=emoji_id,
        seat_post_path=seat_post_path,
        archive_path=archive_path,
        handover_path=handover_path,
        report_id=report_id,
        warning_id=warning_id,
        invite_path=invite_path,
        reset_path=reset_path,
        confirmation_path=confirmation_path,
        groups=groups,
        library=library,
    )
