"""What the administrators' dashboard shows: how many accounts, posts and peers the
instance has, the open reports, and how deliveries to each peer are going."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.services.instance.instance import usage
from fedcity.storage.queries import dashboard as q
from fedcity.storage.queries.dashboard import FailingDelivery, PeerQueue

__all__ = ["Dashboard", "FailingDelivery", "PeerQueue", "load"]


@dataclass(frozen=True)
class Dashboard:
    active_accounts: int
    disabled_accounts: int
    local_posts: int
    remote_accounts: int
    known_instances: int
    open_reports: int
    peers: list[PeerQueue]
    failing: list[FailingDelivery]

    @property
    def pending_total(self) -> int:
        return sum(peer.pending for peer in self.peers)

    @property
    def failing_total(self) -> int:
        return sum(peer.failing for peer in self.peers)

    @property
    def held_total(self) -> int:
        return sum(peer.held for peer in self.peers)


async def load(session: AsyncSession) -> Dashboard:
    active, disabled = await q.count_local_users(session)
    counts = await usage(session)
    return Dashboard(
        active_accounts=active,
        disabled_accounts=disabled,
        local_posts=counts.local_posts,
        remote_accounts=await q.count_remote_actors(session),
        known_instances=counts.domains,
        open_reports=await q.count_open_reports(session),
        peers=await q.list_peer_queues(session),
        failing=await q.list_failing_deliveries(session),
    )
