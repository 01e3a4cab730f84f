"""Endorsements (accounts featured on one's profile) and private account notes.

Mastodon's rules: only an account one follows may be endorsed, endorsing twice
changes nothing, and an endorsement ends with the follow. A note is private to its
writer; an empty comment removes it.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Unprocessable
from fedcity.i18n import N_
from fedcity.services.limits import MAX_ACCOUNT_NOTE, check_length
from fedcity.storage.models import AccountNote, Actor, Endorsement
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import profiles as q

NOT_FOLLOWING = N_(
    "Validation failed: You must be already following the person you want to endorse"
)


async def endorse(session: AsyncSession, actor: Actor, target: Actor) -> None:
    """Feature `target` on `actor`'s profile.

    Raises:
        Unprocessable: `actor` does not follow `target` (an accepted follow).
    """
    if not await actor_q.is_follower(session, actor.id, target.id):
        raise Unprocessable(NOT_FOLLOWING)
    if await q.get_endorsement(session, actor.id, target.id) is None:
        session.add(Endorsement(actor_id=actor.id, target_id=target.id))
        await session.flush()


async def unendorse(session: AsyncSession, actor: Actor, target: Actor) -> None:
    await drop_endorsement(session, actor.id, target.id)


async def drop_endorsement(
    session: AsyncSession, actor_id: int, target_id: int
) -> None:
    """Called when a follow ends too: an endorsement needs the follow."""
    await session.execute(
        delete(Endorsement).where(
            Endorsement.actor_id == actor_id, Endorsement.target_id == target_id
        )
    )


async def set_note(
    session: AsyncSession, actor: Actor, target: Actor, comment: str
) -> None:
    """Keep `comment` about `target`; a blank comment removes the note.

    Raises:
        Unprocessable: the comment is longer than Mastodon allows.
    """
    row = await q.get_account_note(session, actor.id, target.id)
    if not comment.strip():
        if row is not None:
            await session.delete(row)
            await session.flush()
        return
    check_length(N_("Comment"), comment, MAX_ACCOUNT_NOTE)
    if row is None:
        session.add(
            AccountNote(actor_id=actor.id, target_id=target.id, comment=comment)
        )
    else:
        row.comment = comment
    await session.flush()
