"""Digest subscriptions from Slack: audited changes by those allowed, listings, digests now."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from bot.errors import BotError, NotAllowedError, UsageError, safe
from bot.services.access import NotVisibleError, Sight
from bot.services.calendar import Calendar, attendance_for, describe_workdays, load_calendar
from bot.services.changes import AuditTarget, ChangeContext, guarded
from bot.services.digest import Digest
from bot.services.numbers import parse_id
from bot.services.periods import PeriodError, parse_period
from bot.services.reads import NokoReads
from bot.services.schedule import NextPost, next_post
from bot.services.team_digest import DigestJob, build_team_digest
from bot.services.teams import find_team
from bot.storage import Repository, Run, Schedule, Subscription, SubscriptionError
from bot.storage.records import WEEKDAYS as WEEKDAYS

# What an on-demand digest reports on when no period is given.
DEFAULT_PERIOD = "last-week"


@dataclass(frozen=True)
class SubscriptionSpec:
    """A subscription as asked for; ``team`` is what the user typed (name, prefix or id)."""

    team: str
    channel_id: str
    schedule: Schedule
    # Digest options said with the schedule (``said_options``): ``chart`` and ``hours_per_day``
    # (bot/services/expected.py); options not named keep what the subscription had.
    options: dict[str, Any] = field(default_factory=dict)
    # The days people work (0=Monday); None keeps what the subscription had (new: Mon-Fri).
    workdays: frozenset[int] | None = None


@dataclass(frozen=True)
class ScheduledDigest:
    """A subscription and its next post (None while paused): when, and which period."""

    subscription: Subscription
    next: NextPost | None
    # Its newest run, when that one failed: what the listing warns about.
    last_failure: Run | None = None

    @property
    def next_due(self) -> dt.datetime | None:
        return self.next.due_at if self.next else None


def scheduled(
    sub: Subscription, now: dt.datetime, reads: NokoReads, repo: Repository
) -> ScheduledDigest:
    """``sub`` with its next post; the week start is read only for weekly digests."""
    return ScheduledDigest(sub, next_post(sub, now, _calendar_for(sub, reads, repo)))


def _calendar_for(sub: Subscription, reads: NokoReads, repo: Repository) -> Calendar:
    """The clock's calendar for ``sub``: only a weekly period depends on the week start, so
    the others need no Noko call."""
    return load_calendar(repo, reads.week_start() if sub.cadence == "weekly" else 0)


def said_options(chart: bool | None, hours_per_day: float | None) -> dict[str, Any]:
    """The digest options a command or form named; those left out (None) are not touched, so
    an update keeps them and a new digest gets the defaults (no chart, 8h/day)."""
    named: dict[str, Any] = {"chart": chart, "hours_per_day": hours_per_day}
    return {key: value for key, value in named.items() if value is not None}


def _schedule_text(spec: SubscriptionSpec) -> str:
    days = f" workdays {describe_workdays(spec.workdays)}" if spec.workdays is not None else ""
    return f"{spec.schedule.as_words()}{days} <#{spec.channel_id}>"


def subscribe(ctx: ChangeContext, spec: SubscriptionSpec) -> tuple[Subscription, bool]:
    """Create the subscription, or update the team's existing one in that channel (one digest
    per team and channel). Returns it and whether it is new.

    The digest posts what the person who last set it up may read in Noko: their level is
    recorded, and the clock pauses the subscription when it falls (``owner_fields``)."""
    # The audit row starts with whatever was typed; find_team then bounds and cleans it.
    target = AuditTarget(spec.team)

    def work() -> tuple[Subscription, bool]:
        owner = owner_fields(ctx)
        team = find_team(ctx.reads, spec.team)
        target.team_id, target.team_name = team_id, team_name = team["id"], team["name"]
        _check_channel(ctx, spec.channel_id)
        fields: dict[str, Any] = dict(
            team_name=team_name, paused=False, **owner, **spec.schedule.model_dump()
        )
        existing = ctx.repo.list_subscriptions(team_id=team_id, channel_id=spec.channel_id)
        options = {**(existing[0].options if existing else {}), **spec.options}
        if spec.workdays is not None:
            options["workdays"] = sorted(spec.workdays)
        fields["options"] = options
        try:
            if existing:
                sub = ctx.repo.update_subscription(existing[0].id, **fields)
            else:
                sub = ctx.repo.create_subscription(
                    team_id=team_id, channel_id=spec.channel_id, **fields
                )
        except SubscriptionError as error:  # a valid Schedule makes this unlikely; kept as a guard
            raise BotError(
                f"That schedule can't be used: {safe('; '.join(p.text for p in error.problems))}."
            ) from None
        if sub is None:
            raise BotError("That digest subscription was deleted meanwhile: subscribe again.")
        target.detail = f"#{sub.id}: {_schedule_text(spec)}"
        return sub, not existing

    return guarded(ctx, "subscribe", target, work)


def owner_fields(ctx: ChangeContext) -> dict[str, Any]:
    """Who a channel digest reads as: the actor, with their Noko level now. Someone who may read
    no time can't own one (it would post nothing)."""
    sight = ctx.actor_sight()
    if sight.level == "none":
        raise NotVisibleError(f"A channel digest posts the time you may read, and {sight.why}.")
    return {"created_by": ctx.actor_id, "read_level": sight.level}


