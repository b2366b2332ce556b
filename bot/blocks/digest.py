"""Block Kit messages of a team digest, split into a main message and thread replies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from bot.blocks.common import (
    MESSAGE_BLOCKS,
    MESSAGE_CHARS,
    VIEW_BLOCKS,
    Block,
    Reply,
    clip,
    context,
    divider,
    fields,
    header,
    join_within,
    message,
    numbered_id,
    option,
    pack_lines,
    pages,
    plain,
    section,
    split_runs,
    titled_sections,
)
from bot.blocks.freshness import freshness_blocks
from bot.blocks.hours import not_active_note
from bot.errors import safe
from bot.ids import ActionId, BlockId, CallbackId
from bot.services.digest import Change, Digest, MemberLine
from bot.services.member_detail import EntryLine, MemberButton, MemberDetail
from bot.services.summary import format_hours

BAR_WIDTH = 8
# A section's Details menu lists its members: Slack allows 100 options; lines stay well short
# of a section's 3,000 characters.
MEMBERS_PER_SECTION = 40
MEMBER_SECTION_CHARS = 2800
BAR_FULL, BAR_EMPTY = "▇", "░"


def digest_messages(
    digest: Digest,
    *,
    max_blocks: int = MESSAGE_BLOCKS,
    max_chars: int = MESSAGE_CHARS,
    viewer: str | None = None,
) -> list[Reply]:
    """The main message first; any further messages belong in its thread. ``viewer``: the Slack
    user whose view a channel reads (the digest names them); None when it goes to them alone."""
    head = [
        _header(digest),
        *freshness_blocks(digest.freshness),
        _totals(digest),
        *_days_off(digest),
        *_change(digest.change),
        *_withheld(digest.summary.withheld(viewer)),
        *_chart_note(digest),
        _link(digest),
        divider(),
    ]
    body = _body(digest, viewer)
    paged = pages(head, body, max_blocks=max_blocks, max_chars=max_chars)
    return [message(_fallback(digest, i, len(paged)), blocks) for i, blocks in enumerate(paged, 1)]


def _body(digest: Digest, viewer: str | None) -> list[Block]:
    idle = [*_unpinged(digest), *(_who(m) for m in digest.idle)]
    empty = "_Nobody logged time in this period._"
    return [
        *([] if digest.members else [section(empty, block_id=BlockId.DIGEST_EMPTY)]),
        *_projects(digest),
        *_members(digest, viewer),
        *titled_sections(
            f"No time logged ({len(digest.idle)})", idle, block_id=BlockId.DIGEST_IDLE
        ),
        *_not_active(digest),
    ]


def _not_active(digest: Digest) -> list[Block]:
    inactive = digest.summary.inactive_members
    return (
        [context(not_active_note(inactive), block_id=BlockId.DIGEST_INACTIVE)] if inactive else []
    )


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


def _days_off(digest: Digest) -> list[Block]:
    """ "24-25 Dec: holidays · Rosa Hoffmann away (2 working days)": why fewer hours were
    expected, in words."""
    parts = []
    if digest.holidays:
        runs = ", ".join(_day_run(run) for run in _runs(digest.holidays))
        parts.append(f"{runs}: holiday{'s' if len(digest.holidays) > 1 else ''}")
    single = digest.period.days == 1
    for note in digest.away:
        count = len(note.days)
        days = "" if single else f" ({count} working day{'s' if count > 1 else ''})"
        parts.append(f"{safe(note.name)} away{days}")
    if not parts:
        return []
    text = join_within(parts, MESSAGE_CHARS // 4, " · ")
    return [context(f":palm_tree: {text}", block_id=BlockId.DIGEST_CALENDAR)]


def _runs(days: Sequence[dt.date]) -> list[tuple[dt.date, dt.date]]:
    runs: list[tuple[dt.date, dt.date]] = []
    for day in sorted(days):
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _day_run(run: tuple[dt.date, dt.date]) -> str:
    first, last = run
    if first == last:
        return f"{first.day} {first:%b}"
    if first.month == last.month:
        return f"{first.day}\u2013{last.day} {last:%b}"
    return f"{first.day} {first:%b} \u2013 {last.day} {last:%b}"


def _change(change: Change | None) -> list[Block]:
    if change is None:
        return []
    if not change.like_with_like:
        return [context(_unlike_change(change), block_id=BlockId.DIGEST_CHANGE)]
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


def _unlike_change(change: Change) -> str:
    """The change when the two periods expected different work: per expected hour, with the
    working days of each, never raw hours alone (3 working days against 5 isn't -40%)."""
    now, before = format_hours(change.now_minutes), format_hours(change.previous_minutes)
    if not change.expected_days:
        return (
            f"No working days expected in this period (holidays or time away); "
            f"the previous period had {before}"
        )
    if not change.previous_expected_days:
        return f"The previous period had no working days expected ({before} logged then)"
    percent = change.per_expected_percent
    if percent is None:
        return f"No time in the previous period ({now} this time)"
    arrow = "▲" if percent >= 0.5 else "▼" if percent <= -0.5 else "="
    sign = "+" if percent >= 0.5 else ""
    return (
        f"{arrow} {sign}{percent:.0f}% per expected hour vs the previous period: {now} in "
        f"{_days(change.working_days, change.away_days)}, against {before} in "
        f"{_days(change.previous_working_days, change.previous_away_days)}"
    )


def _days(working: int | None, away: int) -> str:
    count = working or 0
    text = f"{count} working day{'' if count == 1 else 's'}"
    if away:
        text += f" ({away} person-day{'' if away == 1 else 's'} away)"
    return text


def _link(digest: Digest) -> Block:
    return context(f"<{digest.noko_url}|Open Noko> for the details", block_id=BlockId.DIGEST_LINK)


def _projects(digest: Digest) -> list[Block]:
    lines = [f"• {safe(p.name)} — {format_hours(p.minutes)}" for p in digest.projects]
    if digest.other_projects:
        lines.append(f"_…and {digest.other_projects} more projects_")
    return titled_sections("Top projects", lines, block_id=BlockId.DIGEST_PROJECTS)


def _members(digest: Digest, viewer: str | None) -> list[Block]:
    """Member lines packed into sections (as few blocks as fit), each section with a menu
    opening the Details of any member it lists."""
    lines = [
        _member(m, digest.expected_minutes if m.expected_minutes is None else m.expected_minutes)
        + digest.summary.partial(m.user_id, viewer)
        for m in digest.members
    ]
    lengths = [len(line) + 1 for line in lines]
    runs = split_runs(lengths, max_items=MEMBERS_PER_SECTION, max_chars=MEMBER_SECTION_CHARS)
    blocks = []
    for i, run in enumerate((r for r in runs if len(r)), 1):
        title = "*Hours per member*" if i == 1 else "*Hours per member (continued)*"
        members = [digest.members[j] for j in run]
        blocks.append(
            section(
                "\n".join([title, *(lines[j] for j in run)]),
                block_id=numbered_id(BlockId.DIGEST_MEMBERS, i),
                accessory=_details(digest, members),
            )
        )
    return blocks


def _member(member: MemberLine, expected: int | None) -> str:
    """ "• Name — ▇▇▇▇▇▇░░ 31h / 40h (12h billable)": one line, the bar when hours are expected."""
    hours = hours_bar(member.minutes, expected) if expected else format_hours(member.minutes)
    billable = f" ({format_hours(member.billable_minutes)} billable)"
    return f"• {safe(member.name)} — {hours}{billable}"


def hours_bar(minutes: int, expected: int, width: int = BAR_WIDTH) -> str:
    """ "▇▇▇▇▇▇░░ 31h / 40h": logged against expected hours, readable in a notification too."""
    filled = min(width, max(0, round(minutes / expected * width))) if expected > 0 else width
    return f"{BAR_FULL * filled}{BAR_EMPTY * (width - filled)} {format_hours(minutes)} / " + (
        format_hours(expected)
    )


def _details(digest: Digest, members: list[MemberLine]) -> Block | None:
    """A menu of the section's members; choosing one opens their Details (hours per project)."""
    if not digest.team_id:
        return None
    choices = [
        option(m.name, MemberButton.value(digest.team_id, m.user_id, digest.period))
        for m in members
        if m.user_id
    ]
    if not choices:
        return None
    return {
        "type": "static_select",
        "action_id": ActionId.MEMBER_DETAIL,
        "placeholder": plain("Details…"),
        "options": choices,
    }


def _chart_note(digest: Digest) -> list[Block]:
    if not digest.chart:
        return []
    text = ":bar_chart: The chart of this period and the 8 before it is in this digest's thread."
    return [context(text, block_id=BlockId.DIGEST_CHART)]


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


# -- a member's Details modal ------------------------------------------------------------------
DESCRIPTION_CHARS = 300


def member_detail_view(detail: MemberDetail) -> dict[str, Any]:
    """A member's hours per project and entry descriptions, within a modal's 100 blocks."""
    lines: list[str] = []
    for project in detail.projects:
        lines.append(f"*{safe(project.name)}* — {format_hours(project.minutes)}")
        lines.extend(_entry_line(entry) for entry in project.entries)
    chunks, kept = pack_lines(lines, max_chunks=VIEW_BLOCKS - 4)
    title = f"*{safe(detail.name)}* · {safe(detail.team_name)} · {safe(detail.period.label)}"
    blocks = [
        section(f"{title}\nTotal: {format_hours(detail.minutes)}", block_id=BlockId.MEMBER_DETAIL),
        *_detail_notes(detail),
        *(section(chunk) for chunk in chunks),
    ]
    if not detail.projects:
        blocks.append(section("_No time you may read in this period._"))
    if kept < len(lines):
        blocks.append(context(f"…and {len(lines) - kept:,} more lines not shown: see Noko."))
    return {
        "type": "modal",
        "callback_id": CallbackId.MEMBER_DETAIL,
        "title": plain("Hours by project", 24),
        "close": plain("Close", 24),
        "blocks": blocks,
    }


def _entry_line(entry: EntryLine) -> str:
    said = safe(clip(entry.description, DESCRIPTION_CHARS)) if entry.description else ""
    when = f"{entry.date:%a} {entry.date.day} {entry.date:%b}"
    return f"• {when} · {format_hours(entry.minutes)} · {said or '_no description_'}"


def _detail_notes(detail: MemberDetail) -> list[Block]:
    if not detail.hidden:
        return []
    count = f"{detail.hidden:,} entr{'y is' if detail.hidden == 1 else 'ies are'}"
    level = detail.sight.why.removeprefix("Noko ")
    return [context(f"You see what Noko shows a {level}: {count} not shown.")]
