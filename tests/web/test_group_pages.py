"""The groups' pages (issue 13): the directory (/groups), a group's page (/@name)
with its threads, and a thread's page (joining and leaving:
test_group_membership.py).

Threads are made here directly as GroupThread and GroupPost rows over posts
published through the client API, as the group's relay would record them."""

from __future__ import annotations

from typing import Any

from fedcity.services.groups.groups import delete_group
from fedcity.storage.models import Actor, Follow
from fedcity.storage.queries import actors as actor_q
from tests.support.group_threads import add_thread, make_group, page
from tests.support.http import follow, post_status
from tests.support.instances import LiveInstance
from tests.support.pages import browser, h1
from tests.support.web import signed_in_client


async def posts(
    instance: LiveInstance, author: str, *texts: str, **fields: Any
) -> list[str]:
    """`author` publishes each text, the later ones as replies to the first."""
    async with browser(instance) as http:
        first = await post_status(instance, http, author, texts[0], **fields)
        ids = [str(first["id"])]
        for text in texts[1:]:
            reply = await post_status(
                instance, http, author, text, in_reply_to_id=first["id"], **fields
            )
            ids.append(str(reply["id"]))
    return ids


async def join_by_api(instance: LiveInstance, name: str, group: str) -> None:
    async with browser(instance) as http:
        await follow(instance, http, name, group)


async def test_the_directory_lists_approved_groups_and_ones_own(instance):
    # Given a public group, a members-only group that approves its members, a
    # proposed group awaiting approval and a deleted one
    await instance.create_account("resident")
    await make_group(
        instance,
        "wildfire",
        display_name="Wildfire Preparedness",
        description="Plans for the fire season",
    )
    await make_group(
        instance,
        "housing",
        display_name="Affordable Housing",
        visibility="members",
        policy="approval",
    )
    await make_group(instance, "proposed", display_name="Not Yet", awaiting=True)
    await make_group(instance, "gone", display_name="Gone Group")
    async with instance.db.session() as session:
        await delete_group(session, "gone")
    # And a resident who joined one and asked to join the other
    await join_by_api(instance, "resident", "wildfire")
    await join_by_api(instance, "resident", "housing")
    async with browser(instance) as http:
        # When a visitor opens the directory
        listed = await http.get("/groups")
    # Then the approved groups are there with what they are, the others not
    assert listed.status == 200
    assert h1(listed.text) == "Groups"
    main = listed.text.split("<main", 1)[1]
    assert main.index("Affordable Housing") < main.index("Wildfire Preparedness")
    assert f"@wildfire@{instance.domain}" in main
    assert 'href="/@wildfire"' in main
    assert "Plans for the fire season" in main
    assert "Members only: only members read its threads" in main
    assert "Members approved by a moderator may post" in main
    assert "1 member" in main
    assert "Not Yet" not in main
    assert "Gone Group" not in main
    assert "Your groups" not in main
    # And the header links to it on every page
    assert '<a href="/groups">Groups</a>' in listed.text
    # When the resident opens it signed in
    async with await signed_in_client(instance, "resident") as client:
        mine = await page(client, "/groups")
    # Then their groups come first, the pending one marked
    section = mine.split("Your groups", 1)[1].split("Groups on this server")[0]
    assert "Wildfire Preparedness" in section
    assert "Affordable Housing" in section
    assert section.count("Request pending") == 1
    assert section.index("Affordable Housing") < section.index("Request pending")


