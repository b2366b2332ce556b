"""The `hours` reply: totals, billable share, hours per member (paged) and per project."""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.common import (
    Block,
    Reply,
    context,
    header,
    join_within,
    line_sections,
    message,
    section,
)
from bot.blocks.freshness import freshness_blocks
from bot.blocks.teams import paged_lines
from bot.errors import safe
from bot.services.hours import TeamHours
from bot.services.paging import HoursPage
from bot.services.summary import MemberHours, format_hours

MAX_PROJECT_LINES = 25


def hours_reply(hours: TeamHours, *, page: int = 0, shared_by: str | None = None) -> Reply:
    """The totals on every page; the members of page ``page``; the projects on the first.
    ``shared_by``: the Slack user who shared it in a channel (the reply names whose view it is),
    None for a reply to them alone."""
    s, shared = hours.summary, shared_by is not None
    title = f"{hours.team_name}: {s.period.label}"
    totals = (
        f"*Total:* {format_hours(s.total_minutes)} in {s.entry_count:,} "
        f"{'entry' if s.entry_count == 1 else 'entries'} · "
        f"*Billable:* {format_hours(s.billable_minutes)} ({s.billable_share:.0%})"
    )
    if s.unapproved_minutes:
        totals += f" · *Unapproved:* {format_hours(s.unapproved_minutes)}"
    members = [
        f"• {safe(m.name)}: {format_hours(m.minutes)}{s.partial(m.user_id, shared_by)}"
        for m in s.per_member
    ]
    members += [f"• {safe(m.name)}: no time" for m in s.members_without_time]
    blocks = [header(title), *freshness_blocks(hours.freshness), section(totals)]
    withheld = s.withheld(shared_by)
    if withheld:
        blocks.append(context(withheld))
    if s.inactive_members:
        blocks.append(context(not_active_note(s.inactive_members)))
    paging: list[Block] = []
    if members:
        request = HoursPage.of(hours.team_id, s.period).model_copy(update={"page": page})
        body, paging = paged_lines(members, request, "Members", shared=shared)
        blocks += [section("*Per member*"), *body]
    if s.per_project and page == 0:
        blocks += _projects(hours)
    blocks.append(context(f"{s.period.start:%Y-%m-%d} to {s.period.end:%Y-%m-%d}"))
    return message(safe(f"{title} — {format_hours(s.total_minutes)}"), [*blocks, *paging])


def not_active_note(members: Sequence[MemberHours]) -> str:
    """Members Noko lists as pending, suspended or disabled: apart from "no time logged"."""
    who = join_within([f"{safe(m.name)} ({m.state})" for m in members], 2000)
    return f"Not active in Noko, so they can't log time: {who}"


def _projects(hours: TeamHours) -> list[Block]:
    projects = [f"• {safe(p.name)}: {format_hours(p.minutes)}" for p in hours.summary.per_project]
    if len(projects) > MAX_PROJECT_LINES:
        rest = len(projects) - MAX_PROJECT_LINES
        projects = [*projects[:MAX_PROJECT_LINES], f"…and {rest} more projects"]
    return [section("*Per project*"), *line_sections(projects, max_blocks=15, max_chars=2500)]
