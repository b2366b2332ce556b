"""Block Kit as readable terminal text, for `digest preview` and the demo."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot.blocks.common import Reply

_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<(https?://[^>]+)>")
_USER = re.compile(r"<@([A-Z0-9]+)(?:\|([^>]+))?>")
_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|([^>]+))?>")
_BOLD = re.compile(r"(?<!\w)\*([^*\n]+)\*(?!\w)")
_ITALIC = re.compile(r"(?<!\w)_([^_\n]+)_(?!\w)")
RULE = "─" * 48


def mrkdwn_to_text(text: str) -> str:
    """Slack mrkdwn to plain text: links as "label (url)", mentions as @U…, no markers."""
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    text = _BARE_LINK.sub(r"\1", text)
    text = _USER.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    return unescape(text)


def unescape(text: str) -> str:
    """The exact inverse of ``bot.errors.safe``: ``&amp;`` last, so ``&amp;lt;`` stays ``&lt;``."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def render_blocks(blocks: Sequence[Mapping[str, Any]]) -> str:
    """One block after another, separated by blank lines where Slack shows space."""
    return "\n".join(filter(None, (_render(block) for block in blocks)))


def render_messages(messages: Sequence[Reply | Mapping[str, Any]]) -> str:
    """A message and its thread replies, the replies indented under a marker; each message as
    built (a Reply) or as posted (the arguments of a recorded chat.postMessage)."""
    parts = []
    for index, message in enumerate(messages):
        if not isinstance(message, Reply):
            message = Reply(str(message.get("text") or ""), list(message.get("blocks") or []))
        body = render_blocks(message.blocks) or mrkdwn_to_text(message.text)
        if index:
            marker = f"  ↳ reply {index} in thread"
            body = marker + "\n" + "\n".join("    " + line for line in body.splitlines())
        parts.append(body)
    return "\n\n".join(parts) + "\n"


def _text(obj: Mapping[str, Any] | None) -> str:
    if not obj:
        return ""
    raw = str(obj.get("text", ""))
    return mrkdwn_to_text(raw) if obj.get("type") == "mrkdwn" else raw


def _render(block: Mapping[str, Any]) -> str:
    kind = block.get("type")
    if kind == "header":
        title = _text(block.get("text"))
        return f"{title}\n{'═' * len(title)}"
    if kind == "divider":
        return RULE
    if kind == "context":
        return "  " + " · ".join(_text(e) for e in block.get("elements", []) if "text" in e)
    if kind == "section":
        lines = [_text(block.get("text"))] if block.get("text") else []
        lines += [_text(f).replace("\n", ": ", 1) for f in block.get("fields", [])]
        return "\n".join(lines)
    if kind == "actions":
        return "  " + "  ".join(_button(e) for e in block.get("elements", []))
    return f"[{kind} block]"


def _button(element: Mapping[str, Any]) -> str:
    label = f"[ {_text(element.get('text'))} ]"
    return f"{label} {element['url']}" if element.get("url") else label
