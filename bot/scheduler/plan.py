"""Which occurrences a tick posts, and which it records as missed (the catch-up rule)."""

# For each active subscription, the occurrences due since it was created (looking back at most
# ``lookback``) that have no run row yet are pending. Only the newest pending one may be posted,
# and only while it is at most ``window`` old (the catch-up window; never less than the on-time
# grace); it is marked late when older than ``grace`` (``CatchUpPolicy.is_late``, the rule
# for posts made again too). Every other pending one is recorded missed.
# An occurrence is taken when its period's key is, or its pre-upgrade ISO weekly key is.

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.services.calendar import Calendar
from bot.services.schedule import Occurrence, occurrences_between
from bot.storage import Run, Subscription


@dataclass(frozen=True)
class DueItem:
    subscription: Subscription
    occurrence: Occurrence
    late: bool
    # An existing run row to claim again (a retry, an unknown run not found in the channel).
    run: Run | None = None


@dataclass
class TickPlan:
    post: list[DueItem] = field(default_factory=list)
    missed: list[DueItem] = field(default_factory=list)


@dataclass(frozen=True)
class CatchUpPolicy:
    window: dt.timedelta
    grace: dt.timedelta
    lookback: dt.timedelta

    @classmethod
    def from_settings(cls, catch_up_hours: float, poll_seconds: float) -> CatchUpPolicy:
        # A post counts as on time if it goes out within a couple of ticks of its due time.
        grace = dt.timedelta(seconds=2 * poll_seconds + 60)
        window = max(dt.timedelta(hours=catch_up_hours), grace)
        return cls(window=window, grace=grace, lookback=window + dt.timedelta(days=8))

    def is_late(self, due_at: dt.datetime, now: dt.datetime, *, again: bool = False) -> bool:
        """Whether a post made at ``now`` is marked late: a first try is on time within the
        grace (a tick or two after its due time); a post made ``again`` (a retry, after the bot
        rejoined the channel, an unknown run) is late as soon as its due time has passed."""
        return now - due_at > (dt.timedelta(0) if again else self.grace)


def plan_tick(
    subscriptions: Iterable[Subscription],
    now: dt.datetime,
    taken: Mapping[int, set[str]],
    policy: CatchUpPolicy,
    calendar: Calendar,
) -> TickPlan:
    """``taken``: each subscription's stored keys (with ``schedule.legacy_keys`` added)."""
    plan = TickPlan()
    for sub in subscriptions:
        after = max(sub.created_at, now - policy.lookback)
        used = taken.get(sub.id, set())
        pending = [
            o
            for o in occurrences_between(sub, after, now, calendar)
            if o.key not in used and o.legacy_key not in used
        ]
        if not pending:
            continue
        *older, newest = pending
        plan.missed.extend(DueItem(sub, o, late=True) for o in older)
        age = now - newest.due_at
        if age <= policy.window:
            plan.post.append(DueItem(sub, newest, late=policy.is_late(newest.due_at, now)))
        else:
            plan.missed.append(DueItem(sub, newest, late=True))
    return plan
