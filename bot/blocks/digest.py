"""Block Kit messages of a team digest, split into a main message and thread replies."""

from __future__ import annotations

from bot.blocks.common import (
    MESSAGE_BLOCKS,
    MESSAGE_CHARS,
    Block,
    Reply,
    context,
    divider,
    fields,
    header,
    message,
    pages,
    section,
    titled_sections,
)
from bot.errors import safe
from bot.ids import BlockId
from bot.services.digest import Change, Digest, MemberLine
from bot.services.summary import format_hours


def digest_messages(
    digest: Digest, *, max_blocks: int = MESSAGE_BLOCKS, max_chars: int = MESSAGE_CHARS
) -> list[Reply]:
    """The main message first; any further messages belong in its thread."""
    head = [
        _header(digest),
        _totals(digest),
        *_change(digest.change),
        *_withheld(digest.summary.withheld),
        _link(digest),
        divider(),
    ]
    paged = pages(head, _body(digest), max_blocks=max_blocks, max_chars=max_chars)
    return [message(_fallback(digest, i, len(paged)), blocks) for i, blocks in enumerate(paged, 1)]


def _body(digest: Digest) -> list[Block]:
    members = [_member(m) for m in digest.members]
    idle = [*_unpinged(digest), *(_who(m) for m in digest.idle)]
    empty = "_Nobody logged time in this period._"
    return [
        *([] if digest.members else [section(empty, block_id=BlockId.DIGEST_EMPTY)]),
        *_projects(digest),
        *titled_sections("Hours per member", members, block_id=BlockId.DIGEST_MEMBERS),
        *titled_sections(
            f"No time logged ({len(digest.idle)})", idle, block_id=BlockId.DIGEST_IDLE
        ),
    ]


def _withheld(note: str | None) -> list[Block]:
    return [context(note, block_id=BlockId.DIGEST_WITHHELD)] if note else []


def _title(digest: Digest) -> str:
    return f"{digest.team_name} · {digest.period.label}" + (" (late)" if digest.late else "")


def _header(digest: Digest) -> Block:
    return header(_title(digest), block_id=BlockId.DIGEST_HEADER)  # plain_text: not escaped


def _totals(digest: Digest) -> Block:
    s = digest.summary
    return fields(
        [
            f"*Total*\n{format_hours(s.total_minutes)}",
            f"*Billable*\n{format_hours(s.billable_minutes)} ({round(s.billable_share * 100)}%)",
            f"*Entries*\n{s.entry_count:,}",
            f"*Unapproved*\n{format_hours(s.unapproved_minutes)}",
        ],
        block_id=BlockId.DIGEST_TOTALS,
    )


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
    return [context(text, block_id=BlockId.DIGEST_CHANGE)]


def _link(digest: Digest) -> Block:
    return context(f"<{digest.noko_url}|Open Noko> for the details", block_id=BlockId.DIGEST_LINK)


def _projects(digest: Digest) -> list[Block]:
    lines = [f"• {safe(p.name)} — {format_hours(p.minutes)}" for p in digest.projects]
    if digest.other_projects:
        lines.append(f"_…and {digest.other_projects} more projects_")
    return titled_sections("Top projects", lines, block_id=BlockId.DIGEST_PROJECTS)


def _member(member: MemberLine) -> str:
    billable = f" ({format_hours(member.billable_minutes)} billable)"
    return f"• {safe(member.name)} — {format_hours(member.minutes)}{billable}"


def _who(member: MemberLine) -> str:
    return member.mention or safe(member.name)


def _unpinged(digest: Digest) -> list[str]:
    """Said above the names when the mention cap left people unpinged."""
    if not digest.unpinged:
        return []
    pinged = sum(1 for m in digest.idle if m.mention)
    return [f"_{pinged} pinged; …{digest.unpinged} more, named without a ping._"]


def _fallback(digest: Digest, page: int, count: int) -> str:
    title = safe(_title(digest))
    if page > 1:
        return f"{title} (continued, {page}/{count})"
    s = digest.summary
    return (
        f"{title}: {format_hours(s.total_minutes)} logged, "
        f"{format_hours(s.billable_minutes)} billable ({round(s.billable_share * 100)}%)"
    )
