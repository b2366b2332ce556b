"""Digest subscriptions from Slack: audited changes by those allowed, listings, digests now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.errors import BotError, NotAllowedError, UsageError, safe
from bot.services.authz import authorize_change
from bot.services.cache import NokoCache
from bot.services.digest import Digest, digest_from_data
from bot.services.fetch import TeamRequest, fetch_teams, fetch_week_start
from bot.services.numbers import parse_id
from bot.services.periods import (
    Period,
    PeriodError,
    day_period,
    month_period,
    parse_period,
    range_period,
    week_period,
)
from bot.services.schedule import covered_period, next_due
from bot.services.team_changes import ChangeContext
from bot.services.teams import find_team
from bot.storage import Schedule, Subscription, SubscriptionError
from bot.storage.records import WEEKDAYS as WEEKDAYS
from bot.zones import zone_info

# What a digest of each cadence reports on, as the periods users type (matches the scheduler).
DEFAULT_PERIOD = "last-week"
_WHAT = {
    "subscribe": "subscribe channels to digests",
    "unsubscribe": "unsubscribe channels from digests",
    "pause": "pause digests",
    "resume": "resume digests",
}

NextDue = Callable[[Subscription, dt.datetime], "dt.datetime | None"]


@dataclass(frozen=True)
class SubscriptionSpec:
    """A subscription as asked for; ``team`` is what the user typed (name, prefix or id)."""

    team: str
    channel_id: str
    schedule: Schedule


@dataclass(frozen=True)
class ScheduledDigest:
    subscription: Subscription
    next_due: dt.datetime | None


def _no_mentions(emails: Sequence[str]) -> Mapping[str, str]:
    # On-demand digests show names: a preview or an ad-hoc post should not ping anyone.
    return {}


def _audit(ctx: ChangeContext, action: str, team_id: int | None, team_name: str | None,
           result: str, detail: str | None) -> None:  # fmt: skip
    ctx.repo.record_audit(
        slack_user_id=ctx.actor_id, action=action, team_id=team_id, team_name=team_name,
        noko_user_ids=[], result=result, detail=detail,
    )  # fmt: skip


def authorize(ctx: ChangeContext, action: str, team_id: int | None, team_name: str) -> None:
    """The people who may change teams may change digests; a refusal is audited and raised."""
    actor = ctx.directory.profile(ctx.actor_id)
    needs_noko = actor is not None and not (actor.is_admin or actor.is_owner)
    decision = authorize_change(
        actor, bot_admins=ctx.bot_admins, noko_users=ctx.cache.users() if needs_noko else []
    )
    if not decision.allowed:
        _audit(ctx, action, team_id, team_name, "denied", decision.reason)
        raise NotAllowedError(f"Sorry, you can't {_WHAT[action]}. {decision.reason}")


def _schedule_text(spec: SubscriptionSpec) -> str:
    return f"{spec.schedule.as_words()} <#{spec.channel_id}>"


def subscribe(ctx: ChangeContext, spec: SubscriptionSpec) -> tuple[Subscription, bool]:
    """Create the subscription, or update the team's existing one in that channel (one digest
    per team and channel). Returns it and whether it is new."""
    # Refusals are audited with whatever was typed; find_team then bounds and cleans it.
    authorize(ctx, "subscribe", None, spec.team)
    team = find_team(ctx.cache, spec.team)
    team_id, team_name = int(team["id"]), str(team["name"])
    _check_channel(ctx, spec.channel_id, team_id, team_name)
    fields: dict[str, Any] = dict(team_name=team_name, paused=False, **spec.schedule.model_dump())
    existing = ctx.repo.list_subscriptions(team_id=team_id, channel_id=spec.channel_id)
    try:
        if existing:
            sub = ctx.repo.update_subscription(existing[0].id, **fields)
        else:
            sub = ctx.repo.create_subscription(
                team_id=team_id, channel_id=spec.channel_id, created_by=ctx.actor_id, **fields
            )
    except SubscriptionError as error:
        _audit(ctx, "subscribe", team_id, team_name, "failed", str(error))
        raise BotError(f"That schedule can't be used: {error}.") from None
    _audit(ctx, "subscribe", team_id, team_name, "ok", f"#{sub.id}: {_schedule_text(spec)}")
    return sub, not existing


def _check_channel(ctx: ChangeContext, channel_id: str, team_id: int, team_name: str) -> None:
    """Only a member of a channel may send digests there; refusals are audited like others."""
    member = ctx.directory.channel_member(channel_id, ctx.actor_id)
    if member:
        return
    if member is None:
        reason = (f"I can't see who is in <#{channel_id}> (a private channel I'm not in?). "
                  "Invite me with `/invite @noko-teams` there, then subscribe again.")  # fmt: skip
    else:
        reason = (
            f"You're not a member of <#{channel_id}>: join it first, or pick a channel you're in."
        )
    _audit(ctx, "subscribe", team_id, team_name, "denied", reason)
    raise NotAllowedError(f"Sorry, you can't subscribe that channel. {reason}")


def _subscription(ctx: ChangeContext, subscription_id: int) -> Subscription:
    sub = ctx.repo.get_subscription(subscription_id)
    if sub is None:
        raise BotError(f"There is no digest subscription #{subscription_id}. "
                       "See `/noko-team subscriptions`.")  # fmt: skip
    return sub


def _targets(ctx: ChangeContext, target: str, channel_id: str) -> list[Subscription]:
    """A number is a subscription id; anything else names a team (subscribed in the channel)."""
    subscription_id = parse_id(target)
    if subscription_id is not None:
        return [_subscription(ctx, subscription_id)]
    team = find_team(ctx.cache, target)
    found = ctx.repo.list_subscriptions(team_id=int(team["id"]), channel_id=channel_id)
    if not found:
        raise BotError(f"<#{channel_id}> gets no digest of *{safe(str(team['name']))}*.")
    return list(found)


def unsubscribe(ctx: ChangeContext, target: str, channel_id: str) -> list[Subscription]:
    """Delete the subscription ``target`` names; returns what was deleted."""
    subs = _targets(ctx, target, channel_id)
    authorize(ctx, "unsubscribe", subs[0].team_id, subs[0].team_name)
    for sub in subs:
        ctx.repo.delete_subscription(sub.id)
        detail = f"#{sub.id} <#{sub.channel_id}>"
        _audit(ctx, "unsubscribe", sub.team_id, sub.team_name, "ok", detail)
    return subs


def set_paused(ctx: ChangeContext, subscription_id: int, paused: bool) -> Subscription:
    """Pause or resume; the scheduler reads the flag at its next tick."""
    action = "pause" if paused else "resume"
    sub = _subscription(ctx, subscription_id)
    authorize(ctx, action, sub.team_id, sub.team_name)
    changed = ctx.repo.set_paused(sub.id, paused)
    if changed is None:
        raise BotError(f"Digest subscription #{sub.id} was deleted meanwhile.")
    _audit(ctx, action, sub.team_id, sub.team_name, "ok", f"#{sub.id} <#{sub.channel_id}>")
    return changed


def scheduled_digests(
    repo: Any, now: dt.datetime, next_due: NextDue, team_id: int | None = None
) -> list[ScheduledDigest]:
    """Every subscription (of one team) with when it is next posted."""
    subs = repo.list_subscriptions(team_id=team_id)
    return [ScheduledDigest(s, next_due(s, now)) for s in subs]


def scheduled_for_team(
    repo: Any, cache: NokoCache, now: dt.datetime, next_due: NextDue, team: str | None
) -> list[ScheduledDigest]:
    team_id = int(find_team(cache, team)["id"]) if team else None
    return scheduled_digests(repo, now, next_due, team_id)


def period_of(start: dt.date, end: dt.date, kind: str) -> Period:
    """The period a button remembered by its dates and kind, with the same label as before."""
    if kind == "day" and start == end:
        return day_period(start)
    if kind == "week" and (end - start).days == 6:
        return week_period(start, start.weekday())
    if kind == "month" and start.day == 1 and month_period(start.year, start.month).end == end:
        return month_period(start.year, start.month)
    return range_period(start, end)


def team_digest(noko: Any, team_id: int, period: Period, **options: Any) -> Digest:
    """Fetch and build one team's digest for ``period`` (the scheduler's build path)."""
    data = fetch_teams(noko, [TeamRequest(team_id, period)])
    result = next(iter(data.values()))
    if isinstance(result, Exception):
        raise result
    return digest_from_data(result, slack_ids=_no_mentions, **options)


def preview_digest(
    noko: Any, cache: NokoCache, team: str, period_text: str | None, today: dt.date
) -> tuple[int, Digest]:
    """A team's id and digest now, for ``period_text`` (default last week) as of ``today``."""
    found = find_team(cache, team)
    try:
        week_start = cache.week_start()
        period = parse_period(period_text or DEFAULT_PERIOD, today=today, week_start=week_start)
    except PeriodError as error:
        raise UsageError(str(error)) from None
    return int(found["id"]), team_digest(noko, int(found["id"]), period)


def subscription_digest(noko: Any, repo: Any, subscription_id: int, now: dt.datetime) -> Digest:
    """What the channel gets at the subscription's next post (as if posted now while paused):
    the period the clock will cover then, by the one rule, ``schedule.covered_period``."""
    sub = repo.get_subscription(subscription_id)
    if sub is None:
        raise BotError(f"There is no digest subscription #{subscription_id} any more.")
    post_at = next_due(sub, now) or now
    post_date = post_at.astimezone(zone_info(sub.timezone)).date()
    week_start = fetch_week_start(noko) if sub.cadence == "weekly" else 0
    period = covered_period(sub.cadence, post_date, week_start)
    return team_digest(noko, sub.team_id, period, team_name=sub.team_name, options=sub.options)
