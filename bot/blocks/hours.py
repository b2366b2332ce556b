"""The `hours` reply: totals, billable share, hours per member and per project."""

from __future__ import annotations

from bot.blocks.common import Reply, context, header, line_sections, message, section
from bot.errors import safe
from bot.services.hours import TeamHours
from bot.services.summary import format_hours

MAX_PROJECT_LINES = 25


def hours_reply(hours: TeamHours) -> Reply:
    s = hours.summary
    title = f"{hours.team_name}: {s.period.label}"
    totals = (
        f"*Total:* {format_hours(s.total_minutes)} in {s.entry_count} entries · "
        f"*Billable:* {format_hours(s.billable_minutes)} ({s.billable_share:.0%})"
    )
    if s.unapproved_minutes:
        totals += f" · *Unapproved:* {format_hours(s.unapproved_minutes)}"
    members = [f"• {safe(m.name)}: {format_hours(m.minutes)}" for m in s.per_member]
    members += [f"• {safe(m.name)}: no time" for m in s.members_without_time]
    projects = [f"• {safe(p.name)}: {format_hours(p.minutes)}" for p in s.per_project]
    if len(projects) > MAX_PROJECT_LINES:
        rest = len(projects) - MAX_PROJECT_LINES
        projects = [*projects[:MAX_PROJECT_LINES], f"…and {rest} more projects"]
    blocks = [header(title), section(totals)]
    if s.withheld:
        blocks.append(context(s.withheld))
    if members:
        blocks += [section("*Per member*"), *line_sections(members, max_blocks=15, max_chars=6000)]
    if projects:
        blocks += [
            section("*Per project*"),
            *line_sections(projects, max_blocks=15, max_chars=4000),
        ]
    blocks.append(context(f"{s.period.start:%Y-%m-%d} to {s.period.end:%Y-%m-%d}"))
    return message(safe(f"{title} — {format_hours(s.total_minutes)}"), blocks)
