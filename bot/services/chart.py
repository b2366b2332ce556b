"""A team's hours per member over this period and the 8 before it, drawn as a PNG.

matplotlib draws on its Agg canvas through a Figure of its own (no pyplot state), so charts
can be drawn from several threads. Time data never leaves the process here: the PNG is shared
into the workspace by the Slack side (bot/slack/files.py), never through a public URL.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.services.access import Sight
from bot.services.fetch import span_of
from bot.services.people import display_name
from bot.services.periods import Period, previous_period
from bot.services.reads import EntryGroup, NokoReads
from noko_core import SimpleUser

CHART_PERIODS = 9  # this period and the 8 before it
CHART_MEMBERS = 8  # the members with most hours get a colour each; the rest are "Others"
WIDTH_PX, HEIGHT_PX, DPI = 960, 540, 96
OTHERS = "Others"


@dataclass(frozen=True)
class ChartData:
    """Minutes per member and period; ``periods`` oldest first, each row one per period."""

    team_name: str
    periods: tuple[Period, ...]
    rows: tuple[tuple[str, tuple[int, ...]], ...]


def chart_periods(period: Period, count: int = CHART_PERIODS) -> tuple[Period, ...]:
    """``period`` and the ``count - 1`` periods of its kind before it, oldest first."""
    found = [period]
    while len(found) < count:
        found.append(previous_period(found[-1]))
    return tuple(reversed(found))


def chart_data(reads: NokoReads, team_id: int, period: Period, sight: Sight) -> ChartData:
    """The team's members' time in each chart period, as ``sight`` may read it (one read of
    EntryGroups, one span per period)."""
    team = reads.team(team_id)
    members: Sequence[SimpleUser] = team.get("users") or ()
    periods = chart_periods(period)
    spans = [span_of(p) for p in periods]
    groups = reads.entry_groups([m["id"] for m in members], spans)
    return tally(str(team["name"]), members, periods, groups, sight)


def tally(
    team_name: str,
    members: Sequence[SimpleUser],
    periods: Sequence[Period],
    groups: Sequence[Iterable[EntryGroup]],
    sight: Sight,
) -> ChartData:
    """Each member's minutes per period (``groups``: each period's EntryGroups); the top
    members by total, the rest summed as Others."""
    names = {m["id"]: display_name(m) for m in members}
    minutes: dict[int, list[int]] = {}
    for index, period_groups in enumerate(groups):
        for group in period_groups:
            user_id = group.user["id"]
            if user_id in names and sight.sees(group):
                minutes.setdefault(user_id, [0] * len(periods))[index] += group.minutes
    ranked = sorted(minutes, key=lambda u: (-sum(minutes[u]), names[u].lower(), u))
    rows = [(names[u], tuple(minutes[u])) for u in ranked[:CHART_MEMBERS]]
    rest = ranked[CHART_MEMBERS:]
    if rest:
        rows.append((OTHERS, tuple(sum(minutes[u][i] for u in rest) for i in range(len(periods)))))
    return ChartData(team_name, tuple(periods), tuple(rows))


def render_chart(data: ChartData) -> bytes:
    """Stacked bars of hours per period, one colour per member: a PNG of WIDTH_PX by HEIGHT_PX."""
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)  # draws on Agg, whatever backend pyplot would pick
    axes = figure.add_subplot()
    positions = list(range(len(data.periods)))
    axes.set_xticks(positions, [_short(p) for p in data.periods])
    bottom = [0.0] * len(data.periods)
    for name, row in data.rows:
        hours = [m / 60 for m in row]
        axes.bar(positions, hours, bottom=bottom, label=name)
        bottom = [b + h for b, h in zip(bottom, hours, strict=True)]
    axes.set_ylabel("Hours")
    axes.set_title(f"{data.team_name}: hours per member", loc="left")
    if data.rows:
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small", frameon=False)
    else:
        axes.text(0.5, 0.5, "No time logged", ha="center", va="center", transform=axes.transAxes)
    figure.subplots_adjust(left=0.07, right=0.78, bottom=0.12, top=0.9)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _short(period: Period) -> str:
    """ "2 Nov" for a day or week, "Nov 26" for a month: short enough for 9 ticks."""
    if period.kind == "month":
        return f"{period.start:%b %y}"
    return f"{period.start.day} {period.start:%b}"
