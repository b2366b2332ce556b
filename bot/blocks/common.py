"""Small Block Kit pieces and the Reply every builder returns, kept within Slack's limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_CHARS = 3000
HEADER_CHARS = 150
OPTION_CHARS = 75
# Slack answers msg_blocks_too_long at about 13k characters of block text per message.
MESSAGE_CHARS = 11_000
# Below SECTION_CHARS so an ellipsis and a line break always fit.
_CHUNK = 2900

Block = dict[str, Any]


@dataclass(frozen=True)
class Reply:
    """A message: the top-level ``text`` (notification fallback) and its blocks."""

    text: str
    blocks: list[Block] = field(default_factory=list)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(text: str, limit: int = OPTION_CHARS) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text or " ", limit), "emoji": True}


def section(text: str, *, block_id: str | None = None, accessory: Block | None = None) -> Block:
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, _CHUNK)}}
    if block_id:
        block["block_id"] = block_id
    if accessory:
        block["accessory"] = accessory
    return block


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_CHARS)}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, _CHUNK)}]}


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str = "", style: str | None = None) -> Block:
    element: Block = {"type": "button", "text": plain(text), "action_id": action_id}
    if value:
        element["value"] = value[:2000]
    if style:
        element["style"] = style
    return element


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value[:150]}


def line_sections(
    lines: Sequence[str], *, max_blocks: int, max_chars: int = MESSAGE_CHARS
) -> list[Block]:
    """Pack lines into as few sections as fit in ``max_blocks`` and ``max_chars``; say how many
    lines were left out (Slack refuses messages whose blocks hold more than about 13k chars)."""
    chunks: list[str] = []
    current, used, kept = "", 0, 0
    for line in lines:
        line = clip(line, _CHUNK)
        if used + len(line) > max_chars:
            break
        if current and len(current) + 1 + len(line) > _CHUNK:
            if len(chunks) + 2 >= max_blocks:
                break
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
        used, kept = used + len(line) + 1, kept + 1
    if current:
        chunks.append(current)
    blocks = [section(c) for c in chunks]
    if kept < len(lines):
        blocks.append(context(f"…and {len(lines) - kept} more not shown."))
    return blocks


def message(text: str, blocks: Sequence[Block]) -> Reply:
    """A Reply whose blocks respect the 50-blocks-per-message limit."""
    kept = list(blocks)
    if len(kept) > MESSAGE_BLOCKS:
        kept = [*kept[: MESSAGE_BLOCKS - 1], context("…the rest did not fit in one message.")]
    return Reply(clip(text, SECTION_CHARS), kept)
