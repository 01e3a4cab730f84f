"""Time for a member's post in a group to reach the group's 5,000 members on 500
instances, and reads of one of its threads.

A real `fedcity serve` (pinned to core 0, in-process worker on) has a group made
by `fedcity group create housing` (public, open) and a local member (`account
create`, a token, an accepted follow of the group). Its database is seeded
directly with 5,000 remote members spread over 500 origins, each origin with one
shared inbox on a port of one sink process (bench/sink.py, core 1), and with what
each origin runs (NodeInfo's `fedcity`, so the group sends each one announce;
`--unknown-software` leaves it to be learned: the first announces then go in both
forms, and the sink answers the NodeInfo look-ups).

The member posts `@housing …` through POST /api/v1/statuses; the clock runs from
the API call until every one of the 500 inboxes has had the group's announce
(POSTs whose body is an `Announce` by the group; anything else is counted apart).
Then ~50 replies are posted in the first thread, and its FEP-7888 context
collection (first page), the same page revalidated by its ETag, and the thread as
the member's Mastodon app reads it are each asked N times, one connection.

    .venv/bin/python bench/groups.py
    .venv/bin/python bench/groups.py --members 500 --instances 50 --posts 5
    .venv/bin/python bench/groups.py --unknown-software
    .venv/bin/python bench/groups.py --profile /tmp/serve.prof   # cProfile the server
    .venv/bin/python bench/groups.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import functools
import http.client
import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import common
import sink
from sqlalchemy import insert, select, update

from fedcity.storage.db import Database
from fedcity.storage.models import Actor, Follow, FollowState, PeerInstance

GROUP = "housing"
MEMBER = "member"
FORMS = ("fep-1b12", "boost")  # Announce(Create(Note)), and Announce(Note)
AS2 = "application/activity+json"


def announce_form(body: bytes) -> str:
    """The sink's kinds: which form of the group's announce a POST is, or what
    else it is (by type and sender). The group is known by its path: the sink
    opens its ports before the server picks one (so that none is taken twice),
    and the remote members are all `/users/f…`."""
    doc = json.loads(body)
    sender = str(doc.get("actor"))
    if doc.get("type") == "Announce" and sender.endswith(f"/users/{GROUP}"):
        return FORMS[0] if isinstance(doc.get("object"), dict) else FORMS[1]
    return f"{doc.get('type')} by {sender}"


# --- the group and its members ---------------------------------------------------------


def make_group(server: common.Server) -> str:
    """The group and the local member, made as an operator makes them; the
    member's token."""
    server.cli("group", "create", GROUP, "--display-name", "Affordable Housing")
    server.cli("account", "create", MEMBER, "--password", "bench-password")
    return server.cli("token", "create", MEMBER)


async def seed_members(
    db_url: str, ports: list[int], members: int, software: str | None
) -> None:
    """The remote members, the local member's accepted follow of the group, and
    (unless None) what each member's server runs, as NodeInfo would have told."""
    await sink.seed_followers(db_url, ports, members, GROUP)
    db = Database(db_url)
    try:
        async with db.session() as session:
            local = select(Actor.id).where(Actor.domain.is_(None))
            group = await session.scalar(local.where(Actor.username == GROUP))
            member = await session.scalar(local.where(Actor.username == MEMBER))
            assert group is not None
            assert member is not None
            session.add(
                Follow(
                    actor_id=member,
                    target_id=group,
                    state=FollowState.ACCEPTED.value,
                    uri="urn:bench:follow:member",
                )
            )
            await session.execute(
                update(Actor)
                .where(Actor.id == group)
                .values(followers_count=Actor.followers_count + 1)
            )
            if software is not None:
                peers = [
                    {"origin": sink.origin(p), "failure_days": 0, "software": software}
                    for p in ports
                ]
                await session.execute(insert(PeerInstance), peers)
    finally:
        await db.dispose()


# --- posts --------------------------------------------------------------------------


