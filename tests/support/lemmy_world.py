"""A Lemmy community for tests (issue 13): Lemmy's own assets
(tests/fixtures/threadiverse/lemmy-assets) with the community on one loopback
peer (Lemmy's `enterprise`/`lemmy-alpha` hosts) and the members' server on
another (`ds9`), relaying as Lemmy 0.19 does."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tests.support.instances import LiveInstance
from tests.support.remote import RemoteServer
from tests.support.threadiverse import (
    LEMMY,
    announce,
    load,
    relocate,
    send,
    serve_actor,
)


@dataclass
class Lemmy:
    """The community `main` on `home`; its members' posts on `ds9`."""

    home: RemoteServer
    ds9: RemoteServer
    group: str

    def doc(self, name: str, **overrides: Any) -> dict[str, Any]:
        """A Lemmy asset at its peers' origins, every community named `main`;
        `overrides` put the scenario's own ids where the asset names others."""
        origins = {
            "enterprise.lemmy.ml": self.home.base_url,
            "lemmy-alpha:8541": self.home.base_url,
            "lemmy-alpha": self.home.base_url,
            "ds9.lemmy.ml": self.ds9.base_url,
        }
        text = json.dumps(relocate(load(f"{LEMMY}/{name}.json"), origins))
        for other in ("/c/tenforward", "/c/test"):
            text = text.replace(other, "/c/main")
        return {**json.loads(text), **overrides}

    def relay(self, name: str, **overrides: Any) -> dict[str, Any]:
        return announce(self.group, self.doc(name, **overrides))

    @property
    def post(self) -> str:  # the thread's root, a Page on ds9
        return f"{self.ds9.base_url}/post/1"

    @property
    def comment(self) -> str:  # a reply to it, on ds9
        return f"{self.ds9.base_url}/comment/1"

    @property
    def featured(self) -> str:
        return str(self.doc("objects/group")["featured"])


async def lemmy_world(remote: RemoteServer, aiohttp_server: Any) -> Lemmy:
    """The community served by `remote` as Lemmy serves it (featured, moderators,
    postingRestrictedToMods), and the Page and comment its members wrote, served
    by a second peer."""
    ds9 = RemoteServer()
    await ds9.start(aiohttp_server)
    world = Lemmy(remote, ds9, f"{remote.base_url}/c/main")
    serve_actor(remote, world.group, "Group", **world.doc("objects/group"))
    for user in ("lemmy_beta", "lemmy_alpha"):
        serve_actor(remote, f"{remote.base_url}/u/{user}")
    serve_actor(ds9, f"{ds9.base_url}/u/lemmy_alpha")
    ds9.put_object(world.doc("activities/create_or_update/create_page")["object"])
    ds9.put_object(world.doc("activities/create_or_update/create_comment")["object"])
    return world


async def thread_with_comment(instance: LiveInstance, lemmy: Lemmy) -> None:
    """The community relays the Page, then the comment."""
    await send(
        instance,
        lemmy.home,
        lemmy.relay("activities/create_or_update/create_page"),
        lemmy.relay("activities/create_or_update/create_comment"),
    )
