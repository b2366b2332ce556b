"""A team digest: the figures and names a digest message shows, decided in one pure step."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.services.access import EVERYONE, Sight
from bot.services.expected import expected_minutes, hours_per_day, workdays_in
from bot.services.fetch import TeamData
from bot.services.periods import Period
from bot.services.summary import ProjectHours, TeamSummary, summarize

NOKO_URL = "https://secure.nokotime.com/"
DEFAULT_TOP_PROJECTS = 10


@dataclass(frozen=True)
class MemberLine:
    """A member's row: ``mention`` is ``<@U…>`` when their Noko email maps to Slack."""

    name: str
    mention: str | None
    minutes: int
    billable_minutes: int
    user_id: int = 0  # Noko's: what the member's Details button names (0: no button)


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
    team_id: int = 0  # Noko's: what the Details buttons name (0: no buttons)
    # One person's expected minutes for the period (workdays times hours per day); None: no bars.
    expected_minutes: int | None = None
    chart: bool = False  # the subscription's chart goes in the digest's thread


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
    team_id: int = 0,
) -> Digest:
    """Turn summaries into a Digest; ``options`` may hold ``top_projects`` (default 10),
    ``hours_per_day`` (default 8) and ``chart``."""
    options = options or {}
    top = int(options.get("top_projects", DEFAULT_TOP_PROJECTS))
    ids = {email.lower(): slack_id for email, slack_id in slack_ids_by_email.items()}
    members = summary.per_member
    return Digest(
        team_name=team_name,
        period=period,
        late=late,
        summary=summary,
        members=tuple(
            _line(m.name, m.email, m.minutes, m.billable_minutes, ids, m.user_id) for m in members
        ),
        projects=summary.per_project[:top],
        other_projects=max(0, len(summary.per_project) - top),
        idle=tuple(_line(m.name, m.email, 0, 0, ids) for m in summary.members_without_time),
        change=_change(summary, previous),
        noko_url=noko_url,
        team_id=team_id,
        expected_minutes=expected_minutes(workdays_in(period), hours_per_day(options)),
        chart=bool(options.get("chart")),
    )


def _line(
    name: str,
    email: str | None,
    minutes: int,
    billable: int,
    ids: Mapping[str, str],
    user_id: int = 0,
) -> MemberLine:
    slack_id = ids.get((email or "").lower())
    return MemberLine(name, f"<@{slack_id}>" if slack_id else None, minutes, billable, user_id)


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


def idle_emails(summary: TeamSummary) -> list[str]:
    """E-mails of members without time: the only people a digest mentions."""
    return [m.email for m in summary.members_without_time if m.email]


def digest_from_data(
    data: TeamData,
    *,
    slack_ids: Callable[[Sequence[str]], Mapping[str, str]],
    team_name: str = "",
    noko_url: str = NOKO_URL,
    late: bool = False,
    options: Mapping[str, Any] | None = None,
    sight: Sight = EVERYONE,
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
        slack_ids_by_email=slack_ids(idle_emails(current)),
        late=late,
        options=options,
        team_id=data.team_id,
    )
