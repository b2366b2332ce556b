"""A team digest: the figures and names a digest message shows, decided in one pure step."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.services.access import EVERYONE, Sight
from bot.services.calendar import Attendance
from bot.services.fetch import TeamData
from bot.services.periods import Period
from bot.services.summary import MemberHours, ProjectHours, TeamSummary, summarize

NOKO_URL = "https://secure.nokotime.com/"
DEFAULT_TOP_PROJECTS = 10


@dataclass(frozen=True)
class MemberLine:
    """A member's row: ``mention`` is ``<@U…>`` when their Noko email maps to Slack."""

    name: str
    mention: str | None
    minutes: int
    billable_minutes: int


@dataclass(frozen=True)
class Change:
    """Hours against the previous period; ``percent`` is None when that period had no time."""

    minutes: int
    previous_minutes: int
    percent: float | None


@dataclass(frozen=True)
class Digest:
    """A team's summary as its digest shows it: members mapped to mentions, top projects."""

    team_name: str
    period: Period
    late: bool
    summary: TeamSummary
    members: tuple[MemberLine, ...]
    projects: tuple[ProjectHours, ...]
    other_projects: int
    idle: tuple[MemberLine, ...]
    change: Change | None
    noko_url: str


def build_digest(
    summary: TeamSummary,
    previous: TeamSummary | None,
    *,
    team_name: str,
    period: Period,
    noko_url: str = NOKO_URL,
    slack_ids_by_email: Mapping[str, str],
    late: bool = False,
    options: Mapping[str, Any] | None = None,
    attendance: Attendance | None = None,
) -> Digest:
    """Turn summaries into a Digest; ``options`` may hold ``top_projects`` (default 10). The
    "no time logged" list names only whom ``attendance`` expects to work (see ``idle_members``)."""
    top = int((options or {}).get("top_projects", DEFAULT_TOP_PROJECTS))
    ids = {email.lower(): slack_id for email, slack_id in slack_ids_by_email.items()}
    members = summary.per_member
    idle = idle_members(summary, attendance)
    return Digest(
        team_name=team_name,
        period=period,
        late=late,
        summary=summary,
        members=tuple(_line(m.name, m.email, m.minutes, m.billable_minutes, ids) for m in members),
        projects=summary.per_project[:top],
        other_projects=max(0, len(summary.per_project) - top),
        idle=tuple(_line(m.name, m.email, 0, 0, ids) for m in idle),
        change=_change(summary, previous),
        noko_url=noko_url,
    )


def _line(
    name: str, email: str | None, minutes: int, billable: int, ids: Mapping[str, str]
) -> MemberLine:
    slack_id = ids.get((email or "").lower())
    return MemberLine(name, f"<@{slack_id}>" if slack_id else None, minutes, billable)


def _change(summary: TeamSummary, previous: TeamSummary | None) -> Change | None:
    if previous is None:
        return None
    delta = summary.total_minutes - previous.total_minutes
    before = previous.total_minutes
    return Change(delta, before, delta / before * 100 if before else None)


def team_summaries(
    data: TeamData, sight: Sight = EVERYONE
) -> tuple[TeamSummary, TeamSummary | None]:
    """The current and (when fetched) previous summaries of what ``sight`` may read of a team's
    fetched data (the change figure compares like with like)."""
    current = summarize(data.entries, data.members, data.period, sight)
    if data.previous is None:
        return current, None
    return current, summarize(data.previous_entries, data.members, data.previous, sight)


def idle_members(
    summary: TeamSummary, attendance: Attendance | None = None
) -> tuple[MemberHours, ...]:
    """Members without time whom the period expected to work (``attendance``; None: all)."""
    if attendance is None:
        return summary.members_without_time
    period = summary.period
    return tuple(m for m in summary.members_without_time if attendance.expected(m.email, period))


def idle_emails(summary: TeamSummary, attendance: Attendance | None = None) -> list[str]:
    """E-mails of members listed without time: the only people a digest mentions."""
    return [m.email for m in idle_members(summary, attendance) if m.email]


def digest_from_data(
    data: TeamData,
    *,
    slack_ids: Callable[[Sequence[str]], Mapping[str, str]],
    team_name: str = "",
    noko_url: str = NOKO_URL,
    late: bool = False,
    options: Mapping[str, Any] | None = None,
    sight: Sight = EVERYONE,
    attendance: Attendance | None = None,
) -> Digest:
    """The digest of fetched team data as ``sight`` may read it; ``slack_ids`` maps idle
    members' e-mails to mentions.

    The one build path shared by the scheduler and on-demand digests from Slack.
    """
    current, previous = team_summaries(data, sight)
    return build_digest(
        current,
        previous,
        team_name=data.team_name or team_name,
        period=data.period,
        noko_url=noko_url,
        slack_ids_by_email=slack_ids(idle_emails(current, attendance)),
        late=late,
        options=options,
        attendance=attendance,
    )
