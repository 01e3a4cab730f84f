"""The library the page-type tests show (issue 14), made once per run: a verified
official's case study (edited once, with results, contacts, an attachment and
the case study it adapted), a funding opportunity of theirs the resident is
applying for, one the resident wrote (their edit and withdraw pages), and a
withdrawn case study (410)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from fedcity.services.library import applying, items
from fedcity.services.offices import attestations as offices
from fedcity.storage.models import Actor, LibraryKind
from tests.support.library import case_study, funding

if TYPE_CHECKING:
    from tests.browser.conftest import Site

LICENSE = "https://creativecommons.org/licenses/by/4.0/"


@dataclass
class LibrarySample:
    case_study_path: str  # /library/case-studies/ID, edited once
    funding_path: str  # /library/funding/ID, the resident applying
    own_funding_path: str  # the resident's own opportunity
    withdrawn_path: str  # a withdrawn case study (410)


def library_sample(site: Site, resident: Actor) -> LibrarySample:
    official = site.account("publicworks", display_name="Public Works Director")
    return site.threaded.run(_make(site, official, resident))


async def _make(site: Site, official: Actor, resident: Actor) -> LibrarySample:
    live = site.live
    async with live.db.session() as session:
        author = await offices.find_account(session, official.username, live.domain)
        issuer = offices.Issuer(live.fed.urls, live.settings.instance.name)
        claim = offices.Claim(
            role="department_head",
            jurisdiction="Ojai, CA",
            title="Public Works Director",
            population=7637,
            term_start=date(2024, 1, 1),
            term_end=date(2099, 12, 31),
        )
        await offices.verify(session, issuer, author, claim)
        me = await session.get(Actor, resident.id)
        assert me is not None

        async def publish(who: Actor, kind: LibraryKind, doc: dict[str, Any]) -> Any:
            return await items.create_item(
                session, live.fed.urls, who, kind, doc, default_license=LICENSE
            )

        first = await publish(
            author, LibraryKind.CASE_STUDY, case_study(title="Street sweeping")
        )
        doc = case_study(
            contacts=[f"@{official.username}", "@clerk@elsewhere.example"],
            adapted_from=first.uri,
        )
        study = await publish(author, LibraryKind.CASE_STUDY, doc)
        await items.update_item(
            session,
            live.fed.urls,
            author,
            study,
            {**doc, "title": "Pothole blitz, a year on"},
            default_license=LICENSE,
        )
        grant = await publish(author, LibraryKind.FUNDING_OPPORTUNITY, funding())
        await applying.mark_applying(session, me, grant.id)
        own = await publish(
            me, LibraryKind.FUNDING_OPPORTUNITY, funding(title="Ojai library grants")
        )
        gone = await publish(author, LibraryKind.CASE_STUDY, case_study(title="Gone"))
        await items.withdraw_item(session, author, gone)
    return LibrarySample(
        case_study_path=f"/library/case-studies/{study.id}",
        funding_path=f"/library/funding/{grant.id}",
        own_funding_path=f"/library/funding/{own.id}",
        withdrawn_path=f"/library/case-studies/{gone.id}",
    )
