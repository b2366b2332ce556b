"""Who may change Noko teams from Slack, and why not."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.services.people import SlackProfile, user_by_email
from noko_core import User

MANAGER_ROLES = frozenset({"supervisor", "leader"})


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str


def authorize_change(
    actor: SlackProfile | None,
    *,
    bot_admins: frozenset[str],
    noko_users: Sequence[User],
) -> Decision:
    """Reading is open; changing teams needs one of the grants below (checked cheapest first).

    ``bot_admins`` (NOKO_BOT_ADMINS) may list Slack user ids or e-mail addresses.
    """
    if actor is None:
        return Decision(False, "I couldn't look you up in Slack, so I can't check your rights.")
    admins = {a.lower() for a in bot_admins}
    if actor.is_admin or actor.is_owner:
        return Decision(True, "Slack workspace admin")
    if actor.user_id.lower() in admins or (actor.email or "").lower() in admins:
        return Decision(True, "listed in NOKO_BOT_ADMINS")
    noko_user = user_by_email(noko_users, actor.email)
    if noko_user is not None and noko_user.get("role") in MANAGER_ROLES:
        return Decision(True, f"Noko {noko_user['role']}")
    if noko_user is None:
        why = "your Slack e-mail matches no Noko user"
    else:
        why = f"your Noko role is {noko_user.get('role') or 'unknown'}"
    return Decision(
        False,
        "Only Slack workspace admins, bot admins and Noko supervisors or leaders may do that, "
        f"and {why}.",
    )
