"""Subcommands that change teams: create, rename, delete, add, remove, clear."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from bot.blocks.common import Reply
from bot.blocks.teams import audit_text, change_reply, confirm_reply
from bot.errors import UsageError
from bot.listeners.commands.registry import CommandContext, Subcommand
from bot.listeners.commands.subcommands.teams_read import TeamArgs
from bot.listeners.modal_flow import open_modal
from bot.listeners.payloads import ModalKind
from bot.services import team_changes
from bot.services.command_text import email_of, looks_like_member, mention_user_id
from bot.services.team_changes import ChangeOutcome
from bot.services.teams import find_team


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
        if mention_user_id(words[0]) or email_of(words[0]):
            raise UsageError("Name the team first, then the people.")
        cut = next((i for i, w in enumerate(words) if i > 0 and looks_like_member(w)), len(words))
        return cls(team=" ".join(words[:cut]), members=tuple(words[cut:]))


class RenameArgs(_Args):
    team: str = Field(min_length=1, max_length=200)
    new_name: str = Field(min_length=1, max_length=100)

    @classmethod
    def from_words(cls, words: Sequence[str]) -> RenameArgs:
        if len(words) < 2:
            raise UsageError("Give the team and its new name (quote names with spaces).")
        return cls(team=words[0], new_name=" ".join(words[1:]))


def _done(ctx: CommandContext, outcome: ChangeOutcome) -> Reply:
    reply = change_reply(outcome)
    ctx.audit.post(Reply(audit_text(outcome, ctx.user_id)))
    return reply


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


def run_add(ctx: CommandContext, args: TeamAndMembers) -> Reply | None:
    if not args.members:
        return _modal(ctx, "add", args.team)
    return _done(ctx, team_changes.add_members(ctx.changes, args.team or "", args.members))


def run_remove(ctx: CommandContext, args: TeamAndMembers) -> Reply | None:
    if not args.members:
        return _modal(ctx, "remove", args.team)
    return _done(ctx, team_changes.remove_members(ctx.changes, args.team or "", args.members))


def run_rename(ctx: CommandContext, args: RenameArgs) -> Reply:
    return _done(ctx, team_changes.rename_team(ctx.changes, args.team, args.new_name))


def _confirm(ctx: CommandContext, action: str, query: str) -> Reply:
    team_changes.check_allowed(ctx.changes, action, query)
    team = find_team(ctx.deps.cache, query)
    return confirm_reply(action, team["id"], team["name"], len(team["users"]))


def run_delete(ctx: CommandContext, args: TeamArgs) -> Reply:
    return _confirm(ctx, "delete", args.team)


def run_clear(ctx: CommandContext, args: TeamArgs) -> Reply:
    return _confirm(ctx, "clear", args.team)


SUBCOMMANDS = (
    Subcommand("create", "<name> [members]",
               "Create a team (without members: opens a form).",
               TeamAndMembers.from_words, run_create, 20),
    Subcommand("rename", "<team> <new name>", "Rename a team.", RenameArgs.from_words,
               run_rename, 21),
    Subcommand("delete", "<team>", "Delete a team, after you confirm (people stay in Noko).",
               TeamArgs.from_words, run_delete, 22),
    Subcommand("add", "<team> [members]", "Add people (without members: opens a form).",
               TeamAndMembers.from_words, run_add, 23),
    Subcommand("remove", "<team> [members]", "Remove people (without members: opens a form).",
               TeamAndMembers.from_words, run_remove, 24),
    Subcommand("clear", "<team>", "Remove everyone from a team, after you confirm.",
               TeamArgs.from_words, run_clear, 25),
)  # fmt: skip
