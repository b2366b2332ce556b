"""Digest subcommands: digest, subscribe, unsubscribe, subscriptions, pause, resume."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.blocks.common import Reply
from bot.blocks.digest import digest_messages
from bot.blocks.subscriptions import (
    digest_preview_reply,
    join_offer_reply,
    paused_reply,
    subscribed_reply,
    subscriptions_reply,
    unsubscribed_reply,
)
from bot.errors import TeamNotFoundError, UsageError, safe
from bot.listeners.actions.digests import DigestButton
from bot.listeners.commands.readings import Readings, readings_at
from bot.listeners.commands.registry import CommandContext, Subcommand
from bot.listeners.commands.subcommands.teams_read import HoursArgs
from bot.listeners.context import caller_zone, today_for
from bot.listeners.views.subscribe import (
    SubscribeDraft,
    day_choice,
    open_subscribe_modal,
)
from bot.services import subscriptions
from bot.services.calendar import parse_workdays
from bot.services.expected import MAX_HOURS_PER_DAY
from bot.services.numbers import is_id, parse_id, parse_number
from bot.services.posting import is_direct_message
from bot.services.subscriptions import ScheduledDigest, SubscriptionSpec, said_options
from bot.services.teams import choose_reading
from bot.storage.records import Cadence, Schedule, Subscription, schedule_problems

CHANNEL = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$")
# Any "digits:digits" is meant as a time; the Schedule rule says whether it is one.
_TIME = re.compile(r"[0-9]{1,2}:[0-9]{1,2}")
_SHORT_HOUR = re.compile(r"[0-9]:[0-9]{2}")
# "6h/day" or "7.5h/day": the hours a member is expected to log per workday (their bars).
_HOURS_PER_DAY = re.compile(r"([0-9]{1,2}(?:\.[0-9]{1,2})?)h/day")
_DAYS = {name: i for i, name in enumerate(subscriptions.WEEKDAYS)}
_DAYS |= {name[:3]: i for name, i in list(_DAYS.items())}
# Workdays are days joined by "-" (a span) or "," (a list): mon-fri, sun-thu, mon,wed,fri.
_WORKDAYS = re.compile(r"[a-z]{3,9}(?:[-,][a-z]{3,9})+")
NO_RAW_CHANNEL = "Pick the channel with Slack's # autocomplete, so it arrives as a link."
# A channel typed by hand: "#design", or "<#C1>" typed literally (it arrives as "&lt;#C1&gt;").
_TYPED_CHANNEL = ("#", "&lt;#")


class _Args(BaseModel):
    model_config = ConfigDict(frozen=True)


def channel_of(word: str) -> str | None:
    match = CHANNEL.match(word)
    return match.group(1) if match else None


class DigestArgs(HoursArgs):
    """`digest <team> [period]` reads its words exactly as `hours` does."""


class SubscriptionId(_Args):
    subscription_id: int = Field(gt=0)

    @classmethod
    def from_words(cls, words: Sequence[str]) -> SubscriptionId:
        subscription_id = parse_id(words[0].removeprefix("#")) if len(words) == 1 else None
        if subscription_id is None:
            raise UsageError("Give the subscription's number, as `/noko-team subscriptions` shows.")
        return cls(subscription_id=subscription_id)


class UnsubscribeArgs(_Args):
    target: str = Field(min_length=1, max_length=200)
    channel_id: str | None = None

    @classmethod
    def from_words(cls, words: Sequence[str]) -> UnsubscribeArgs:
        rest = [w.removeprefix("#") if is_id(w.removeprefix("#")) else w for w in words]
        channel = channel_of(rest[-1]) if rest else None
        if channel:
            rest.pop()
        if any(w.startswith(_TYPED_CHANNEL) for w in rest):
            raise UsageError(NO_RAW_CHANNEL)
        if not rest:
            raise UsageError("Which digest? Give its number or the team's name.")
        return cls(target=" ".join(rest), channel_id=channel)


class TeamFilter(_Args):
    team: str | None = Field(default=None, max_length=200)

    @classmethod
    def from_words(cls, words: Sequence[str]) -> TeamFilter:
        return cls(team=" ".join(words) or None)


class SubscribeArgs(_Args):
    """What the command said; ``problems`` (mrkdwn) and a missing team send the user to the
    form. The schedule fields keep only what the Schedule rule did not blame, to pre-fill it."""

    team: str | None = None
    channel_id: str | None = None
    cadence: Cadence | None = None
    weekday: int | None = None
    day_of_month: int | None = None
    local_time: str | None = None
    timezone: str | None = None
    # None: not said (an update keeps what the subscription had; new: no chart, 8h/day).
    chart: bool | None = None
    hours_per_day: float | None = None
    workdays: tuple[int, ...] | None = None
    problems: tuple[str, ...] = ()

    @classmethod
    def from_words(cls, words: Sequence[str]) -> SubscribeArgs:
        """The usual reading: the team ends before the first word that is a schedule option."""
        cut = _option_cut(words)
        return cls._cut(words[:cut], words[cut:])

    @classmethod
    def readings(cls, words: Sequence[str]) -> Readings[SubscribeArgs]:
        """The usual reading, and every other end of the team's words before any channel (a
        team may be called "Ops Daily"); a reading whose options have problems never fits."""
        usual = _option_cut(words)
        ends = range(1, len(words) + 1)
        others = [c for c in ends if c != usual and not any(map(_is_channel, words[:c]))]
        return readings_at(words, [usual, *others], cls._cut, lambda args: not args.problems)

    @classmethod
    def _cut(cls, team: Sequence[str], options: Sequence[str]) -> SubscribeArgs:
        found: dict[str, Any] = {"team": " ".join(team) or None}
        problems: list[str] = []
        for word in options:
            _read_option(word, found, problems)
        # The zone defaults to the subscriber's, looked up later; any real zone judges the rest.
        try:
            Schedule.model_validate(_schedule_values(found, "UTC"))
        except ValidationError as error:
            for problem in schedule_problems(error):
                problems.append(safe(problem.text))
                found.pop(problem.field, None)
        return cls(**found, problems=tuple(problems))

    def spec(self, channel_id: str, timezone: str) -> SubscriptionSpec:
        """Defaults: this channel and the subscriber's Slack time zone (``timezone``)."""
        schedule = Schedule.model_validate(_schedule_values(self.model_dump(), timezone))
        return SubscriptionSpec(
            team=self.team or "",
            channel_id=self.channel_id or channel_id,
            schedule=schedule,
            options=said_options(self.chart, self.hours_per_day),
            workdays=frozenset(self.workdays) if self.workdays is not None else None,
        )

    def draft(self, channel_id: str) -> SubscribeDraft:
        """The form pre-filled with what was said; its time zone is looked up once it is open."""
        values = _schedule_values(self.model_dump(), "")
        day = day_choice(values["cadence"], values["weekday"], values["day_of_month"])
        return SubscribeDraft(
            team=self.team,
            # A DM is no channel for a digest: the form leaves it empty and asks for one.
            channel_id=self.channel_id or (None if is_direct_message(channel_id) else channel_id),
            cadence=values["cadence"],
            day=day,
            local_time=values["local_time"],
            timezone=self.timezone,
            workdays=self.workdays,
            chart=self.chart,
            hours_per_day=self.hours_per_day,
            problems=self.problems,
        )