def _check_channel(ctx: ChangeContext, channel_id: str) -> None:
    """Digests go only where the bot can post, and only a member of a channel may send digests
    there; refusals are audited like others."""
    _check_bot_can_post(ctx, channel_id)
    require_channel_member(ctx, channel_id, "subscribe that channel")


def require_channel_member(ctx: ChangeContext, channel_id: str, doing: str) -> None:
    """The one rule for every change to a channel's digests (subscribe, pause, resume,
    unsubscribe, the App Home buttons): only a member of the channel, as Slack lists them now
    (conversations.members), may make it. NotAllowedError says "Sorry, you can't <doing>."."""
    member = ctx.directory.channel_member(channel_id, ctx.actor_id)
    if member:
        return
    if member is None:
        reason = (
            f"I can't see who is in <#{channel_id}> (a private channel I'm not in?). "
            "Invite me with `/invite @noko-teams` there, then try again."
        )
    else:
        reason = (
            f"You're not a member of <#{channel_id}>, and only its members may change its "
            "digests: join it first, or pick a channel you're in."
        )
    raise NotAllowedError(f"Sorry, you can't {doing}. {reason}", reason=reason)


def may_see_channel(ctx: ChangeContext, channel_id: str) -> bool:
    """Whether the actor may see that ``channel_id`` gets digests: anyone for a public channel,
    only its members (the rule above) for a private one or one the bot can't see."""
    access = ctx.directory.channel_access(channel_id)
    if access.found and not access.is_private:
        return True
    return bool(ctx.directory.channel_member(channel_id, ctx.actor_id))


INVITE = "`/invite @noko-teams`"


class BotNotInChannelError(NotAllowedError):
    """A public channel the bot isn't in: it may join it (conversations.join) when asked."""

    def __init__(self, user_message: str, reason: str, channel_id: str) -> None:
        super().__init__(user_message, reason=reason)
        self.channel_id = channel_id


def _check_bot_can_post(ctx: ChangeContext, channel_id: str) -> None:
    """A DM, or a channel the bot is not in, would fail every period: refuse it now, saying how
    to fix it."""
    access = ctx.directory.channel_access(channel_id)
    if access.found and access.is_im:
        reason = "a digest can't go to a direct message. Pick a channel: " + safe(
            "`/noko-team subscribe <team> #channel`."
        )
    elif not access.found:
        reason = (
            "I can't post there: it is a direct message, or a private channel I'm not in. "
            f"Pick a channel, or invite me with {INVITE} there, then subscribe again."
        )
    elif not access.bot_member:
        kind = "the private channel " if access.is_private else ""
        reason = (
            f"I'm not in {kind}<#{channel_id}>, so I couldn't post there. "
            f"Invite me with {INVITE} in that channel, then subscribe again."
        )
        if not access.is_private:
            text = f"Sorry, you can't subscribe that channel: {reason}"
            raise BotNotInChannelError(text, reason, channel_id)
    else:
        return
    raise NotAllowedError(f"Sorry, you can't subscribe that channel: {reason}", reason=reason)


def _subscription(ctx: ChangeContext, subscription_id: int) -> Subscription:
    sub = ctx.repo.get_subscription(subscription_id)
    if sub is None:
        raise BotError(
            f"There is no digest subscription #{subscription_id}. See `/noko-team subscriptions`."
        )
    return sub


def _targets(ctx: ChangeContext, target: str, channel_id: str) -> list[Subscription]:
    """A number is a subscription id; anything else names a team (subscribed in the channel)."""
    subscription_id = parse_id(target)
    if subscription_id is not None:
        sub = _subscription(ctx, subscription_id)
        require_channel_member(ctx, sub.channel_id, f"unsubscribe digest #{sub.id}")
        return [sub]
    # Checked before the listing: a non-member learns nothing of the channel's digests.
    require_channel_member(ctx, channel_id, f"unsubscribe <#{channel_id}>")
    team = find_team(ctx.reads, target)
    found = ctx.repo.list_subscriptions(team_id=team["id"], channel_id=channel_id)
    if not found:
        raise BotError(f"<#{channel_id}> gets no digest of *{safe(str(team['name']))}*.")
    return list(found)


def unsubscribe(ctx: ChangeContext, target: str, channel_id: str) -> list[Subscription]:
    """Delete the subscription ``target`` names; returns what was deleted."""
    audit = AuditTarget(target)

    def work() -> list[Subscription]:
        subs = _targets(ctx, target, channel_id)
        audit.team_id, audit.team_name = subs[0].team_id, subs[0].team_name
        for sub in subs:
            ctx.repo.delete_subscription(sub.id)
        audit.detail = ", ".join(f"#{sub.id} <#{sub.channel_id}>" for sub in subs)
        return subs

    return guarded(ctx, "unsubscribe", audit, work)


