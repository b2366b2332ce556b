"""Block Kit messages of a team digest, split into a main message and thread replies."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypedDict

from bot.services.digest import Change, Digest, MemberLine
from bot.services.summary import format_hours

MAX_BLOCKS = 50
# Slack refuses about 13k characters of block text per message; stay clearly below.
MAX_MESSAGE_CHARS = 11_000
SECTION_CHARS = 2_900  # under the 3,000 section limit, leaving room for a continuation marker
HEADER_CHARS = 150

Block = dict[str, Any]
_DIVIDER: Block = {"type": "divider"}


class Message(TypedDict):
    text: str
    blocks: list[Block]


def digest_messages(
    digest: Digest, *, max_blocks: int = MAX_BLOCKS, max_chars: int = MAX_MESSAGE_CHARS
) -> list[Message]:
    """The main message first; any further messages belong in its thread."""
    head = [_header(digest), _totals(digest), *_change(digest.change), _link(digest), _DIVIDER]
    body = [
        *_projects(digest),
        *_line_sections("Hours per member", [_member(m) for m in digest.members]),
        *_line_sections(f"No time logged ({len(digest.idle)})", [_who(m) for m in digest.idle]),
    ]
    if not digest.members:
        body.insert(0, _section("_Nobody logged time in this period._"))
    pages = _pack(head, body, max_blocks, max_chars)
    return [
        Message(text=_fallback(digest, i, len(pages)), blocks=blocks)
        for i, blocks in enumerate(pages, start=1)
    ]


def block_text_length(block: Block) -> int:
    """Characters of text a block carries, as Slack counts towards a message's limit."""
    size = len((block.get("text") or {}).get("text", ""))
    size += sum(len(f.get("text", "")) for f in block.get("fields", []))
    size += sum(len(e.get("text", "")) for e in block.get("elements", []) if "text" in e)
    return size


def escape(text: str) -> str:
    """Slack mrkdwn treats &, < and > as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _header(digest: Digest) -> Block:
    text = f"{digest.team_name} · {digest.period.label}" + (" (late)" if digest.late else "")
    if len(text) > HEADER_CHARS:
        text = text[: HEADER_CHARS - 1] + "…"
    return {"type": "header", "text": {"type": "plain_text", "text": text, "emoji": True}}


def _totals(digest: Digest) -> Block:
    share = round(digest.billable_share * 100)
    fields = [
        f"*Total*\n{format_hours(digest.total_minutes)}",
        f"*Billable*\n{format_hours(digest.billable_minutes)} ({share}%)",
        f"*Entries*\n{digest.entry_count:,}",
        f"*Unapproved*\n{format_hours(digest.unapproved_minutes)}",
    ]
    return {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields]}


def _change(change: Change | None) -> list[Block]:
    if change is None:
        return []
    if change.percent is None:
        text = f"No time in the previous period ({format_hours(change.minutes)} more this time)"
    else:
        arrow = "▲" if change.minutes > 0 else "▼" if change.minutes < 0 else "="
        sign = "+" if change.minutes > 0 else ""
        text = (
            f"{arrow} {sign}{format_hours(change.minutes)} ({sign}{change.percent:.0f}%) "
            f"vs the previous period ({format_hours(change.previous_minutes)})"
        )
    return [_context(text)]


def _link(digest: Digest) -> Block:
    return _context(f"<{digest.noko_url}|Open Noko> for the details")


def _projects(digest: Digest) -> list[Block]:
    lines = [f"• {escape(p.name)} — {format_hours(p.minutes)}" for p in digest.projects]
    if digest.other_projects:
        lines.append(f"_…and {digest.other_projects} more projects_")
    return _line_sections("Top projects", lines) if lines else []


def _member(member: MemberLine) -> str:
    billable = f" ({format_hours(member.billable_minutes)} billable)"
    return f"• {escape(member.name)} — {format_hours(member.minutes)}{billable}"


def _who(member: MemberLine) -> str:
    return member.mention or escape(member.name)


def _line_sections(title: str, lines: list[str]) -> list[Block]:
    """Sections titled ``title`` holding ``lines``, each section under the size limit."""
    if not lines:
        return []
    sections, current = [], f"*{escape(title)}*"
    for line in lines:
        line = line if len(line) <= SECTION_CHARS - 40 else line[: SECTION_CHARS - 41] + "…"
        if len(current) + 1 + len(line) > SECTION_CHARS:
            sections.append(_section(current))
            current = f"*{escape(title)} (continued)*"
        current += "\n" + line
    sections.append(_section(current))
    return sections


def _pack(
    head: list[Block], body: Iterable[Block], max_blocks: int, max_chars: int
) -> list[list[Block]]:
    pages: list[list[Block]] = [list(head)]
    size = sum(block_text_length(b) for b in head)
    for block in body:
        length = block_text_length(block)
        if len(pages[-1]) + 1 > max_blocks or size + length > max_chars:
            pages.append([])
            size = 0
        pages[-1].append(block)
        size += length
    return pages


def _fallback(digest: Digest, page: int, pages: int) -> str:
    late = " (late)" if digest.late else ""
    title = f"{escape(digest.team_name)} · {digest.period.label}{late}"
    if page > 1:
        return f"{title} (continued, {page}/{pages})"
    share = round(digest.billable_share * 100)
    return (
        f"{title}: {format_hours(digest.total_minutes)} logged, "
        f"{format_hours(digest.billable_minutes)} billable ({share}%)"
    )


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}
