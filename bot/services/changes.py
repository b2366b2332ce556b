"""Guarding a change: who may make it, and the audit row every attempt leaves.

An attempt is recorded ``pending`` before anything is asked of Noko or the database, then
finished ``ok``, ``failed``, ``denied`` or ``unknown`` (Noko may have made a change whose answer
never arrived: then the row says so instead of claiming a failure). Team changes and digest
subscriptions both go through ``guarded``; announcing the change is the edge's one
``announce_change``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from bot.errors import NotAllowedError
from bot.services.access import NotVisibleError, ReadAccess, Reader, Sight
from bot.services.authz import authorize_change
from bot.services.cache import NokoCache
from bot.services.people import Directory
from bot.services.reads import NokoReads
from bot.storage import Repository
from noko_core import NokoClient, NokoOutcomeUnknownError

T = TypeVar("T")

# What each action lets someone do, as a refusal says it: "Sorry, you can't <what>."
ACTIONS = {
    "create": "create teams",
    "rename": "rename teams",
    "delete": "delete teams",
    "add": "add people to teams",
    "remove": "remove people from teams",
    "clear": "empty teams",
    "subscribe": "subscribe channels to digests",
    "unsubscribe": "unsubscribe channels from digests",
    "pause": "pause digests",
    "resume": "resume digests",
    "holidays": "change the holiday list",
}


@dataclass(frozen=True)
class ChangeContext:
    """Collaborators of one change, and who asks for it."""

    noko: NokoClient  # for writes; every read goes through ``reads``
    repo: Repository
    cache: NokoCache  # live reads' cache: distrusted after a change that may have half-happened
    reads: NokoReads
    directory: Directory
    actor_id: str
    bot_admins: frozenset[str] = frozenset()
    read_access: ReadAccess = "noko"

    @property
    def reader(self) -> Reader:
        """Whose time people may read (READ_ACCESS), looked up like rights: through the reads."""
        return Reader(self.reads, self.directory, self.read_access)

    def actor_sight(self) -> Sight:
        """Whose time the actor may read (their Noko level, or READ_ACCESS=everyone)."""
        return self.reader.sight(self.actor_id)


@dataclass
class AuditTarget:
    """What the audit row names; the change fills it in as it learns the team and people."""

    team_name: str
    team_id: int | None = None
    user_ids: list[int] = field(default_factory=list)
    detail: str | None = None  # what a successful attempt's row adds

    @property
    def audit_name(self) -> str:
        return self.team_name


def authorize(ctx: ChangeContext, action: str) -> None:
    """Raise NotAllowedError (its ``reason`` for the audit) unless the actor may ``action``."""
    actor = ctx.directory.profile(ctx.actor_id)
    needs_noko = actor is not None and not (actor.is_admin or actor.is_owner)
    decision = authorize_change(
        actor, bot_admins=ctx.bot_admins, noko_users=ctx.reads.users() if needs_noko else []
    )
    if not decision.allowed:
        message = f"Sorry, you can't {ACTIONS[action]}. {decision.reason}"
        raise NotAllowedError(message, reason=decision.reason)


def may(ctx: ChangeContext, action: str) -> bool:
    """Whether the actor may ``action``: for showing or hiding a button, never for acting."""
    try:
        authorize(ctx, action)
    except NotAllowedError:
        return False
    return True


def require_membership_reading(ctx: ChangeContext) -> None:
    """Team membership is for anyone with an active Noko user (READ_ACCESS=everyone: anyone)
    and for anyone who may change teams; others get NotVisibleError (see bot.services.access)."""
    sight = ctx.actor_sight()
    if sight.level != "none" or may(ctx, "add"):
        return
    raise NotVisibleError(
        f"I can show you team names (`/noko-team list`) but not who is in them: {sight.why}."
    )


def refuse_early(ctx: ChangeContext, action: str, target: str) -> None:
    """Refuse (audited) before showing a form or confirmation the actor could not use."""
    try:
        authorize(ctx, action)
    except NotAllowedError as error:
        _record(ctx, action, target, "denied", error.reason)
        raise
    except Exception as error:
        _record(ctx, action, target, "failed", describe(error))
        raise


def guarded(
    ctx: ChangeContext,
    action: str,
    target: AuditTarget,
    work: Callable[[], T],
    *,
    if_unknown: Callable[[], T] | None = None,
    finally_: Callable[[], None] | None = None,
) -> T:
    """Audit ``work`` as pending, authorize, run it, and finish the row with its outcome.
    An unknown Noko outcome returns ``if_unknown()`` when given (else it is raised)."""
    audit_id = ctx.repo.begin_audit(
        slack_user_id=ctx.actor_id, action=action, team_name=target.audit_name
    )
    try:
        authorize(ctx, action)
        outcome = work()
    except NotAllowedError as error:
        _finish(ctx, audit_id, target, "denied", error.reason)
        raise
    except NokoOutcomeUnknownError as error:
        _finish(ctx, audit_id, target, "unknown", describe(error))
        if if_unknown is None:
            raise
        return if_unknown()
    except Exception as error:
        _finish(ctx, audit_id, target, "failed", describe(error))
        raise
    finally:
        if finally_ is not None:
            finally_()
    _finish(ctx, audit_id, target, "ok", target.detail)
    return outcome


def describe(error: Exception) -> str:
    text = getattr(error, "user_message", None) or str(error)
    return f"{type(error).__name__}: {text}"[:500]


def _record(ctx: ChangeContext, action: str, name: str, result: str, detail: str | None) -> None:
    ctx.repo.record_audit(
        slack_user_id=ctx.actor_id,
        action=action,
        team_id=None,
        team_name=name,
        noko_user_ids=[],
        result=result,
        detail=detail,
    )


def _finish(
    ctx: ChangeContext, audit_id: int, target: AuditTarget, result: str, detail: str | None
) -> None:
    ctx.repo.finish_audit(
        audit_id,
        result=result,
        team_id=target.team_id,
        team_name=target.audit_name,
        noko_user_ids=target.user_ids,
        detail=detail,
    )