def _schedule_values(said: Mapping[str, Any], timezone: str) -> dict[str, Any]:
    """Defaults: weekly (monthly when a day number is given), Monday / day 1, 09:00."""
    weekday, day = said.get("weekday"), said.get("day_of_month")
    cadence = said.get("cadence") or ("monthly" if day is not None else "weekly")
    return {
        "cadence": cadence,
        "weekday": 0 if weekday is None and cadence == "weekly" else weekday,
        "day_of_month": 1 if day is None and cadence == "monthly" else day,
        "local_time": said.get("local_time") or "09:00",
        "timezone": said.get("timezone") or timezone,
    }


def _option_cut(words: Sequence[str]) -> int:
    if words and _kind(words[0]):
        return 0
    return next((i for i, w in enumerate(words) if i > 0 and _kind(w)), len(words))


def _is_channel(word: str) -> bool:
    return _kind(word) == "channel_id"


def _kind(word: str) -> str | None:
    lowered = word.lower()
    if channel_of(word) or word.startswith(_TYPED_CHANNEL):
        return "channel_id"
    if lowered in ("daily", "weekly", "monthly"):
        return "cadence"
    if lowered in _DAYS:
        return "weekday"
    if _WORKDAYS.fullmatch(lowered) and all(d in _DAYS for d in re.split("[-,]", lowered)):
        return "workdays"
    if _TIME.fullmatch(word):
        return "local_time"
    if lowered in ("chart", "no-chart", "nochart"):
        return "chart"
    if _HOURS_PER_DAY.fullmatch(lowered):
        return "hours_per_day"
    if "/" in word or word.upper() in ("UTC", "GMT"):
        return "timezone"
    return None


def _read_option(word: str, found: dict[str, Any], problems: list[str]) -> None:
    kind = _kind(word) or ("day_of_month" if parse_number(word) is not None else None)
    value, problem = _value(kind, word)
    if problem:
        problems.append(problem)
    elif kind in found:
        problems.append(f"“{safe(word)}”: the {str(kind).replace('_', ' ')} is given twice.")
    else:
        found[str(kind)] = value


