"""The /noko-team handler: ack at once, parse, run the subcommand, reply through response_url."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.errors import UsageError
from bot.listeners.commands.registry import CommandContext, run_subcommand, usage_error
from bot.listeners.context import AuditChannel
from bot.listeners.payloads import SlashCommand
from bot.services.changes import ChangeContext
from bot.services.command_text import parse_command_text
from bot.settings import Settings


def handle_noko_team_command(
    ack: Ack,
    command: dict[str, Any],
    respond: Respond,
    client: WebClient,
    deps: Deps,
    settings: Settings,
    changes: ChangeContext,
    audit: AuditChannel,
) -> None:
    # Slack gives 3 seconds; nothing slow (Noko, users.info) may happen before this.
    ack()
    request = SlashCommand.model_validate(command)
    try:
        parsed = parse_command_text(request.text)
    except UsageError as error:
        raise usage_error(request.text.split(maxsplit=1)[0].lower(), error) from None
    ctx = CommandContext(
        deps=deps,
        settings=settings,
        client=client,
        changes=changes,
        audit=audit,
        channel_id=request.channel_id,
        trigger_id=request.trigger_id,
        shared=parsed.share,
    )
    reply = run_subcommand(ctx, parsed.name, parsed.words)
    if reply is not None:
        respond(
            text=reply.text,
            blocks=reply.blocks,
            response_type="in_channel" if parsed.share else "ephemeral",
            replace_original=False,
        )