async def test_a_public_group_page_lists_its_threads_pinned_first(instance):
    # Given a public group with rules, a moderator and threads: one old, one
    # recent and locked, one pinned, and one whose first post was removed
    await instance.create_account("chief", display_name="Chief Diaz")
    await instance.create_account("mayor")
    group = await make_group(
        instance,
        "wildfire",
        display_name="Wildfire Preparedness",
        description="Plans <script>alert(1)</script>for the fire season",
        moderators=("chief",),
        rules="Stay on topic.\n\nNo campaigning.",
    )
    [old] = await posts(instance, "mayor", "Evacuation routes review")
    [recent] = await posts(instance, "mayor", "Defensible space grants")
    [pinned] = await posts(instance, "chief", "Read this first")
    [removed] = await posts(instance, "mayor", "Off-topic advert")
    await add_thread(instance, group, [old], hours_ago=30)
    await add_thread(instance, group, [recent], hours_ago=1, locked=True)
    await add_thread(instance, group, [pinned], hours_ago=50, pinned=True)
    await add_thread(instance, group, [removed], removed=[removed])
    async with browser(instance) as http:
        # When a visitor opens the group's page
        reply = await http.get("/@wildfire")
    # Then it is the group's page, not a profile
    assert reply.status == 200
    assert h1(reply.text) == "Wildfire Preparedness"
    main = reply.text.split("<main", 1)[1]
    assert "Discussion group" in main
    # And its description is text, never markup that runs
    assert "<script>" not in main
    assert "Plans &lt;script&gt;alert(1)&lt;/script&gt;for the fire season" in main
    # And its rules and moderators are shown
    assert "<p>Stay on topic.</p>" in main
    assert "Chief Diaz" in main
    # And the threads come pinned first, then by newest activity
    assert (
        main.index("Read this first")
        < main.index("Defensible space grants")
        < main.index("Evacuation routes review")
    )
    assert "Pinned threads" in main
    assert main.count(">Locked<") == 1
    assert f'href="/@wildfire/threads/{recent}"' in main
    # And the thread whose first post was removed is not listed
    assert "Off-topic advert" not in main
    # And a visitor is offered to join from their own server
    assert 'action="/interact"' in main
    assert f'value="{group.uri}"' in main
    assert "Join from your server" in main


async def test_the_group_page_pages_its_threads(instance):
    # Given a group with 21 threads
    await instance.create_account("mayor")
    group = await make_group(instance, "wildfire")
    for number in range(21):
        [root] = await posts(instance, "mayor", f"Topic number {number}")
        await add_thread(instance, group, [root], hours_ago=number)
    async with await signed_in_client(instance, "reader") as client:
        # When a reader opens the group's page, then the next one
        first = await page(client, "/@wildfire")
        second = await page(client, "/@wildfire?page=2")
    # Then the first has the 20 newest and a link to older ones
    assert "Topic number 0<" in first
    assert "Topic number 20<" not in first
    assert 'href="/@wildfire?page=2"' in first
    # And the second has the oldest, and a link back
    assert "Topic number 20<" in second
    assert "Topic number 0<" not in second
    assert 'href="/@wildfire"' in second


async def test_a_members_group_shows_its_threads_to_members_only(instance):
    # Given a members-only group whose thread is of followers-only posts
    await instance.create_account("mayor")
    await instance.create_account("outsider")
    await instance.create_account("member")
    group = await make_group(
        instance,
        "housing",
        display_name="Affordable Housing",
        description="Regional housing plan",
        visibility="members",
    )
    ids = await posts(
        instance,
        "mayor",
        "Draft of the plan",
        "Comments due Friday",
        visibility="private",
    )
    await add_thread(instance, group, ids)
    await join_by_api(instance, "member", "housing")
    thread = f"/@housing/threads/{ids[0]}"
    async with browser(instance) as http:
        # When a visitor opens its page and the thread's
        public = await http.get("/@housing")
        hidden = await http.get(thread)
    # Then they see what it is about and that it is for members, no thread
    assert public.status == 200
    assert "Regional housing plan" in public.text
    assert "Members only: the threads of this group are shown to its members." in (
        public.text
    )
    assert "Draft of the plan" not in public.text
    assert hidden.status == 403
    assert "Draft of the plan" not in hidden.text
    # And so does a signed-in account that is not a member
    async with await signed_in_client(instance, "outsider") as client:
        outside = await page(client, "/@housing")
        refused = await page(client, thread, status=403)
        unknown = await page(client, "/@housing/threads/12345", status=403)
    assert "Draft of the plan" not in outside
    assert "Join Affordable Housing" in outside
    assert "Draft of the plan" not in refused
    assert "Members only" in unknown
    # When a member opens them
    async with await signed_in_client(instance, "member") as client:
        inside = await page(client, "/@housing")
        read = await page(client, thread)
    # Then the thread is listed and read, though the member follows no author
    assert "Draft of the plan" in inside
    assert "You are a member of this group." in inside
    assert read.index("Draft of the plan") < read.index("Comments due Friday")


