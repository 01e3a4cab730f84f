"""/admin/sign_ups (issue 12): the sign-ups waiting for approval, the offices
that invites named waiting for confirmation (one button attests each), and the
invites: make one (its URL is shown), revoke one. The same services as the admin
API and the CLI."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from fedcity import i18n
from fedcity.appkeys import DB, FEDERATION, SETTINGS
from fedcity.errors import Unprocessable
from fedcity.services.offices import attestations as offices
from fedcity.services.sign_ups import approvals as queue
from fedcity.services.sign_ups import invites, office_claims
from fedcity.services.sign_ups.registrations import Policy
from fedcity.storage.queries.logins import AccountFilter
from fedcity.storage.queries.posts import Page
from fedcity.web.accounts.guard import admin_or_forbidden
from fedcity.web.forms import read_form
from fedcity.web.templating import page_language, render_form

N_ = i18n.N_
PAGE = "/admin/sign_ups"
DONE = {
    "approved": N_("Approved: the applicant gets a mail."),
    "rejected": N_("Rejected: the account is removed and the applicant gets a mail."),
    "confirmed": N_("The office is attested."),
    "dismissed": N_("The office claim is dismissed."),
    "invited": N_("Invite made. Send its link: %(url)s"),
    "revoked": N_("The invite is revoked."),
}
PAST = {
    "approve": "approved",
    "reject": "rejected",
    "confirm": "confirmed",
    "dismiss": "dismissed",
}
INVITE_FIELD_OF = {
    "An invite names an office role and a jurisdiction together": "jurisdiction",
}


def _done(request: web.Request) -> str:
    message = DONE.get(request.query.get("done", ""))
    if message is None:
        return ""
    text = i18n.translate(page_language(request), message)
    code = request.query.get("code", "")
    url = f"{request.app[SETTINGS].instance.base_url}/invite/{code}"
    return text % {"url": url} if "%(url)s" in message else text


async def _page(
    request: web.Request,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> web.Response:
    async with request.app[DB].session() as session:
        pending = await queue.admin_accounts(
            session, AccountFilter(origin="local", status="pending"), Page(limit=200)
        )
        claims = await office_claims.pending(session)
        usable = await invites.list_invites(session)
    return await render_form(
        request,
        "admin/sign_ups.html",
        {
            "pending": pending,
            "claims": claims,
            "invites": usable,
            "base_url": request.app[SETTINGS].instance.base_url,
            "mode": request.app[SETTINGS].registration.mode,
            "values": values or {},
            "notice": _done(request),
        },
        errors,
    )


async def index(request: web.Request) -> web.Response:
    admin_or_forbidden(request)
    return await _page(request)


def _id(request: web.Request) -> int:
    return int(request.match_info["id"])  # the route allows digits only


async def decide(request: web.Request) -> web.Response:
    """POST …/accounts/{id}/approve or …/reject."""
    signed = admin_or_forbidden(request)
    action = request.match_info["action"]
    policy = Policy.of(request.app[SETTINGS])
    async with request.app[DB].session() as session:
        actor, user = await queue.pending_login(session, _id(request))
        step = queue.approve if action == "approve" else queue.reject
        await step(session, policy, actor, user, by=signed.actor)
    request.app[FEDERATION].wake_worker()
    raise web.HTTPSeeOther(f"{PAGE}?done={PAST[action]}")


async def claim(request: web.Request) -> web.Response:
    """POST …/claims/{id}/confirm or …/dismiss."""
    signed = admin_or_forbidden(request)
    action = request.match_info["action"]
    settings = request.app[SETTINGS]
    async with request.app[DB].session() as session:
        if action == "confirm":
            issuer = offices.Issuer(
                request.app[FEDERATION].urls, settings.instance.name
            )
            await office_claims.confirm(session, issuer, _id(request), by=signed.actor)
        else:
            await office_claims.dismiss(session, _id(request), by=signed.actor)
    request.app[FEDERATION].wake_worker()
    raise web.HTTPSeeOther(f"{PAGE}?done={PAST[action]}")


async def invite_create(request: web.Request) -> web.Response:
    signed = admin_or_forbidden(request)
    form = await read_form(request)
    values = {
        k: form.get(k, "").strip()
        for k in ("uses", "expires", "office_role", "jurisdiction")
    }
    language = page_language(request)
    try:
        uses = int(values["uses"]) if values["uses"] else None
        async with request.app[DB].session() as session:
            made = await invites.create_invite(
                session,
                invites.NewInvite(
                    max_uses=uses,
                    expires_in=invites.parse_duration(values["expires"])
                    if values["expires"]
                    else None,
                    office_role=values["office_role"] or None,
                    jurisdiction=values["jurisdiction"] or None,
                ),
                by=signed.actor,
            )
            code = made.code
    except ValueError:
        return await _page(
            request,
            values,
            {"uses": i18n.translate(language, N_("Enter a whole number"))},
        )
    except Unprocessable as exc:
        field = INVITE_FIELD_OF.get(exc.template, _invite_field(exc.template))
        return await _page(request, values, {field: exc.localized(language)})
    raise web.HTTPSeeOther(f"{PAGE}?done=invited&code={code}")


def _invite_field(template: str) -> str:
    if "expiry" in template:
        return "expires"
    if "used between" in template:
        return "uses"
    return "office_role" if "role" in template.lower() else "jurisdiction"


async def invite_revoke(request: web.Request) -> web.Response:
    signed = admin_or_forbidden(request)
    async with request.app[DB].session() as session:
        await invites.revoke_invite(session, str(_id(request)), by=signed.actor)
    raise web.HTTPSeeOther(f"{PAGE}?done=revoked")


def add_routes(app: web.Application) -> None:
    r = app.router
    one = "/{id:[0-9]{1,18}}"
    r.add_get(PAGE, index)
    r.add_post(PAGE + "/accounts" + one + "/{action:approve|reject}", decide)
    r.add_post(PAGE + "/claims" + one + "/{action:confirm|dismiss}", claim)
    r.add_post(PAGE + "/invites", invite_create)
    r.add_post(PAGE + "/invites" + one + "/revoke", invite_revoke)