def time_posts(
    args: argparse.Namespace, server: common.Server, token: str, inboxes: sink.Sink
) -> str | None:
    """Time each post to every member instance; the first post's id (None when a
    post did not reach them all)."""
    print(
        f"\na member's post → group @{GROUP} → {args.members} members → "
        f"{args.instances} shared inboxes\n"
    )
    print(
        "post  api(ms)  first(ms)  all(ms)  last(ms)  announces/s  inboxes  "
        "fep-1b12  boost  other  GETs  cpu(ms)"
    )
    root, totals, others = None, [], set()
    for n in range(1, args.posts + 1):
        text = f"@{GROUP} Draft {n} of the regional housing plan: comments by Friday"
        post = functools.partial(common.post_status, server.base_url, token, text)
        cpu = common.cpu_seconds(server.pid)
        r = inboxes.time(post, args.timeout)
        cpu = common.cpu_seconds(server.pid) - cpu
        reached = {p for form in FORMS for p in r.tally.counts.get(form, {})}
        if r.all is None or r.first is None:
            print(
                f"{n:>4}  incomplete after {args.timeout:.0f}s: {len(reached)} reached"
            )
            return None
        root = root or str(r.answer["id"])
        totals.append(r.all)
        others |= {kind for kind in r.tally.counts if kind not in FORMS}
        last = r.last(FORMS) or r.all
        print(
            f"{n:>4} {r.api * 1000:>8.1f} {r.first * 1000:>10.1f} {r.all * 1000:>8.0f} "
            f"{last * 1000:>9.0f} {r.tally.total(FORMS) / last:>12.0f} "
            f"{len(reached):>8}  {_form(r.tally, FORMS[0], args.instances):>8} "
            f"{_form(r.tally, FORMS[1], args.instances):>6} "
            f"{r.tally.total() - r.tally.total(FORMS):>6} "
            f"{sum(r.tally.gets.values()):>5} {cpu * 1000:>8.0f}"
        )
    print(
        f"\nmedian time to reach all {args.instances} member instances: "
        f"{statistics.median(totals) * 1000:.0f} ms (best {min(totals) * 1000:.0f} ms)"
    )
    print(f"other deliveries: {', '.join(sorted(others)) or 'none'}")
    return root


def _form(tally: sink.Tally, form: str, instances: int) -> str:
    """How many announces of a form came, with a '!' unless one per inbox."""
    count = tally.total((form,))
    if not count:
        return "-"
    return f"{count}" if tally.exactly_one(form, instances) else f"{count}!"


