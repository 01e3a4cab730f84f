"""The federation policy each process holds in memory, and how it stays fresh.

The inbox, delivery, fetches and the signed-GET gate ask `PolicyHolder.current`
(a `domains.DomainPolicy`), which costs no query. A task per process
(`run_refresher`) reads the policy's version, one primary-key read, every
`[federation] policy_refresh_seconds`, and reloads the snapshot when another
process (a CLI command, an admin's API call served elsewhere) changed it. This
works alike on SQLite and PostgreSQL; a change made through this process's own
API is applied at once (`refresh`).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Mapping
from typing import Any

from fedcity.config import Settings
from fedcity.domains import DomainPolicy, authority_of
from fedcity.federation.parse.statuses import parse_post
from fedcity.services.instance import domain_policies
from fedcity.services.statuses.remote_posts import RemotePostData
from fedcity.storage.db import Database
from fedcity.storage.models import Actor

log = logging.getLogger(__name__)


def parse_post_under(
    policy: DomainPolicy, doc: Mapping[str, Any], author: Actor
) -> RemotePostData:
    """`parse_post`, without the attachments that `reject-media` refuses: all of
    them for an author on such a domain, else those whose file is on one. They
    are never stored, so no client is shown or linked them, whether remote media
    is proxied or linked (`[media] remote`); Mastodon keeps a row it never
    downloads, which its apps still link to."""
    data = parse_post(doc, author.followers_uri)
    if not data.attachments:
        return data
    kept = (
        []
        if policy.rejects_media(author.uri)
        else [a for a in data.attachments if not policy.rejects_media(a["url"])]
    )
    if len(kept) == len(data.attachments):
        return data
    return dataclasses.replace(data, attachments=kept)


class PolicyHolder:
    """The current snapshot, replaced whole (readers never see half an update)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.current = DomainPolicy(
            authority_of(settings.instance.base_url),
            settings.federation.mode,
            blocks={},
        )

    async def load(self, db: Database) -> None:
        """Seed the config's blocked domains once, then load the snapshot."""
        async with db.session() as session:
            await domain_policies.seed_config_blocks(
                session, self._settings.federation.blocked_domains
            )
        await self.refresh(db, force=True)

    async def refresh(self, db: Database, *, force: bool = False) -> bool:
        """Reload if the stored version moved (or `force`); True if reloaded."""
        async with db.session() as session:
            version = await domain_policies.policy_version(session)
            if not force and version == self.current.version:
                return False
            self.current = await domain_policies.load_policy(
                session,
                own=self.current.own,
                mode=self._settings.federation.mode,
            )
        # The first load of every process (and of every CLI command) is routine;
        # a change picked up while running is worth a line in the log.
        level = logging.DEBUG if force else logging.INFO
        log.log(level, "federation policy version %d loaded", self.current.version)
        return True

    async def run_refresher(self, db: Database, stop: asyncio.Event) -> None:
        """Poll the version until `stop`; a failed poll keeps the last snapshot."""
        every = self._settings.federation.policy_refresh_seconds
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)
            if stop.is_set():
                return
            try:
                await self.refresh(db)
            except Exception:
                log.exception("could not reload the federation policy; keeping it")