def _value(kind: str | None, word: str) -> tuple[object, str | None]:
    if kind == "channel_id":
        channel = channel_of(word)
        return channel, None if channel else NO_RAW_CHANNEL
    if kind == "cadence":
        return word.lower(), None
    if kind == "weekday":
        return _DAYS[word.lower()], None
    if kind == "day_of_month":
        return parse_number(word), None
    if kind == "local_time":
        # "8:30" is how people write 08:30; anything else goes to the Schedule rule as typed.
        return ("0" + word if _SHORT_HOUR.fullmatch(word) else word), None
    if kind == "timezone":
        return ("UTC" if word.upper() in ("UTC", "GMT") else word), None
    if kind == "chart":
        return word.lower() == "chart", None
    if kind == "hours_per_day":
        hours = float(word.lower().removesuffix("h/day"))
        if not 0 < hours <= MAX_HOURS_PER_DAY:
            return None, f"“{safe(word)}”: hours per day go from more than 0 to 24."
        return hours, None
    if kind == "workdays":
        try:
            return tuple(sorted(parse_workdays(word))), None
        except UsageError as error:
            return None, error.problem
    return None, f"I don't understand “{safe(word[:40])}” here."


def _row(ctx: CommandContext, sub: Subscription) -> ScheduledDigest:
    return subscriptions.scheduled(sub, ctx.deps.clock(), ctx.deps.reads, ctx.deps.repo)


def run_digest(ctx: CommandContext, readings: Readings[DigestArgs]) -> Reply:
    args = choose_reading(ctx.deps.reads, "digest", readings)
    today = today_for(ctx.deps, ctx.changes)
    try:
        team_id, digest = subscriptions.preview_digest(
            ctx.deps.reads, args.team, args.period, today, ctx.sight, ctx.deps.repo
        )
    except TeamNotFoundError as error:
        raise args.explain(error) from None
    value = DigestButton.for_digest(team_id, digest)
    viewer = ctx.user_id if ctx.shared else None  # --share: the channel reads the caller's view
    return digest_preview_reply(digest_messages(digest, max_blocks=48, viewer=viewer), value)


def run_subscribe(ctx: CommandContext, readings: Readings[SubscribeArgs]) -> Reply | None:
    args = choose_reading(ctx.deps.reads, "subscribe", readings)
    if args.team is None or args.problems:
        # The time zone is looked up after the modal opened: the trigger expires in 3 s.
        draft = args.draft(ctx.channel_id)
        open_subscribe_modal(ctx.client, ctx.deps, ctx.changes, ctx.trigger_id, draft)
        return None
    spec = args.spec(ctx.channel_id, args.timezone or caller_zone(ctx.changes))
    try:
        sub, created = subscriptions.subscribe(ctx.changes, spec)
    except subscriptions.BotNotInChannelError as error:
        return join_offer_reply(error.user_message, error.channel_id)
    return ctx.announce(subscribed_reply(_row(ctx, sub), created))


def run_unsubscribe(ctx: CommandContext, args: UnsubscribeArgs) -> Reply:
    channel = args.channel_id or ctx.channel_id
    return ctx.announce(
        unsubscribed_reply(subscriptions.unsubscribe(ctx.changes, args.target, channel))
    )


def run_subscriptions(ctx: CommandContext, args: TeamFilter) -> Reply:
    deps = ctx.deps
    rows = subscriptions.scheduled_for_team(ctx.changes, deps.clock(), args.team)
    return subscriptions_reply(rows, args.team)


def _pause(ctx: CommandContext, args: SubscriptionId, paused: bool) -> Reply:
    sub = subscriptions.set_paused(ctx.changes, args.subscription_id, paused)
    return ctx.announce(paused_reply(_row(ctx, sub)))


def run_pause(ctx: CommandContext, args: SubscriptionId) -> Reply:
    return _pause(ctx, args, True)


def run_resume(ctx: CommandContext, args: SubscriptionId) -> Reply:
    return _pause(ctx, args, False)


SUBCOMMANDS = (
    Subcommand("digest", "<team> [period]",
               "A team's digest now, just for you, with a button to post it (default last-week).",
               DigestArgs.readings, run_digest, 30),
    Subcommand("subscribe", "<team> [#channel] [daily|weekly|monthly] [day] [HH:MM] [time zone] "
               "[workdays] [chart|no-chart] [Nh/day]",
               "Post the team's digest to a channel on a schedule (defaults: this channel, weekly, "
               "Monday, 09:00, your time zone, workdays mon-fri, 8h/day expected, no chart). "
               "Again for the same channel: changes what you name, keeps the rest. "
               "Without a team: opens a form.",
               SubscribeArgs.readings, run_subscribe, 31),
    Subcommand("unsubscribe", "<id|team> [#channel]", "Stop a channel digest.",
               UnsubscribeArgs.from_words, run_unsubscribe, 32),
    Subcommand("subscriptions", "[team]", "Channel digests, with their numbers and next post.",
               TeamFilter.from_words, run_subscriptions, 33),
    Subcommand("pause", "<id>", "Pause a channel digest.", SubscriptionId.from_words, run_pause,
               34),
    Subcommand("resume", "<id>", "Resume a paused channel digest.", SubscriptionId.from_words,
               run_resume, 35),
)  # fmt: skip
