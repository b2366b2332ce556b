"""Test helpers that find Block Kit blocks and elements by id, so assertions survive a move."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Block = Mapping[str, Any]


def block_by_id(blocks: Sequence[Block], block_id: str) -> Block:
    """The one block whose ``block_id`` is exactly ``block_id``."""
    found = [b for b in blocks if b.get("block_id") == block_id]
    assert len(found) == 1, f"{len(found)} blocks with id {block_id!r} among {block_ids(blocks)}"
    return found[0]


def blocks_by_id(blocks: Sequence[Block], block_id: str) -> list[Block]:
    """The block ``block_id`` and the ones continuing it (``block_id:2``, …), in order."""
    return [
        b
        for b in blocks
        if b.get("block_id") == block_id or str(b.get("block_id", "")).startswith(block_id + ":")
    ]


def element_by_action(blocks: Sequence[Block], *action_ids: str) -> Block:
    """The one element (button, menu, input) whose ``action_id`` is one of ``action_ids``."""
    found = [e for b in blocks for e in _elements(b) if e.get("action_id") in action_ids]
    assert len(found) == 1, f"{len(found)} elements with action ids {action_ids}"
    return found[0]


def block_text(block: Block) -> str:
    """The text a person sees in a block: its text, then its fields or context elements."""
    parts = [(block.get("text") or {}).get("text", "")]
    parts += [f.get("text", "") for f in block.get("fields", [])]
    parts += [
        e.get("text", "") for e in block.get("elements", []) if isinstance(e.get("text"), str)
    ]
    return "\n".join(p for p in parts if p)


def block_ids(blocks: Sequence[Block]) -> list[str]:
    """Every block id, in order: Slack refuses a message or view that repeats one."""
    return [str(b["block_id"]) for b in blocks if "block_id" in b]


def _elements(block: Block) -> Iterable[Block]:
    yield from block.get("elements", [])
    for key in ("accessory", "element"):
        if isinstance(block.get(key), Mapping):
            yield block[key]
