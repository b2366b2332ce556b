"""Changing Noko teams: inputs cleaned, then each change guarded (authorized and audited)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import cast

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.errors import BotError, MembersNotFoundError, TeamNotFoundError, safe
from bot.services.changes import AuditTarget, ChangeContext, guarded, refuse_early
from bot.services.inputs import clean_member_words, clean_team_name, clean_team_query
from bot.services.people import names_of, resolve_members
from bot.services.teams import find_team
from noko_core import NokoNotFoundError, SimpleUser, Team, User

__all__ = ["ChangeContext", "ChangeOutcome", "TeamRef", "check_allowed"]


@dataclass(frozen=True)
class TeamRef:
    """A team named by its Noko id (a button, an Undo): never looked up by name, so a team
    deleted meanwhile is "not found" rather than another team that happens to match."""

    id: int
    name: str


# What a person typed (found by ``find_team``), or a team known by id.
TeamQuery = str | TeamRef


@dataclass(frozen=True)
class ChangeOutcome:
    """What changed: ``changed`` are the users added/removed, ``unchanged`` those skipped.

    ``result`` is "ok", or "unknown" when Noko got the request but its answer was lost: then
    ``changed`` are the people the change was about and ``team_id`` may be None (a create).
    """

    action: str
    team_id: int | None
    team_name: str
    changed: Sequence[SimpleUser] = field(default_factory=list)
    unchanged: Sequence[SimpleUser] = field(default_factory=list)
    old_name: str | None = None
    result: str = "ok"

    @property
    def unknown(self) -> bool:
        return self.result == "unknown"


@dataclass
class _Target(AuditTarget):
    """The audit row of a team change, and whom the Noko request is about."""

    users: Sequence[SimpleUser] = field(default_factory=list)
    asked: Sequence[SimpleUser] = field(default_factory=list)
    new_name: str | None = None  # a rename's new name, once checked
    # What Noko confirmed, for the reads to show at once (None: nothing made for sure).
    made: Callable[[], None] | None = None

    def point_at(self, team: Team) -> Team:
        self.team_id, self.team_name = team["id"], team["name"]
        return team

    def people(self, users: Sequence[SimpleUser]) -> None:
        self.users = users
        self.user_ids = [u["id"] for u in users]

    @property
    def audit_name(self) -> str:
        return self.team_name if self.new_name is None else f"{self.team_name} -> {self.new_name}"

    def unknown_outcome(self, action: str) -> ChangeOutcome:
        if self.new_name is not None:
            return ChangeOutcome(
                action, self.team_id, self.new_name, old_name=self.team_name, result="unknown"
            )
        return ChangeOutcome(action, self.team_id, self.team_name, self.asked, result="unknown")


def _clean(query: TeamQuery) -> TeamQuery:
    return query if isinstance(query, TeamRef) else clean_team_query(query)


def _name(query: TeamQuery) -> str:
    return query.name if isinstance(query, TeamRef) else query


def check_allowed(ctx: ChangeContext, action: str, target: str) -> None:
    """Refuse early (audited) before showing a confirmation the user could not use anyway."""
    refuse_early(ctx, action, clean_team_query(target))


def _attempt(
    ctx: ChangeContext, action: str, target: TeamQuery, work: Callable[[_Target], ChangeOutcome]
) -> ChangeOutcome:
    audit = _Target(_name(target))

    def settle() -> None:
        if audit.made is not None:
            audit.made()  # the reads learn the change Noko confirmed, with no read
        else:
            # Even a failed change may have half-happened in Noko: never trust the cache after one.
            ctx.cache.invalidate_teams()

    return guarded(
        ctx,
        action,
        audit,
        lambda: work(audit),
        if_unknown=lambda: audit.unknown_outcome(action),
        finally_=settle,
    )


def _changed(ctx: ChangeContext, target: _Target, team: Team) -> None:
    target.made = lambda: ctx.reads.team_changed(team)


def _members(ctx: ChangeContext, words: Sequence[str], target: _Target) -> list[User]:
    resolution = resolve_members(words, ctx.reads.users(), ctx.directory)
    target.people(resolution.users)
    if resolution.problems:
        raise MembersNotFoundError(resolution.problems)
    return resolution.users


def _fresh_team(ctx: ChangeContext, query: TeamQuery, target: _Target) -> Team:
    # Re-read the team: the list may be a minute old and a 404 here means "not found".
    if isinstance(query, TeamRef):
        try:
            return target.point_at(ctx.reads.team(query.id))
        except NokoNotFoundError:
            raise TeamNotFoundError(query.name) from None
    team = target.point_at(find_team(ctx.reads, query))
    return target.point_at(ctx.reads.team(team["id"]))


def _check_unique(ctx: ChangeContext, name: str, *, except_id: int | None = None) -> str:
    clash = [
        t
        for t in ctx.reads.teams()
        if t["name"].casefold() == name.casefold() and t["id"] != except_id
    ]
    if clash:
        raise BotError(f"There is already a team called *{safe(clash[0]['name'])}*.")
    return name


def create_team(ctx: ChangeContext, name: str, member_words: Sequence[str]) -> ChangeOutcome:
    clean, words = clean_team_name(name), clean_member_words(member_words)

    def work(target: _Target) -> ChangeOutcome:
        _check_unique(ctx, clean)
        target.asked = users = _members(ctx, words, target)
        team = target.point_at(ctx.noko.create_team(name=clean, user_ids=target.user_ids))
        _changed(ctx, target, team)
        return ChangeOutcome("create", team["id"], team["name"], users)

    return _attempt(ctx, "create", clean, work)


class RenamePlan(BaseModel):
    """A rename as the confirmation shows it (the team found, its checked new name), and as
    its Rename button carries it."""

    model_config = ConfigDict(frozen=True)

    team_id: int
    old_name: str
    new_name: str

    @property
    def team(self) -> TeamRef:
        return TeamRef(self.team_id, self.old_name)

    def dump(self) -> str:
        return self.model_dump_json()

    @classmethod
    def parse(cls, value: str) -> RenamePlan:
        try:
            return cls.model_validate_json(value)
        except ValidationError:
            raise BotError("That Rename button is broken; use the `rename` command.") from None


def plan_rename(ctx: ChangeContext, query: str, new_name: str) -> RenamePlan:
    """The team and new name a rename would use, checked but not made (for the confirmation)."""
    clean = clean_team_name(new_name)
    team = find_team(ctx.reads, query)
    checked = _check_unique(ctx, clean, except_id=team["id"])
    return RenamePlan(team_id=team["id"], old_name=team["name"], new_name=checked)


def rename_team(ctx: ChangeContext, query: TeamQuery, new_name: str) -> ChangeOutcome:
    query, clean = _clean(query), clean_team_name(new_name)

    def work(target: _Target) -> ChangeOutcome:
        team = _fresh_team(ctx, query, target)
        if isinstance(query, TeamRef) and team["name"] != query.name:
            # A button renames the team as it showed it, not one renamed since.
            raise BotError(
                f"Nothing was renamed: *{safe(query.name)}* has been renamed "
                f"*{safe(team['name'])}* since."
            )
        target.new_name = _check_unique(ctx, clean, except_id=team["id"])
        renamed = ctx.noko.edit_team(team["id"], clean)
        target.new_name = renamed["name"] if renamed else clean
        _changed(ctx, target, renamed or {**team, "name": clean})
        return ChangeOutcome("rename", team["id"], target.new_name, old_name=team["name"])

    return _attempt(ctx, "rename", query, work)


def delete_team(ctx: ChangeContext, query: TeamQuery) -> ChangeOutcome:
    """Delete the team; its people stay in Noko (the outcome lists them as unchanged)."""
    return _whole_team(ctx, "delete", query)


def delete_created_team(
    ctx: ChangeContext, team: TeamRef, members: Collection[int]
) -> ChangeOutcome:
    """Undo a create: delete the team only while it is as it was created (its name and
    ``members``); otherwise nothing is deleted and the refusal (audited) says what changed."""
    return _whole_team(ctx, "delete", team, as_created=frozenset(members))


def clear_team(ctx: ChangeContext, query: TeamQuery) -> ChangeOutcome:
    """Remove everyone from the team (the outcome lists them as changed)."""
    return _whole_team(ctx, "clear", query)


def _whole_team(
    ctx: ChangeContext, action: str, query: TeamQuery, as_created: frozenset[int] | None = None
) -> ChangeOutcome:
    query = _clean(query)

    def work(target: _Target) -> ChangeOutcome:
        team = _fresh_team(ctx, query, target)
        if as_created is not None:
            _check_as_created(team, _name(query), as_created)
        target.people(team["users"])
        target.asked = team["users"]
        if action == "delete":
            ctx.noko.delete_team(team["id"])
            target.made = lambda: ctx.reads.team_deleted(team["id"])
            return ChangeOutcome(action, team["id"], team["name"], [], team["users"])
        ctx.noko.remove_all_users_from_team(team["id"])
        _changed(ctx, target, {**team, "users": []})
        return ChangeOutcome(action, team["id"], team["name"], team["users"])

    return _attempt(ctx, action, query, work)


def _check_as_created(team: Team, name: str, members: frozenset[int]) -> None:
    now = {u["id"] for u in team["users"]}
    changes = [f"renamed to *{safe(team['name'])}*"] if team["name"] != name else []
    added = [u for u in team["users"] if u["id"] not in members]
    if added:
        changes.append(f"{safe(names_of(added))} added")
    if members - now:
        gone = len(members - now)
        changes.append(f"{gone} {'person' if gone == 1 else 'people'} removed")
    if changes:
        raise BotError(
            f"Not undone: *{safe(name)}* has changed since it was created "
            f"({'; '.join(changes)}), so I left it. Use the `delete` command if it should go."
        )


def add_members(ctx: ChangeContext, query: TeamQuery, member_words: Sequence[str]) -> ChangeOutcome:
    return _membership(ctx, "add", query, member_words)


def remove_members(
    ctx: ChangeContext, query: TeamQuery, member_words: Sequence[str]
) -> ChangeOutcome:
    return _membership(ctx, "remove", query, member_words)


def _membership(
    ctx: ChangeContext, action: str, query: TeamQuery, member_words: Sequence[str]
) -> ChangeOutcome:
    """Add or remove people; those already in (add) or not in (remove) the team are skipped."""
    query, words = _clean(query), clean_member_words(member_words)

    def work(target: _Target) -> ChangeOutcome:
        team = _fresh_team(ctx, query, target)
        users = _members(ctx, words, target)
        present = {u["id"] for u in team["users"]}
        inside = [u for u in users if u["id"] in present]
        outside = [u for u in users if u["id"] not in present]
        asked, skipped = (outside, inside) if action == "add" else (inside, outside)
        target.asked = asked
        if asked:
            change = (
                ctx.noko.add_users_to_team if action == "add" else ctx.noko.remove_users_from_team
            )
            change(team["id"], [u["id"] for u in asked])
            gone = {u["id"] for u in asked} if action == "remove" else set()
            kept = [u for u in team["users"] if u["id"] not in gone]
            added = [_simple(u) for u in asked] if action == "add" else []
            _changed(ctx, target, {**team, "users": [*kept, *added]})
        return ChangeOutcome(action, team["id"], team["name"], asked, skipped)

    return _attempt(ctx, action, query, work)


def _simple(user: User) -> SimpleUser:
    """The short user record a team lists, from a full one."""
    keys = ("id", "email", "first_name", "last_name", "profile_image_url", "url")
    return cast(SimpleUser, {k: user[k] for k in keys if k in user})  # type: ignore[literal-required]
