"""A team digest: the figures and names a digest message shows, decided in one pure step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bot.services.access import EVERYONE, Sight
from bot.services.calendar import DEFAULT_WORKDAYS, Attendance, Calendar
from bot.services.expected import expected_minutes, hours_per_day
from bot.services.fetch import TeamData
from bot.services.people import display_name
from bot.services.periods import Period
from bot.services.reads import Freshness
from bot.services.summary import MemberHours, ProjectHours, TeamSummary, summarize
from bot.settings import DEFAULT_MAX_MENTIONS
from noko_core import SimpleUser

NOKO_URL = "https://secure.nokotime.com/"
DEFAULT_TOP_PROJECTS = 10


@dataclass(frozen=True)
class MemberLine:
    """A member's row: ``mention`` is ``<@U…>`` when the digest pings them (see build_digest)."""

    name: str
    mention: str | None
    minutes: int
    billable_minutes: int
    user_id: int = 0  # Noko's: what the member's Details button names (0: no button)
    # Their own expected minutes (the period's less their days away); None: the digest's.
    expected_minutes: int | None = None


@dataclass(frozen=True)
class Change:
    """Hours against the previous period; ``percent`` is None when that period had no time.

    With the calendar known, each period's working days and the person-days it expected of the
    team (working days times members, days away left out): when those differ, the periods are
    compared per expected hour (``per_expected_percent``), never by raw hours."""

    minutes: int
    previous_minutes: int
    percent: float | None
    working_days: int | None = None
    previous_working_days: int | None = None
    expected_days: int | None = None
    previous_expected_days: int | None = None
    away_days: int = 0
    previous_away_days: int = 0

    @property
    def like_with_like(self) -> bool:
        """Both periods expected the same work (or the calendar is unknown)."""
        return self.expected_days is None or self.expected_days == self.previous_expected_days

    @property
    def now_minutes(self) -> int:
        return self.previous_minutes + self.minutes

    @property
    def per_expected_percent(self) -> float | None:
        """Hours per expected hour against the period before's, in percent; None when either
        period expected nothing or the one before had no time."""
        now, before = self.expected_days or 0, self.previous_expected_days or 0
        if now <= 0 or before <= 0 or self.previous_minutes <= 0:
            return None
        rate, previous_rate = self.now_minutes / now, self.previous_minutes / before
        return (rate / previous_rate - 1) * 100


@dataclass(frozen=True)
class AwayNote:
    """A member away on some of the period's working days (``days``: those days)."""

    name: str
    days: tuple[dt.date, ...]


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
    # Idle members Slack knows who are named without a ping because of the mention cap.
    unpinged: int = 0
    team_id: int = 0  # Noko's: what the Details buttons name (0: no buttons)
    # One person's expected minutes for the period (workdays times hours per day); None: no bars.
    expected_minutes: int | None = None
    chart: bool = False  # the subscription's chart goes in the digest's thread
    # Holidays that took workdays out of the period, and members away in it.
    holidays: tuple[dt.date, ...] = ()
    away: tuple[AwayNote, ...] = ()
    freshness: Freshness = field(default_factory=Freshness)  # how current the figures are


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
    max_mentions: int = DEFAULT_MAX_MENTIONS,
    team_id: int = 0,
    attendance: Attendance | None = None,
    freshness: Freshness | None = None,
    members: Sequence[SimpleUser] = (),
) -> Digest:
    """Turn summaries into a Digest; ``options`` may hold ``top_projects`` (default 10),
    ``hours_per_day`` (default 8) and ``chart``. The "no time logged" list names only whom
    ``attendance`` expects to work (see ``idle_members``); with it, the holidays and the
    ``members`` away in the period are named, and the change compares like with like.

    The mention rule: only members without time are pinged, at most ``max_mentions`` of them:
    the first ones in the idle list's order (by name) whose e-mail maps to a Slack id. Everyone
    else is named; ``unpinged`` counts those Slack knows who were left unpinged by the cap.
    """
    options = options or {}
    top = int(options.get("top_projects", DEFAULT_TOP_PROJECTS))
    ids = {email.lower(): slack_id for email, slack_id in slack_ids_by_email.items()}
    idle, unpinged = _idle_lines(idle_members(summary, attendance), ids, max(0, max_mentions))
    return Digest(
        team_name=team_name,
        period=period,
        late=late,
        summary=summary,
        members=tuple(
            MemberLine(
                m.name,
                None,
                m.minutes,
                m.billable_minutes,
                m.user_id,
                _own_expected(m, period, attendance, options),
            )
            for m in summary.per_member
        ),
        projects=summary.per_project[:top],
        other_projects=max(0, len(summary.per_project) - top),
        idle=idle,
        change=_change(summary, previous, attendance, members),
        noko_url=noko_url,
        unpinged=unpinged,
        team_id=team_id,
        expected_minutes=expected_minutes(
            _working_days(period, attendance), hours_per_day(options)
        ),
        chart=bool(options.get("chart")),
        freshness=freshness or Freshness(),
        holidays=tuple(attendance.holidays_in(period)) if attendance else (),
        away=_away(attendance, members, period),
    )


