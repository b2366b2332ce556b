"""Changing Noko teams: inputs cleaned, every attempt audited before it is made and completed after.

An attempt ends ``ok``, ``failed``, ``denied`` or ``unknown``: Noko may have made a change whose
answer never arrived, and then the outcome says so instead of claiming a failure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.errors import BotError, MembersNotFoundError, NotAllowedError, safe
from bot.services.authz import authorize_change
from bot.services.cache import NokoCache
from bot.services.inputs import clean_member_words, clean_team_name, clean_team_query
from bot.services.people import Directory, resolve_members
from bot.services.teams import find_team
from noko_core import NokoOutcomeUnknownError

_WHAT = {
    "create": "create teams",
    "rename": "rename teams",
    "delete": "delete teams",
    "add": "add people to teams",
    "remove": "remove people from teams",
    "clear": "empty teams",
}


@dataclass(frozen=True)
class ChangeContext:
    """Collaborators of one change, and who asks for it."""

    noko: Any
    repo: Any
    cache: NokoCache
    directory: Directory
    actor_id: str
    bot_admins: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ChangeOutcome:
    """What changed: ``changed`` are the users added/removed, ``unchanged`` those skipped.

    ``result`` is "ok", or "unknown" when Noko got the request but its answer was lost: then
    ``changed`` are the people the change was about and ``team_id`` may be None (a create).
    """

    action: str
    team_id: int | None
    team_name: str
    changed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[dict[str, Any]] = field(default_factory=list)
    old_name: str | None = None
    result: str = "ok"

    @property
    def unknown(self) -> bool:
        return self.result == "unknown"


@dataclass
class _Target:
    """What the audit row names; filled in as the change learns the team and the users."""

    team_name: str
    team_id: int | None = None
    users: list[dict[str, Any]] = field(default_factory=list)
    asked: list[dict[str, Any]] = field(default_factory=list)  # whom the Noko request is about
    new_name: str | None = None  # a rename's new name, once checked

    def point_at(self, team: dict[str, Any]) -> dict[str, Any]:
        self.team_id, self.team_name = int(team["id"]), str(team["name"])
        return team

    @property
    def user_ids(self) -> list[int]:
        return [int(u["id"]) for u in self.users]

    @property
    def audit_name(self) -> str:
        return self.team_name if self.new_name is None else f"{self.team_name} -> {self.new_name}"

    def unknown_outcome(self, action: str) -> ChangeOutcome:
        if self.new_name is not None:
            return ChangeOutcome(
                action, self.team_id, self.new_name, old_name=self.team_name, result="unknown"
            )
        return ChangeOutcome(action, self.team_id, self.team_name, self.asked, result="unknown")


def check_allowed(ctx: ChangeContext, action: str, target: str) -> None:
    """Refuse early (audited) before showing a confirmation the user could not use anyway."""
    query = clean_team_query(target)
    try:
        _authorize(ctx, action)
    except NotAllowedError as error:
        _record(ctx, action, query, "denied", error.reason)
        raise
    except Exception as error:
        _record(ctx, action, query, "failed", _describe(error))
        raise


def _record(ctx: ChangeContext, action: str, name: str, result: str, detail: str | None) -> None:
    ctx.repo.record_audit(
        slack_user_id=ctx.actor_id, action=action, team_id=None, team_name=name,
        noko_user_ids=[], result=result, detail=detail,
    )  # fmt: skip


def _authorize(ctx: ChangeContext, action: str) -> None:
    actor = ctx.directory.profile(ctx.actor_id)
    needs_noko = actor is not None and not (actor.is_admin or actor.is_owner)
    decision = authorize_change(
        actor, bot_admins=ctx.bot_admins, noko_users=ctx.cache.users() if needs_noko else []
    )
    if not decision.allowed:
        message = f"Sorry, you can't {_WHAT[action]}. {decision.reason}"
        raise NotAllowedError(message, reason=decision.reason)


def _attempt(
    ctx: ChangeContext, action: str, target: str, work: Callable[[_Target], ChangeOutcome]
) -> ChangeOutcome:
    """Audit ``work`` as pending before anything is asked of Noko, then complete the row."""
    audit = _Target(target)
    audit_id = ctx.repo.begin_audit(slack_user_id=ctx.actor_id, action=action, team_name=target)
    try:
        _authorize(ctx, action)
        outcome = work(audit)
    except NotAllowedError as error:
        _finish(ctx, audit_id, audit, "denied", error.reason)
        raise
    except NokoOutcomeUnknownError as error:
        _finish(ctx, audit_id, audit, "unknown", _describe(error))
        return audit.unknown_outcome(action)
    except Exception as error:
        _finish(ctx, audit_id, audit, "failed", _describe(error))
        raise
    finally:
        # Even a failed change may have half-happened in Noko: never trust the cache after one.
        ctx.cache.invalidate_teams()
    _finish(ctx, audit_id, audit, "ok", None)
    return outcome


def _finish(
    ctx: ChangeContext, audit_id: int, target: _Target, result: str, detail: str | None
) -> None:
    ctx.repo.finish_audit(
        audit_id, result=result, team_id=target.team_id, team_name=target.audit_name,
        noko_user_ids=target.user_ids, detail=detail,
    )  # fmt: skip


def _describe(error: Exception) -> str:
    text = getattr(error, "user_message", None) or str(error)
    return f"{type(error).__name__}: {text}"[:500]


def _members(ctx: ChangeContext, words: Sequence[str], target: _Target) -> list[dict[str, Any]]:
    resolution = resolve_members(words, ctx.cache.users(), ctx.directory)
    target.users = list(resolution.users)
    if resolution.problems:
        raise MembersNotFoundError(resolution.problems)
    return resolution.users


def _fresh_team(ctx: ChangeContext, query: str, target: _Target) -> dict[str, Any]:
    # Re-read the team: the cache may be a minute old and a 404 here means "not found".
    team = target.point_at(find_team(ctx.cache, query))
    return target.point_at(ctx.noko.get_single_team(int(team["id"])))


def _check_unique(ctx: ChangeContext, name: str, *, except_id: int | None = None) -> str:
    clash = [
        t
        for t in ctx.cache.teams()
        if str(t["name"]).casefold() == name.casefold() and int(t["id"]) != except_id
    ]
    if clash:
        raise BotError(f"There is already a team called *{safe(str(clash[0]['name']))}*.")
    return name


def create_team(ctx: ChangeContext, name: str, member_words: Sequence[str]) -> ChangeOutcome:
    clean, words = clean_team_name(name), clean_member_words(member_words)

    def work(target: _Target) -> ChangeOutcome:
        _check_unique(ctx, clean)
        target.asked = users = _members(ctx, words, target)
        team = target.point_at(ctx.noko.create_team(name=clean, user_ids=target.user_ids))
        return ChangeOutcome("create", int(team["id"]), str(team["name"]), users)

    return _attempt(ctx, "create", clean, work)


def rename_team(ctx: ChangeContext, query: str, new_name: str) -> ChangeOutcome:
    query, clean = clean_team_query(query), clean_team_name(new_name)

    def work(target: _Target) -> ChangeOutcome:
        team = _fresh_team(ctx, query, target)
        target.new_name = _check_unique(ctx, clean, except_id=int(team["id"]))
        renamed = ctx.noko.edit_team(int(team["id"]), clean) or {"name": clean}
        target.new_name = str(renamed["name"])
        return ChangeOutcome(
            "rename", int(team["id"]), str(renamed["name"]), old_name=str(team["name"])
        )

    return _attempt(ctx, "rename", query, work)


def delete_team(ctx: ChangeContext, query: str) -> ChangeOutcome:
    query = clean_team_query(query)

    def work(target: _Target) -> ChangeOutcome:
        team = _fresh_team(ctx, query, target)
        target.users = target.asked = list(team.get("users") or [])
        ctx.noko.delete_team(int(team["id"]))
        return ChangeOutcome("delete", int(team["id"]), str(team["name"]), [], target.users)

    return _attempt(ctx, "delete", query, work)


def clear_team(ctx: ChangeContext, query: str) -> ChangeOutcome:
    query = clean_team_query(query)

    def work(target: _Target) -> ChangeOutcome:
        team = _fresh_team(ctx, query, target)
        target.users = target.asked = list(team.get("users") or [])
        ctx.noko.remove_all_users_from_team(int(team["id"]))
        return ChangeOutcome("clear", int(team["id"]), str(team["name"]), target.users)

    return _attempt(ctx, "clear", query, work)


def add_members(ctx: ChangeContext, query: str, member_words: Sequence[str]) -> ChangeOutcome:
    query, words = clean_team_query(query), clean_member_words(member_words)

    def work(target: _Target) -> ChangeOutcome:
        team = _fresh_team(ctx, query, target)
        users = _members(ctx, words, target)
        present = {int(u["id"]) for u in team.get("users") or []}
        target.asked = new = [u for u in users if int(u["id"]) not in present]
        if new:
            ctx.noko.add_users_to_team(int(team["id"]), [int(u["id"]) for u in new])
        old = [u for u in users if int(u["id"]) in present]
        return ChangeOutcome("add", int(team["id"]), str(team["name"]), new, old)

    return _attempt(ctx, "add", query, work)


def remove_members(ctx: ChangeContext, query: str, member_words: Sequence[str]) -> ChangeOutcome:
    query, words = clean_team_query(query), clean_member_words(member_words)

    def work(target: _Target) -> ChangeOutcome:
        team = _fresh_team(ctx, query, target)
        users = _members(ctx, words, target)
        present = {int(u["id"]) for u in team.get("users") or []}
        target.asked = gone = [u for u in users if int(u["id"]) in present]
        if gone:
            ctx.noko.remove_users_from_team(int(team["id"]), [int(u["id"]) for u in gone])
        absent = [u for u in users if int(u["id"]) not in present]
        return ChangeOutcome("remove", int(team["id"]), str(team["name"]), gone, absent)

    return _attempt(ctx, "remove", query, work)