async def test_moderators_and_admins_read_a_members_group(instance):
    # Given a members-only group with a thread, its moderator and an admin, who
    # are not members
    await instance.create_account("mayor")
    await instance.create_account("chief")
    await instance.create_account("operator", role="admin")
    group = await make_group(
        instance, "housing", visibility="members", moderators=("chief",)
    )
    ids = await posts(instance, "mayor", "Draft of the plan", visibility="private")
    await add_thread(instance, group, ids)
    for name in ("chief", "operator"):
        async with await signed_in_client(instance, name) as client:
            # When they open the group's page and the thread
            listed = await page(client, "/@housing")
            read = await page(client, f"/@housing/threads/{ids[0]}")
        # Then they read the thread
        assert "Draft of the plan" in listed, name
        assert "Draft of the plan" in read, name


async def test_the_thread_page_shows_posts_in_order_without_removed_ones(instance):
    # Given a locked thread of a root and three replies, one removed
    await instance.create_account("mayor", display_name="Mayor Ruiz")
    group = await make_group(instance, "wildfire", display_name="Wildfire Prep")
    ids = await posts(
        instance,
        "mayor",
        "Which roads close first?",
        "Highway 33 at noon",
        "Buy my generators",
        "Then Creek Road",
    )
    # And a followers-only reply, which a public group shows only to whom it is
    # addressed
    [private] = await posts(instance, "mayor", "Staff only: keys", visibility="private")
    thread = [*ids, private]
    await add_thread(instance, group, thread, removed=[ids[2]], locked=True)
    async with browser(instance) as http:
        # When a visitor opens the thread
        reply = await http.get(f"/@wildfire/threads/{ids[0]}")
        elsewhere = await http.get(f"/@wildfire/threads/{ids[1]}")
    # Then the root comes first, then the replies in order
    assert reply.status == 200
    assert h1(reply.text) == "Thread in Wildfire Prep"
    main = reply.text.split("<main", 1)[1]
    assert (
        main.index("Which roads close first?")
        < main.index("Highway 33 at noon")
        < main.index("Then Creek Road")
    )
    assert "Mayor Ruiz" in main
    # And the removed reply keeps its place without its content
    assert "Buy my generators" not in main
    assert main.count("A moderator removed this post.") == 1
    assert main.index("Highway 33") < main.index("A moderator removed")
    # And the followers-only reply is not shown to the visitor
    assert "Staff only" not in main
    # And the thread says it is locked
    assert "Locked: the moderators closed this thread to new replies." in main
    # And a reply is no thread of its own
    assert elsewhere.status == 404


async def test_a_remote_group_known_here_has_its_page_and_threads(instance):
    # Given a remote public group this instance knows, with a thread, and a
    # resident who is its member
    await instance.create_account("resident")
    async with instance.db.session() as session:
        group = Actor(
            uri="https://league.example/c/wildfire",
            username="wildfire",
            domain="league.example",
            actor_type="Group",
            display_name="League Wildfire",
            summary="<p>The league's <em>wildfire</em> group</p>",
            url="https://league.example/c/wildfire",
            inbox_uri="https://league.example/c/wildfire/inbox",
            followers_count=40,
        )
        session.add(group)
    [root] = await posts(instance, "resident", "The county plan")
    await add_thread(instance, group, [root])
    async with instance.db.session() as session:
        resident = await actor_q.get_local_actor(session, "resident")
        assert resident is not None
        session.add(
            Follow(
                actor_id=resident.id,
                target_id=group.id,
                uri="https://city.example/follows/1",
                state="accepted",
            )
        )
    async with await signed_in_client(instance, "resident") as client:
        # When the member opens the group's page here
        shown = await page(client, "/@wildfire@league.example")
        mine = await page(client, "/groups")
    # Then it shows the group, where it lives, and its thread
    assert "League Wildfire" in shown
    assert "<em>wildfire</em>" in shown
    assert "This group is on league.example." in shown
    assert "40 members" in shown
    assert "The county plan" in shown
    assert "/@wildfire@league.example/threads/" in shown
    # And it is among the resident's groups, not in this server's directory
    yours, listed = mine.split("Groups on this server", 1)
    assert "League Wildfire" in yours
    assert "League Wildfire" not in listed
