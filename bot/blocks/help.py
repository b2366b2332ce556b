"""The help message: one line per subcommand, from the subcommand registry."""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.common import Reply, context, header, line_sections, message
from bot.errors import safe


def help_reply(entries: Sequence[tuple[str, str]], problem: str | None = None) -> Reply:
    """``entries`` are (usage, summary) pairs as typed (``<team>`` gets escaped); ``problem``
    (mrkdwn) explains an unknown subcommand."""
    lines = [f"`{safe(usage)}`\n    {safe(summary)}" for usage, summary in entries]
    blocks = [header("Noko teams from Slack")]
    if problem:
        blocks.insert(0, context(problem))
    blocks += line_sections(lines, max_blocks=40)
    blocks.append(
        context(
            safe(
                "<team> is a name (any case; a unique start or part is enough; quote names with "
                "spaces) or a Noko team id. Members are @mentions, e-mail addresses or Noko user "
                "ids. Replies are only visible to you; add `--share` to post one in the channel."
            )
        )
    )
    return message(problem or "How to use /noko-team", blocks)