def add_replies(
    args: argparse.Namespace,
    server: common.Server,
    token: str,
    root: str,
    inboxes: sink.Sink,
) -> None:
    """Reply in the root's thread, alternately to the root and to the last reply,
    and wait until the group has announced every reply to every instance."""
    inboxes.reset()
    cpu, started = common.cpu_seconds(server.pid), time.monotonic()
    parent = root
    for n in range(args.replies):
        reply = common.post_status(
            server.base_url,
            token,
            f"Reply {n}: the county's numbers for district {n % 7}",
            in_reply_to_id=root if n % 2 == 0 else parent,
        )
        parent = str(reply["id"])
    posted = time.monotonic() - started
    expected = args.replies * args.instances
    deadline = time.monotonic() + args.timeout * max(1, args.replies // 10)
    while inboxes.tally().total(FORMS) < expected and time.monotonic() < deadline:
        time.sleep(0.2)
    tally = inboxes.settle()
    cpu = common.cpu_seconds(server.pid) - cpu
    last = max((tally.last[f] for f in FORMS if f in tally.last), default=started)
    print(
        f"\n{args.replies} replies in the thread: posted in {posted:.1f} s; "
        f"{tally.total(FORMS)} announces (expected ≥ {expected}) delivered "
        f"{last - started:.1f} s after the first reply "
        f"({tally.total(FORMS) / (last - started):.0f}/s); server CPU "
        f"{cpu:.1f} s, {cpu / max(1, tally.total(FORMS)) * 1e6:.0f} us per announce"
    )


# --- thread reads -------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Read:
    """One kind of read: a GET, its headers, the answer expected."""

    label: str
    path: str
    status: int = 200
    headers: dict[str, str]
    check: Callable[[bytes], bool]


def thread_reads(
    args: argparse.Namespace, thread_id: int, root: str, token: str, etag: str
) -> list[Read]:
    context = f"/users/{GROUP}/context/{thread_id}?page=1"
    as2 = {"Accept": AS2}
    total = args.replies + 1

    def page(body: bytes) -> bool:
        doc = json.loads(body)
        return bool(
            doc["totalItems"] == total and len(doc["orderedItems"]) == min(20, total)
        )

    def app_thread(body: bytes) -> bool:
        return bool(len(json.loads(body)["descendants"]) == args.replies)

    return [
        Read(label="context ?page=1", path=context, headers=as2, check=page),
        Read(
            label="  same, If-None-Match",
            path=context,
            status=304,
            headers={**as2, "If-None-Match": etag},
            check=lambda body: not body,
        ),
        Read(
            label="API statuses/:id/context",
            path=f"/api/v1/statuses/{root}/context",
            headers={"Authorization": f"Bearer {token}"},
            check=app_thread,
        ),
    ]


def measure(server: common.Server, read: Read, count: int) -> str:
    """`count` GETs one after another on one connection (after 20 to warm up)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    times, size = [], 0
    try:
        for n in range(20 + count):
            if n == 20:
                cpu, started = common.cpu_seconds(server.pid), time.perf_counter()
            sent = time.perf_counter()
            conn.request("GET", read.path, headers=read.headers)
            response = conn.getresponse()
            body = response.read()
            if response.status != read.status or not read.check(body):
                raise RuntimeError(f"{read.label}: {response.status} {body[:300]!r}")
            times.append(time.perf_counter() - sent)
            size = len(body)
        elapsed = time.perf_counter() - started
        cpu = common.cpu_seconds(server.pid) - cpu
    finally:
        conn.close()
    ms = sorted(t * 1000 for t in times[20:])
    return (
        f"{read.label:<26} {count / elapsed:>6.0f} {common.percentile(ms, 0.5):>7.1f} "
        f"{common.percentile(ms, 0.95):>7.1f} {common.percentile(ms, 0.99):>7.1f} "
        f"{ms[-1]:>7.1f} {cpu / count * 1e6:>9.0f} {size / 1024:>6.1f}"
    )


def read_thread(
    args: argparse.Namespace, server: common.Server, token: str, root: str
) -> None:
    thread_id = common.scalar(
        server.db_url,
        f"SELECT id FROM group_threads WHERE root_post_id = {int(root)}",  # noqa: S608
    )
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request(
        "GET", f"/users/{GROUP}/context/{thread_id}?page=1", headers={"Accept": AS2}
    )
    response = conn.getresponse()
    response.read()
    etag = response.headers["ETag"]
    conn.close()
    print(
        f"\nreading the thread ({args.replies + 1} posts), {args.reads} GETs each, "
        "one connection"
    )
    print(
        "read                        req/s  p50(ms) p95(ms) p99(ms) max(ms) "
        "cpu(us)/req    KiB"
    )
    for read in thread_reads(args, thread_id, root, token, etag):
        print(measure(server, read, args.reads))


# --- the run -----------------------------------------------------------------------------


OPTIONS = (  # name, default, help
    ("--members", 5_000, "remote members"),
    ("--instances", 500, "their servers, one shared inbox each"),
    ("--posts", 3, "posts, timed one by one"),
    ("--replies", 50, "in the first thread"),
    ("--reads", 300, "GETs of each read"),
    ("--timeout", 60.0, "per post, in s"),
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = common.bench_arguments(__doc__)
    for name, default, description in OPTIONS:
        parser.add_argument(name, type=type(default), default=default, help=description)
    parser.add_argument(
        "--unknown-software",
        action="store_true",
        help="the members' servers are not known yet (NodeInfo to be fetched)",
    )
    parser.add_argument("--profile", type=Path, help="cProfile the server into FILE")
    args = parser.parse_args(argv)

    if not args.no_pin:
        common.pin_self(common.LOAD_CORE)
    software = "fedcity"  # what the members' servers run (and tell by NodeInfo)
    known = None if args.unknown_software else software
    with (
        sink.running(args.instances, announce_form, FORMS, software) as inboxes,
        common.migrated_server(
            "fedcity-bench-groups-", args, profile=args.profile
        ) as server,
    ):
        token = make_group(server)
        return common.seed_and_serve(
            server,
            seed_members(server.db_url, inboxes.ports, args.members, known),
            f"{args.members} members on {args.instances} instances "
            f"({'software unknown' if known is None else 'all run ' + software})",
            lambda: _run(args, server, token, inboxes),
        )


def _run(
    args: argparse.Namespace, server: common.Server, token: str, inboxes: sink.Sink
) -> int:
    root = time_posts(args, server, token, inboxes)
    if root is None:
        return 1
    if args.replies:
        add_replies(args, server, token, root, inboxes)
    read_thread(args, server, token, root)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
