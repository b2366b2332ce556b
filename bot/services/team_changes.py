"""Changing Noko teams: every attempt is authorized, audited, and refreshes the cache."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.errors import BotError, MembersNotFoundError, NotAllowedError, safe
from bot.services.authz import authorize_change
from bot.services.cache import NokoCache
from bot.services.people import Directory, resolve_members
from bot.services.teams import find_team

MAX_TEAM_NAME = 100
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
    """What changed: ``changed`` are the users added/removed, ``unchanged`` those skipped."""

    action: str
    team_id: int
    team_name: str
    changed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[dict[str, Any]] = field(default_factory=list)
    old_name: str | None = None


@dataclass
class _Target:
    """What the audit row names; filled in as the change learns the team and the users."""

    team_name: str
    team_id: int | None = None
    user_ids: list[int] = field(default_factory=list)

    def point_at(self, team: dict[str, Any]) -> dict[str, Any]:
        self.team_id, self.team_name = int(team["id"]), str(team["name"])
        return team


def check_allowed(ctx: ChangeContext, action: str, target: str) -> None:
    """Refuse early (audited) before showing a confirmation the user could not use anyway."""
    _authorize(ctx, action, _Target(target))


def _authorize(ctx: ChangeContext, action: str, target: _Target) -> None:
    try:
        actor = ctx.directory.profile(ctx.actor_id)
        needs_noko = actor is not None and not (actor.is_admin or actor.is_owner)
        decision = authorize_change(
            actor, bot_admins=ctx.bot_admins, noko_users=ctx.cache.users() if needs_noko else []
        )
    except Exception as error:
        _record(ctx, action, target, "failed", _describe(error))
        raise
    if not decision.allowed:
        _record(ctx, action, target, "denied", decision.reason)
        raise NotAllowedError(f"Sorry, you can't {_WHAT[action]}. {decision.reason}")


def _attempt(
    ctx: ChangeContext, action: str, target: str, work: Callable[[_Target], ChangeOutcome]
) -> ChangeOutcome:
    audit = _Target(target)
    _authorize(ctx, action, audit)
    try:
        outcome = work(audit)
    except Exception as error:
        _record(ctx, action, audit, "failed", _describe(error))
        raise
    finally:
        # Even a failed change may have half-happened in Noko: never trust the cache after one.
        ctx.cache.invalidate_teams()
    _record(ctx, action, audit, "ok", None)
    return outcome


def _record(ctx: ChangeContext, action: str, target: _Target, result: str, detail: str | None):
    ctx.repo.record_audit(
        slack_user_id=ctx.actor_id,
        action=action,
        team_id=target.team_id,
        team_name=target.team_name,
        noko_user_ids=list(target.user_ids),
        result=result,
        detail=detail,
    )


def _describe(error: Exception) -> str:
    text = getattr(error, "user_message", None) or str(error)
    return f"{type(error).__name__}: {text}"[:500]


def _members(ctx: ChangeContext, words: Sequence[str], target: _Target) -> list[dict[str, Any]]:
    resolution = resolve_members(words, ctx.cache.users(), ctx.directory)
    target.user_ids = [int(u["id"]) for u in resolution.users]
    if resolution.problems:
        raise MembersNotFoundError(resolution.problems)
    return resolution.users


def _fresh_team(ctx: ChangeContext, query: str, target: _Target) -> dict[str, Any]:
    # Re-read the team: the cache may be a minute old and a 404 here means "not found".
    team = target.point_at(find_team(ctx.cache, query))
    return target.point_at(ctx.noko.get_single_team(int(team["id"])))


def _check_name(ctx: ChangeContext, name: str, *, except_id: int | None = None) -> str:
    name = " ".join(name.split())
    if not name or len(name) > MAX_TEAM_NAME:
        raise BotError(f"A team name needs 1 to {MAX_TEAM_NAME} characters.")
    clash = [
        t
        for t in ctx.cache.teams()
        if str(t["name"]).casefold() == name.casefold() and int(t["id"]) != except_id
    ]
    if clash:
        raise BotError(f"There is already a team called *{safe(str(clash[0]['name']))}*.")
    return name


def create_team(ctx: ChangeContext, name: str, member_words: Sequence[str]) -> ChangeOutcome:
    def work(target: _Target) -> ChangeOutcome:
        clean = _check_name(ctx, name)
        users = _members(ctx, member_words, target)
        team = target.point_at(ctx.noko.create_team(name=clean, user_ids=target.user_ids))
        return ChangeOutcome("create", int(team["id"]), str(team["name"]), users)

    return _attempt(ctx, "create", name, work)


def rename_team(ctx: ChangeContext, query: str, new_name: str) -> ChangeOutcome:
    def work(target: _Target) -> ChangeOutcome:
        team = _fresh_team(ctx, query, target)
        clean = _check_name(ctx, new_name, except_id=int(team["id"]))
        renamed = ctx.noko.edit_team(int(team["id"]), clean) or {"name": clean}
        target.team_name = f"{team['name']} -> {renamed['name']}"
        return ChangeOutcome(
            "rename", int(team["id"]), str(renamed["name"]), old_name=str(team["name"])
        )

    return _attempt(ctx, "rename", query, work)


def delete_team(ctx: ChangeContext, query: str) -> ChangeOutcome:
    def work(target: _Target) -> ChangeOutcome:
        team = _fresh_team(ctx, query, target)
        target.user_ids = [int(u["id"]) for u in team.get("users") or []]
        ctx.noko.delete_team(int(team["id"]))
        return ChangeOutcome("delete", int(team["id"]), str(team["name"]), [], team["users"])

    return _attempt(ctx, "delete", query, work)


def clear_team(ctx: ChangeContext, query: str) -> ChangeOutcome:
    def work(target: _Target) -> ChangeOutcome:
        team = _fresh_team(ctx, query, target)
        members = list(team.get("users") or [])
        target.user_ids = [int(u["id"]) for u in members]
        ctx.noko.remove_all_users_from_team(int(team["id"]))
        return ChangeOutcome("clear", int(team["id"]), str(team["name"]), members)

    return _attempt(ctx, "clear", query, work)


def add_members(ctx: ChangeContext, query: str, member_words: Sequence[str]) -> ChangeOutcome:
    def work(target: _Target) -> ChangeOutcome:
        team = _fresh_team(ctx, query, target)
        users = _members(ctx, member_words, target)
        present = {int(u["id"]) for u in team.get("users") or []}
        new = [u for u in users if int(u["id"]) not in present]
        if new:
            ctx.noko.add_users_to_team(int(team["id"]), [int(u["id"]) for u in new])
        old = [u for u in users if int(u["id"]) in present]
        return ChangeOutcome("add", int(team["id"]), str(team["name"]), new, old)

    return _attempt(ctx, "add", query, work)


def remove_members(ctx: ChangeContext, query: str, member_words: Sequence[str]) -> ChangeOutcome:
    def work(target: _Target) -> ChangeOutcome:
        team = _fresh_team(ctx, query, target)
        users = _members(ctx, member_words, target)
        present = {int(u["id"]) for u in team.get("users") or []}
        gone = [u for u in users if int(u["id"]) in present]
        if gone:
            ctx.noko.remove_users_from_team(int(team["id"]), [int(u["id"]) for u in gone])
        absent = [u for u in users if int(u["id"]) not in present]
        return ChangeOutcome("remove", int(team["id"]), str(team["name"]), gone, absent)

    return _attempt(ctx, "remove", query, work)