def set_paused(ctx: ChangeContext, subscription_id: int, paused: bool) -> Subscription:
    """Pause or resume; the scheduler reads the flag at its next tick."""
    action = "pause" if paused else "resume"
    audit = AuditTarget(f"#{subscription_id}")

    def work() -> Subscription:
        sub = _subscription(ctx, subscription_id)
        audit.team_id, audit.team_name = sub.team_id, sub.team_name
        require_channel_member(ctx, sub.channel_id, f"{action} digest #{sub.id}")
        # Resuming makes the digest read as the one who resumed it (it may have been paused
        # because its owner lost their Noko level).
        owner = {} if paused else owner_fields(ctx)
        changed = ctx.repo.update_subscription(sub.id, paused=paused, **owner)
        if changed is None:
            raise BotError(f"Digest subscription #{sub.id} was deleted meanwhile.")
        audit.detail = f"#{sub.id} <#{sub.channel_id}>"
        return changed

    return guarded(ctx, action, audit, work)


def scheduled_digests(
    ctx: ChangeContext, now: dt.datetime, team_id: int | None = None
) -> list[ScheduledDigest]:
    """Every subscription (of one team) the actor may see (``may_see_channel``: a private
    channel's digests only to its members) with its next post and the period that covers, and
    its last failure when its newest run failed."""
    repo, reads = ctx.repo, ctx.reads
    subs = repo.list_subscriptions(team_id=team_id)
    visible: dict[str, bool] = {}  # one look per channel, however many digests it gets
    for channel_id in {s.channel_id for s in subs}:
        visible[channel_id] = may_see_channel(ctx, channel_id)
    subs = [s for s in subs if visible[s.channel_id]]
    failures = repo.last_failures([s.id for s in subs])
    return [replace(scheduled(s, now, reads, repo), last_failure=failures.get(s.id)) for s in subs]


def requeue_after_join(
    repo: Repository, channel_id: str, now: dt.datetime, window: dt.timedelta
) -> list[Run]:
    """The bot was added to ``channel_id``: the newest failed period of each digest there, when
    due within the catch-up ``window``, goes back to the clock, which posts it once, late."""
    return repo.requeue_failed(channel_id, now - window, now)


def scheduled_for_team(
    ctx: ChangeContext, now: dt.datetime, team: str | None
) -> list[ScheduledDigest]:
    team_id = find_team(ctx.reads, team)["id"] if team else None
    return scheduled_digests(ctx, now, team_id)


def preview_digest(
    reads: NokoReads,
    team: str,
    period_text: str | None,
    today: dt.date,
    sight: Sight,
    repo: Repository | None = None,
) -> tuple[int, Digest]:
    """A team's id and digest now, for ``period_text`` (default last week) as of ``today``, as
    ``sight`` may read it; with ``repo``, "no time logged" follows the calendar (holidays,
    people away, Monday to Friday)."""
    sight.require_time()
    found = find_team(reads, team)
    try:
        period = parse_period(
            period_text or DEFAULT_PERIOD, today=today, week_start=reads.week_start()
        )
    except PeriodError as error:
        raise UsageError(str(error)) from None
    attendance = attendance_for(repo, {}, period) if repo else None
    job = DigestJob(found["id"], period, sight=sight, attendance=attendance)
    return found["id"], build_team_digest(reads, job)


def subscription_digest(ctx: ChangeContext, subscription_id: int, now: dt.datetime) -> Digest:
    """What the channel gets at the subscription's next post (as if resumed, when paused): the
    period ``next_post`` says, the one the clock will cover then, as its owner may read it --
    unless the viewer may read less: nobody previews more than Noko shows them. Only those who
    may see the channel's digests (``may_see_channel``) preview them."""
    viewer = ctx.actor_sight()
    viewer.require_time()
    reads, repo = ctx.reads, ctx.repo
    sub = repo.get_subscription(subscription_id)
    # A private channel's digest is previewed, as it is listed, only to its members; to others
    # it is as if it did not exist (a forged Preview value learns nothing).
    if sub is None or not may_see_channel(ctx, sub.channel_id):
        raise BotError(f"There is no digest subscription #{subscription_id} any more.")
    calendar = _calendar_for(sub, reads, repo)
    upcoming = next_post(sub, now, calendar, even_if_paused=True)
    if upcoming is None:
        raise BotError(f"Digest subscription #{subscription_id} has no next post.")
    sight = viewer if not viewer.complete else ctx.reader.sight(sub.created_by)
    job = DigestJob(
        sub.team_id,
        upcoming.period,
        team_name=sub.team_name,
        options=sub.options,
        sight=sight,
        attendance=attendance_for(repo, sub.options, upcoming.period, calendar),
    )
    return build_team_digest(reads, job)
