"""Subcommands that change teams: create, rename, delete, add, remove, clear."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from bot.blocks.common import Reply
from bot.blocks.teams import confirm_reply, rename_confirm_reply
from bot.errors import UsageError
from bot.listeners.answers import answer_change
from bot.listeners.commands.readings import Readings, readings_at
from bot.listeners.commands.registry import CommandContext, Subcommand
from bot.listeners.commands.subcommands.teams_read import TeamArgs
from bot.listeners.modal_flow import open_modal
from bot.listeners.payloads import ModalKind
from bot.services import team_changes
from bot.services.command_text import email_of, looks_like_member, mention_user_id
from bot.services.numbers import is_ascii_number
from bot.services.team_changes import ChangeOutcome
from bot.services.teams import choose_reading, find_team


class _Args(BaseModel):
    model_config = ConfigDict(frozen=True)


class TeamAndMembers(_Args):
    """``<team> [members]``: the team is the words before the first member-like word."""

    team: str | None = Field(default=None, max_length=200)
    members: tuple[str, ...] = ()

    @classmethod
    def from_words(cls, words: Sequence[str]) -> TeamAndMembers:
        if not words:
            return cls()
        cut = _member_cut(words)
        return cls._cut(words[:cut], words[cut:])

    @classmethod
    def readings(cls, words: Sequence[str]) -> Readings[TeamAndMembers]:
        """The usual reading, and, when Noko user ids follow the team's words, each reading
        that counts some of them into the team's name ("Q3 2026")."""
        if not words:
            return readings_at(words, [0], cls._cut)
        cuts = [_member_cut(words)]
        while cuts[-1] < len(words) and is_ascii_number(words[cuts[-1]]):
            cuts.append(cuts[-1] + 1)
        return readings_at(words, cuts, cls._cut)

    @classmethod
    def _cut(cls, team: Sequence[str], members: Sequence[str]) -> TeamAndMembers:
        return cls(team=" ".join(team) or None, members=tuple(members))


def _member_cut(words: Sequence[str]) -> int:
    if mention_user_id(words[0]) or email_of(words[0]):
        raise UsageError("Name the team first, then the people.")
    return next((i for i, w in enumerate(words) if i > 0 and looks_like_member(w)), len(words))


class RenameArgs(_Args):
    team: str = Field(min_length=1, max_length=200)
    new_name: str = Field(min_length=1, max_length=100)

    @classmethod
    def readings(cls, words: Sequence[str]) -> Readings[RenameArgs]:
        """Every split into the team and its new name, the first word alone as the team first."""
        if len(words) < 2:
            raise UsageError("Give the team and its new name (quote names with spaces).")
        return readings_at(words, range(1, len(words)), cls._cut)

    @classmethod
    def _cut(cls, team: Sequence[str], new_name: Sequence[str]) -> RenameArgs:
        return cls(team=" ".join(team), new_name=" ".join(new_name))


def _done(ctx: CommandContext, outcome: ChangeOutcome) -> Reply:
    return answer_change(ctx.deps, ctx.changes, ctx.audit, outcome)


def _modal(ctx: CommandContext, kind: ModalKind, team: str | None) -> Reply | None:
    """Open the form instead of replying (the modal itself is the answer)."""
    client, trigger = ctx.client, ctx.trigger_id
    open_modal(
        client, ctx.changes, trigger_id=trigger, kind=kind, team=team, channel_id=ctx.channel_id
    )
    return None


def run_create(ctx: CommandContext, args: TeamAndMembers) -> Reply | None:
    if not args.members:
        return _modal(ctx, "create", args.team)
    outcome = team_changes.create_team(ctx.changes, args.team or "", args.members)
    return _done(ctx, outcome)


def run_add(ctx: CommandContext, readings: Readings[TeamAndMembers]) -> Reply | None:
    args = choose_reading(ctx.deps.reads, "add", readings)
    if not args.members:
        return _modal(ctx, "add", args.team)
    return _done(ctx, team_changes.add_members(ctx.changes, args.team or "", args.members))


def run_remove(ctx: CommandContext, readings: Readings[TeamAndMembers]) -> Reply | None:
    args = choose_reading(ctx.deps.reads, "remove", readings)
    if not args.members:
        return _modal(ctx, "remove", args.team)
    return _done(ctx, team_changes.remove_members(ctx.changes, args.team or "", args.members))


def run_rename(ctx: CommandContext, readings: Readings[RenameArgs]) -> Reply:
    """Ask before renaming, showing old → new: the Rename button makes the change."""
    team_changes.check_allowed(ctx.changes, "rename", readings[0].args.team)
    args = choose_reading(ctx.deps.reads, "rename", readings)
    return rename_confirm_reply(team_changes.plan_rename(ctx.changes, args.team, args.new_name))


def _confirm(ctx: CommandContext, action: str, query: str) -> Reply:
    team_changes.check_allowed(ctx.changes, action, query)
    team = find_team(ctx.deps.reads, query)
    return confirm_reply(action, team["id"], team["name"], len(team["users"]))


def run_delete(ctx: CommandContext, args: TeamArgs) -> Reply:
    return _confirm(ctx, "delete", args.team)


def run_clear(ctx: CommandContext, args: TeamArgs) -> Reply:
    return _confirm(ctx, "clear", args.team)


SUBCOMMANDS = (
    Subcommand("create", "<name> [members]",
               "Create a team (without members: opens a form).",
               TeamAndMembers.from_words, run_create, 20),
    Subcommand("rename", "<team> <new name>", "Rename a team, after you confirm.",
               RenameArgs.readings, run_rename, 21),
    Subcommand("delete", "<team>", "Delete a team, after you confirm (people stay in Noko).",
               TeamArgs.from_words, run_delete, 22),
    Subcommand("add", "<team> [members]", "Add people (without members: opens a form).",
               TeamAndMembers.readings, run_add, 23),
    Subcommand("remove", "<team> [members]", "Remove people (without members: opens a form).",
               TeamAndMembers.readings, run_remove, 24),
    Subcommand("clear", "<team>", "Remove everyone from a team, after you confirm.",
               TeamArgs.from_words, run_clear, 25),
)  # fmt: skip
