"""Building team digests from Noko: the one path for the clock, previews, buttons and the CLI."""

# Every digest, scheduled or on demand, is fetched by ``fetch_teams`` (teams read once each,
# entries once per period for every team due together) and built by ``digest_from_data``.
# Only the clock mentions people (``slack_ids``); previews and ad-hoc posts name them.

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.services.access import EVERYONE, Sight
from bot.services.calendar import Attendance
from bot.services.digest import NOKO_URL, Digest, digest_from_data
from bot.services.fetch import FetchResult, TeamData, TeamRequest, fetch_teams
from bot.services.periods import Period
from bot.services.reads import NokoReads
from bot.settings import DEFAULT_MAX_MENTIONS
from noko_core import NokoError

SlackIds = Callable[[Sequence[str]], Mapping[str, str]]


def no_mentions(emails: Sequence[str]) -> Mapping[str, str]:
    """On-demand digests show names: a preview or an ad-hoc post should not ping anyone."""
    return {}


@dataclass(frozen=True)
class DigestJob:
    """One digest to build: a team, the period it covers, how it is shown, and whose Noko level
    it shows (the caller's; for a channel digest, its creator's)."""

    team_id: int
    period: Period
    team_name: str = ""
    late: bool = False
    options: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    sight: Sight = field(default=EVERYONE, hash=False, compare=False)
    # Who the period expects to work (workdays, holidays, people away); None: everyone.
    attendance: Attendance | None = field(default=None, hash=False, compare=False)

    @property
    def request(self) -> TeamRequest:
        return TeamRequest(self.team_id, self.period)


def fetch_for(reads: NokoReads, jobs: Sequence[DigestJob]) -> FetchResult:
    """Every job's data, fetched once for all of them (see ``fetch_teams``)."""
    return fetch_teams(reads, list(dict.fromkeys(job.request for job in jobs)))


def digest_for(
    job: DigestJob,
    data: TeamData | NokoError,
    *,
    slack_ids: SlackIds = no_mentions,
    max_mentions: int = DEFAULT_MAX_MENTIONS,
) -> Digest:
    """The job's digest from its fetched data, pinging at most ``max_mentions`` people (the
    clock's DIGEST_MAX_MENTIONS); raises the NokoError that prevented the fetch."""
    if isinstance(data, NokoError):
        raise data
    return digest_from_data(
        data,
        slack_ids=slack_ids,
        team_name=job.team_name,
        noko_url=str(job.options.get("noko_url") or NOKO_URL),
        late=job.late,
        options=job.options,
        sight=job.sight,
        max_mentions=max_mentions,
        attendance=job.attendance,
    )


def build_team_digest(
    reads: NokoReads, job: DigestJob, *, slack_ids: SlackIds = no_mentions
) -> Digest:
    """One team's digest, fetched and built; raises the NokoError that prevented it."""
    return digest_for(job, fetch_for(reads, [job])[job.request], slack_ids=slack_ids)