def _away(
    attendance: Attendance | None, members: Sequence[SimpleUser], period: Period
) -> tuple[AwayNote, ...]:
    if attendance is None:
        return ()
    notes = (
        AwayNote(display_name(m), tuple(attendance.away_in(m.get("email"), period)))
        for m in members
    )
    return tuple(sorted((n for n in notes if n.days), key=lambda n: n.name.lower()))


def _own_expected(
    member: MemberHours,
    period: Period,
    attendance: Attendance | None,
    options: Mapping[str, Any],
) -> int | None:
    """A member's expected minutes when their days away make it differ from the period's: a
    bar of 3h / 40h for someone away four days of five would say they are far behind."""
    if attendance is None or not attendance.away_in(member.email, period):
        return None
    return expected_minutes(attendance.person_days([member.email], period), hours_per_day(options))


def _working_days(period: Period, attendance: Attendance | None) -> int:
    """Days of ``period`` people are expected to work: the subscription's workdays less the
    holidays when the calendar is known, else Monday to Friday."""
    if attendance is None:
        return len(Calendar().working_days(period, DEFAULT_WORKDAYS))
    return len(attendance.calendar.working_days(period, attendance.workdays))


def _idle_lines(
    idle: Sequence[MemberHours], ids: Mapping[str, str], budget: int
) -> tuple[tuple[MemberLine, ...], int]:
    """Idle members' lines, the first ``budget`` Slack knows mentioned; and how many more Slack
    knows (named without a ping)."""
    lines, unpinged = [], 0
    for member in idle:
        slack_id = ids.get((member.email or "").lower())
        if slack_id and budget:
            budget -= 1
            lines.append(MemberLine(member.name, f"<@{slack_id}>", 0, 0))
            continue
        unpinged += bool(slack_id)
        lines.append(MemberLine(member.name, None, 0, 0))
    return tuple(lines), unpinged


def _change(
    summary: TeamSummary,
    previous: TeamSummary | None,
    attendance: Attendance | None = None,
    members: Sequence[SimpleUser] = (),
) -> Change | None:
    if previous is None:
        return None
    delta = summary.total_minutes - previous.total_minutes
    before = previous.total_minutes
    change = Change(delta, before, delta / before * 100 if before else None)
    if attendance is None:
        return change
    emails = [m.get("email") for m in members]
    now, then = summary.period, previous.period
    return replace(
        change,
        working_days=len(attendance.calendar.working_days(now, attendance.workdays)),
        previous_working_days=len(attendance.calendar.working_days(then, attendance.workdays)),
        expected_days=attendance.person_days(emails, now),
        previous_expected_days=attendance.person_days(emails, then),
        away_days=sum(len(attendance.away_in(e, now)) for e in emails),
        previous_away_days=sum(len(attendance.away_in(e, then)) for e in emails),
    )


def team_summaries(
    data: TeamData, sight: Sight = EVERYONE
) -> tuple[TeamSummary, TeamSummary | None]:
    """The current and (when fetched) previous summaries of what ``sight`` may read of a team's
    fetched data (the change figure compares like with like)."""
    current = summarize(data.groups, data.members, data.period, sight, data.inactive)
    if data.previous is None:
        return current, None
    return current, summarize(
        data.previous_groups, data.members, data.previous, sight, data.inactive
    )


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
    max_mentions: int = DEFAULT_MAX_MENTIONS,
    attendance: Attendance | None = None,
) -> Digest:
    """The digest of fetched team data as ``sight`` may read it; ``slack_ids`` maps idle
    members' e-mails to mentions, at most ``max_mentions`` of them (see ``build_digest``).

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
        max_mentions=max_mentions,
        team_id=data.team_id,
        attendance=attendance,
        freshness=data.freshness,
        members=data.members,
    )
