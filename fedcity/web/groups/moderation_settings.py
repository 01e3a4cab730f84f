"""A group's settings and moderation log on the web:
`/@NAME/moderation/settings` (name, description, rules, who may read, who may
post, quorum guard: services.groups.moderation.update_group) and
`/@NAME/moderation/log` (the group's part of the admin action log, as the API's
GET …/groups/NAME/log)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web
from multidict import MultiDict

from fedcity import i18n, text
from fedcity.appkeys import DB, FEDERATION
from fedcity.services.groups import moderation
from fedcity.storage.models import Actor, Group
from fedcity.web.forms import read_form
from fedcity.web.groups.moderating import (
    act,
    group_name,
    moderating,
    moderation_page,
    moderation_path,
    page_of,
)

N_ = i18n.N_
FIELDS = (
    "display_name",
    "description",
    "rules",
    "visibility",
    "policy",
    "quorum_guard",
)
# Which field a refusal is about (a length error names its field's label).
FIELD_OF = {
    "Display name": "display_name",
    "Description": "description",
    "Rules": "rules",
    "Visibility must be one of: {choices}": "visibility",
    "Policy must be one of: {choices}": "policy",
    "Quorum guard must be one of: {choices}": "quorum_guard",
}
# The log's actions (services.groups: moderation and members) in words.
ACTIONS = {
    "update": N_("Changed the settings"),
    "approve_member": N_("Approved a request to join"),
    "reject_member": N_("Refused a request to join"),
    "ban": N_("Banned"),
    "unban": N_("Lifted a ban"),
    "remove_post": N_("Removed a post"),
    "lock": N_("Locked a thread"),
    "unlock": N_("Unlocked a thread"),
    "pin": N_("Pinned a thread"),
    "unpin": N_("Unpinned a thread"),
    "add_moderator": N_("Added a moderator"),
    "remove_moderator": N_("Removed a moderator"),
    "follow_group": N_("Followed a group"),
    "unfollow_group": N_("Stopped following a group"),
}


def description_text(summary: str) -> str:
    """The description as its moderators typed it: a group's `summary` is kept
    as HTML paragraphs (a group made on the command line keeps it as typed)."""
    return text.html_to_text(summary) if summary.lstrip().startswith("<") else summary


def current_values(group: Group, actor: Actor) -> dict[str, str]:
    return {
        "display_name": actor.display_name or "",
        "description": description_text(actor.summary or ""),
        "rules": group.rules or "",
        "visibility": group.visibility,
        "policy": group.policy,
        "quorum_guard": group.quorum_guard,
    }


def changes_of(form: MultiDict[str], now: Mapping[str, str]) -> moderation.GroupChanges:
    """Only what the form changes: a description sent back as it was shown is
    not stored again (nor sent to the group's followers as an Update)."""
    sent = {key: form.get(key) for key in FIELDS}
    changed = {
        key: value
        for key, value in sent.items()
        if value is not None and value.strip() != now[key].strip()
    }
    return moderation.GroupChanges(**changed)


async def settings_page(
    request: web.Request,
    errors: Mapping[str, str] | None = None,
    status: int = 200,
    values: Mapping[str, str] | None = None,
) -> web.Response:
    async with request.app[DB].session() as session:
        mod = await moderating(session, request)
    context = {
        "tab": "settings",
        "values": values or current_values(mod.group, mod.actor),
    }
    return await moderation_page(
        request,
        mod,
        "groups/moderation/settings.html",
        context,
        errors=errors,
        status=status,
    )


async def save_settings(request: web.Request) -> web.StreamResponse:
    form = await read_form(request)
    urls = request.app[FEDERATION].urls

    async def step(session: Any, me: Actor, name: str) -> object:
        group, actor = await moderation.moderated_group(session, me, name)
        changes = changes_of(form, current_values(group, actor))
        return await moderation.update_group(session, urls, me, name, changes)

    values = {key: form.get(key, "") for key in FIELDS}
    return await act(
        request,
        step,
        done="saved",
        then=moderation_path(group_name(request), "/settings"),
        refused=lambda errors: settings_page(request, errors, 422, values),
        fields=FIELD_OF,
    )


async def log_page(request: web.Request) -> web.Response:
    page = page_of(request)
    async with request.app[DB].session() as session:
        mod = await moderating(session, request)
        name = mod.actor.username
        entries = await moderation.group_log(session, mod.me, name, page)
    prefix = f"{name}: "
    shown = [
        {
            "created_at": entry.created_at,
            "account": entry.account,
            "action": ACTIONS.get(entry.action, entry.action),
            "known": entry.action in ACTIONS,
            "target": entry.target.removeprefix(prefix) if entry.target != name else "",
            "reason": entry.reason or "",
        }
        for entry in entries
    ]
    older = ""
    if len(entries) == page.limit:
        older = f"{moderation_path(name, '/log')}?max_id={entries[-1].id}"
    context = {"tab": "log", "entries": shown, "older": older}
    return await moderation_page(request, mod, "groups/moderation/log.html", context)
