"""Block Kit pieces within Slack's limits: sections, line packing, paging, and the Reply type."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_CHARS = 3000
HEADER_CHARS = 150
OPTION_CHARS = 75
FIELD_CHARS = 2000
# Slack answers msg_blocks_too_long at about 13k characters of block text per message.
MESSAGE_CHARS = 11_000
# Below SECTION_CHARS so an ellipsis, a "(continued)" title and a line break always fit.
_CHUNK = 2900

Block = dict[str, Any]


@dataclass(frozen=True)
class Reply:
    """A message: the top-level ``text`` (notification fallback) and its blocks."""

    text: str
    blocks: list[Block] = field(default_factory=list)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Where a cut would leave half an escape ("&am") or half a mention or link ("<@U12") behind.
_HALF_MARKUP = re.compile(r"&[a-z]{0,3}$|<[^<>]{0,80}$")


def clip_mrkdwn(text: str, limit: int) -> str:
    """``clip`` for mrkdwn: never cuts an escape, a mention or a link in two."""
    return text if len(text) <= limit else _HALF_MARKUP.sub("", text[: limit - 1]) + "…"


def plain(text: str, limit: int = OPTION_CHARS) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text or " ", limit), "emoji": True}


def _with_id(block: Block, block_id: str | None) -> Block:
    if block_id:
        block["block_id"] = block_id
    return block


def section(text: str, *, block_id: str | None = None, accessory: Block | None = None) -> Block:
    text = clip_mrkdwn(text, _CHUNK)
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if accessory:
        block["accessory"] = accessory
    return _with_id(block, block_id)


def fields(texts: Sequence[str], *, block_id: str | None = None) -> Block:
    """A section of up to ten side-by-side mrkdwn fields (Slack's limit)."""
    items = [{"type": "mrkdwn", "text": clip_mrkdwn(t, FIELD_CHARS)} for t in texts[:10]]
    return _with_id({"type": "section", "fields": items}, block_id)


def header(text: str, *, block_id: str | None = None) -> Block:
    return _with_id({"type": "header", "text": plain(text, HEADER_CHARS)}, block_id)


def context(text: str, *, block_id: str | None = None) -> Block:
    element = {"type": "mrkdwn", "text": clip_mrkdwn(text, _CHUNK)}
    return _with_id({"type": "context", "elements": [element]}, block_id)


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


def input_block(block_id: str, label: str, element: Block, *, optional: bool = False) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": element,
    }
    if optional:
        block["optional"] = True
    return block


def external_select(action_id: str, placeholder: str, *, multi: bool = False) -> Block:
    """A menu the app fills as the person types; ``min_query_length`` 0 fills it on opening."""
    return {
        "type": "multi_external_select" if multi else "external_select",
        "action_id": action_id,
        "placeholder": plain(placeholder),
        "min_query_length": 0,
    }


def block_text_length(block: Block) -> int:
    """Characters of text a block carries, as Slack counts towards a message's limit."""
    size = len((block.get("text") or {}).get("text", ""))
    size += sum(len(f.get("text", "")) for f in block.get("fields", []))
    size += sum(len(e.get("text", "")) for e in block.get("elements", []) if "text" in e)
    return size


def pack_lines(
    lines: Sequence[str],
    *,
    title: str = "",
    max_chunks: int | None = None,
    max_chars: int | None = None,
) -> tuple[list[str], int]:
    """Lines joined into section-sized chunks, the first headed ``*title*`` and the rest
    ``*title (continued)*``; stops before passing ``max_chunks`` or ``max_chars`` of lines.
    Returns the chunks and how many lines they hold."""
    title = clip_mrkdwn(title, 200)
    heads = (f"*{title}*", f"*{title} (continued)*") if title else ("", "")
    groups: list[list[str]] = [[]]
    size, used, kept = len(heads[0]), 0, 0
    for line in lines:
        line = clip_mrkdwn(line, _CHUNK - len(heads[1]) - 1)
        if max_chars is not None and used + len(line) > max_chars:
            break
        if groups[-1] and size + 1 + len(line) > _CHUNK:
            if max_chunks is not None and len(groups) >= max_chunks:
                break
            groups.append([])
            size = len(heads[1])
        groups[-1].append(line)
        size, used, kept = size + 1 + len(line), used + len(line) + 1, kept + 1
    chunks = [
        "\n".join([heads[min(i, 1)], *group] if title else group)
        for i, group in enumerate(groups)
        if group
    ]
    return chunks, kept


def numbered_id(block_id: str | None, index: int) -> str | None:
    """``block_id`` for the first of a run of blocks, ``block_id:2``… after, unique per message."""
    return block_id if block_id is None or index == 1 else f"{block_id}:{index}"


def line_sections(
    lines: Sequence[str], *, max_blocks: int, max_chars: int = MESSAGE_CHARS
) -> list[Block]:
    """Pack lines into as few sections as fit in ``max_blocks`` and ``max_chars``; say how many
    lines were left out (Slack refuses messages whose blocks hold more than about 13k chars)."""
    chunks, kept = pack_lines(lines, max_chunks=max_blocks - 1, max_chars=max_chars)
    blocks = [section(c) for c in chunks]
    if kept < len(lines):
        blocks.append(context(f"…and {len(lines) - kept} more not shown."))
    return blocks


def titled_sections(title: str, lines: Sequence[str], *, block_id: str) -> list[Block]:
    """Every line under ``title``, in as many sections as it takes: for paged messages."""
    chunks, _ = pack_lines(lines, title=title)
    return [section(c, block_id=numbered_id(block_id, i)) for i, c in enumerate(chunks, 1)]


def pages(
    head: Sequence[Block],
    body: Iterable[Block],
    *,
    max_blocks: int = MESSAGE_BLOCKS,
    max_chars: int = MESSAGE_CHARS,
) -> list[list[Block]]:
    """``head`` then ``body`` cut into pages that each fit one message (a main message and its
    thread replies)."""
    paged: list[list[Block]] = [list(head)]
    size = sum(block_text_length(b) for b in head)
    for block in body:
        length = block_text_length(block)
        if paged[-1] and (len(paged[-1]) >= max_blocks or size + length > max_chars):
            paged.append([])
            size = 0
        paged[-1].append(block)
        size += length
    return paged


def message(text: str, blocks: Sequence[Block]) -> Reply:
    """A Reply whose blocks respect the 50-blocks-per-message limit."""
    kept = list(blocks)
    if len(kept) > MESSAGE_BLOCKS:
        kept = [*kept[: MESSAGE_BLOCKS - 1], context("…the rest did not fit in one message.")]
    return Reply(clip_mrkdwn(text, SECTION_CHARS), kept)
