"""The digest chart: drawn for subscriptions with the ``chart`` option and shared in the
thread of the digest just posted (the Runner's ``after_post`` hook)."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from bot.errors import safe
from bot.services.chart import CHART_PERIODS, chart_data, render_chart
from bot.services.reads import NokoReads
from bot.services.team_digest import DigestJob
from bot.slack.files import share_file
from bot.storage import Subscription


@dataclass(frozen=True)
class ChartSharer:
    """Draws the team's chart as the digest's owner may read it, and shares it in its thread."""

    reads: NokoReads
    client: WebClient

    def __call__(self, sub: Subscription, job: DigestJob, digest_ts: str) -> None:
        if not sub.options.get("chart"):
            return
        png = render_chart(chart_data(self.reads, job.team_id, job.period, job.sight))
        share_file(
            self.client,
            channel=sub.channel_id,
            content=png,
            filename=f"noko-{sub.team_id}-{job.period.start.isoformat()}.png",
            title=f"{sub.team_name} · {job.period.label}",
            thread_ts=digest_ts,
            comment=(
                f"Hours per member in *{safe(sub.team_name)}*: {safe(job.period.label)} "
                f"and the {CHART_PERIODS - 1} periods before it."
            ),
        )
