"""Undo: a change (add, remove, rename, create) can be undone for ``UNDO_FOR`` by its inverse
(remove, add, rename back, delete).

The undo is an ordinary change made by whoever clicks: authorized and audited through
``changes.guarded`` like any other, refused (and audited ``denied``) when the clicker may not
make it. What it undoes is stored server-side under an opaque id (the button carries only the
id, so a forged value names nothing) and can be used once. Delete and clear offer no Undo: Noko
cannot give a deleted team back, so they keep their confirmation instead.

Undoing a create deletes the team only while it is exactly as it was created (same id, name
and members); once someone changed it, the Undo refuses and says what changed, and the
``delete`` command (with its confirmation) remains. Renaming back only renames a team that
still has the name the change gave it.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from bot.errors import BotError, TeamNotFoundError, safe
from bot.services import team_changes
from bot.services.changes import ChangeContext, refuse_early
from bot.services.team_changes import ChangeOutcome, TeamRef
from bot.storage import Repository, UndoOffer

logger = logging.getLogger(__name__)

UNDO_FOR = dt.timedelta(minutes=10)
# The change that undoes each action; delete and clear have none.
INVERSE = {"add": "remove", "remove": "add", "rename": "rename", "create": "delete"}

EXPIRED = "Undo has expired: a change can only be undone for 10 minutes."
USED = "That change was already undone."
UNKNOWN = "That Undo button doesn't work any more, so nothing was undone."


def offer_undo(
    repo: Repository, outcome: ChangeOutcome, actor_id: str, now: dt.datetime
) -> str | None:
    """Store the undo of ``outcome`` and return its id for the button; None when there is
    nothing to undo (a change that changed nobody, an unknown outcome, delete and clear)."""
    inverse = INVERSE.get(outcome.action)
    if inverse is None or outcome.unknown or outcome.team_id is None:
        return None
    if outcome.action in ("add", "remove") and not outcome.changed:
        return None
    try:
        offer = repo.offer_undo(
            offer_id=secrets.token_urlsafe(16),
            slack_user_id=actor_id,
            action=inverse,
            team_id=outcome.team_id,
            team_name=outcome.team_name,
            old_name=outcome.old_name,
            noko_user_ids=[u["id"] for u in outcome.changed],
            now=now,
            expires_at=now + UNDO_FOR,
        )
    except Exception:
        # The change is made: a database hiccup here costs the button, not the answer.
        logger.exception("could not store the undo of a %s", outcome.action)
        return None
    return offer.id


def undo_change(ctx: ChangeContext, offer_id: str, now: dt.datetime) -> ChangeOutcome:
    """Make the inverse change of offer ``offer_id`` as ``ctx.actor_id``, once and in time."""
    offer = ctx.repo.get_undo(offer_id[:64])
    if offer is None:
        raise BotError(UNKNOWN)
    if offer.used_at is not None:
        raise BotError(USED)
    if now >= offer.expires_at:
        raise BotError(EXPIRED)
    refuse_early(ctx, offer.action, offer.team_name)
    if not ctx.repo.claim_undo(offer.id, by=ctx.actor_id, now=now):
        raise BotError(USED)  # a second click that came in at the same time
    try:
        return _inverse(ctx, offer)
    except TeamNotFoundError:
        ctx.repo.release_undo(offer.id)
        raise BotError(
            f"Nothing was undone: *{safe(offer.team_name)}* is not in Noko any more."
        ) from None
    except Exception:
        # Nothing changed (an unknown outcome is returned, not raised): the offer stays usable.
        ctx.repo.release_undo(offer.id)
        raise


def _inverse(ctx: ChangeContext, offer: UndoOffer) -> ChangeOutcome:
    team = TeamRef(offer.team_id, offer.team_name)
    people = [str(i) for i in offer.noko_user_ids]
    if offer.action == "remove":
        return team_changes.remove_members(ctx, team, people)
    if offer.action == "add":
        return team_changes.add_members(ctx, team, people)
    if offer.action == "rename":
        return team_changes.rename_team(ctx, team, offer.old_name or "")
    return team_changes.delete_created_team(ctx, team, offer.noko_user_ids)
