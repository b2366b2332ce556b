"""One scheduler tick: plan from the database, claim each run, then build, post and record."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from bot.blocks.common import Reply
from bot.blocks.digest import digest_messages
from bot.errors import safe
from bot.scheduler.clock import Clock
from bot.scheduler.plan import CatchUpPolicy, DueItem, plan_tick
from bot.services.access import ReadAccess, Reader, Sight
from bot.services.cache import NokoCache
from bot.services.calendar import Calendar, attendance_for, load_calendar
from bot.services.fetch import TeamData
from bot.services.people import Directory as PeopleDirectory
from bot.services.posting import Message, PostOutcome
from bot.services.schedule import legacy_keys
from bot.services.team_digest import DigestJob, digest_for, fetch_for
from bot.storage import Repository, Run, Subscription
from noko_core import NokoClient, NokoError

log = logging.getLogger(__name__)
STALE_CLAIM_AFTER = dt.timedelta(minutes=10)


class Poster(Protocol):
    def post(
        self,
        channel: str,
        messages: Sequence[Message],
        metadata: Mapping[str, Any] | None = None,
    ) -> PostOutcome: ...


class Directory(PeopleDirectory, Protocol):
    def slack_ids(self, emails: Iterable[str]) -> dict[str, str]: ...


@dataclass
class TickReport:
    """What one tick did, for logs and tests."""

    active: bool = False
    posted: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    paused: list[int] = field(default_factory=list)  # their owner may no longer read them


@dataclass
class Runner:
    repo: Repository
    noko: NokoClient
    poster: Poster
    directory: Directory
    clock: Clock
    policy: CatchUpPolicy
    stop: threading.Event = field(default_factory=threading.Event)
    stale_after: dt.timedelta = STALE_CLAIM_AFTER
    # The week start and other account facts, shared with the Socket Mode worker when in one.
    cache: NokoCache | None = None
    # READ_ACCESS, and AUDIT_CHANNEL for saying why a digest was paused.
    read_access: ReadAccess = "noko"
    audit_channel: str | None = None
    # Off only in tests that prove the unique run row alone prevents double posts.
    single_active: bool = True
    # Test hook: called right after a claim, before anything is posted.
    after_claim: Callable[[Run], None] | None = None
    _mutex: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.cache is None:
            self.cache = NokoCache(self.noko)

    def tick(self) -> TickReport:
        """Never raises: a failing tick is logged and the next one starts afresh."""
        report = TickReport()
        if self.stop.is_set():
            return report
        with self._mutex:  # one tick at a time per process, whoever calls it
            try:
                self._tick(report)
            except Exception:
                log.exception("digest tick failed")
        return report

    def _tick(self, report: TickReport) -> None:
        if self.single_active and not self.repo.try_scheduler_lock():
            log.debug("another scheduler holds the lock; standing by")
            return
        report.active = True
        now = self.clock.now()
        report.stale = [r.id for r in self.repo.flag_stale_claims(now - self.stale_after)]
        for run_id in report.stale:
            log.warning("run %s was claimed but never finished: flagged unknown", run_id)
        subs = self.repo.list_subscriptions(include_paused=False)
        calendar, subs = self._calendar(subs)
        runs = self.repo.run_keys_since(now - self.policy.lookback - dt.timedelta(days=1))
        taken = {s.id: legacy_keys(s, runs.get(s.id, ()), calendar) for s in subs}
        plan = plan_tick(subs, now, taken, self.policy, calendar)
        for item in plan.missed:
            if self.repo.mark_missed(
                item.subscription.id, item.occurrence.key, due_at=item.occurrence.due_at
            ):
                report.missed.append(item.subscription.id)
        if plan.post:
            self._deliver_all(plan.post, calendar, report)

    def _calendar(self, subs: list[Subscription]) -> tuple[Calendar, list[Subscription]]:
        """The calendar, and the subscriptions it lets this tick plan: a weekly period (and
        so its key) needs Noko's week start; while Noko can't say, weekly digests wait."""
        week_start = 0
        if any(s.cadence == "weekly" for s in subs):
            assert self.cache is not None  # set in __post_init__
            try:
                week_start = self.cache.week_start()
            except NokoError as exc:
                log.warning("week start not read (%s): weekly digests wait", type(exc).__name__)
                subs = [s for s in subs if s.cadence != "weekly"]
        return load_calendar(self.repo, week_start), subs

    def _deliver_all(self, items: list[DueItem], calendar: Calendar, report: TickReport) -> None:
        jobs = [self._job(item, calendar) for item in items]
        data = fetch_for(self.noko, jobs)
        for item, job in zip(items, jobs, strict=True):
            if self.stop.is_set():
                log.info("stopping: leaving the remaining digests for the next scheduler")
                return
            self._deliver(item, job, data[job.request], report)

    def _job(self, item: DueItem, calendar: Calendar) -> DigestJob:
        sub, period = item.subscription, item.occurrence.period
        attendance = attendance_for(self.repo, sub.options, period, calendar)
        return DigestJob(
            sub.team_id, period, sub.team_name, item.late, sub.options, attendance=attendance
        )

    def _owner_sight(self, sub: Subscription) -> Sight | None:
        """What the subscription's owner may read now; None when that can't be told this tick
        (Slack or Noko failing): the period stays unclaimed and the next tick asks again."""
        assert self.cache is not None  # set in __post_init__
        try:
            sight = Reader(self.cache, self.directory, self.read_access).sight(sub.created_by)
        except Exception as exc:
            log.warning("owner of subscription %s not looked up: %s", sub.id, type(exc).__name__)
            return None
        return None if sight.unknown else sight

    def _pause_for(self, sub: Subscription, sight: Sight, report: TickReport) -> None:
        """The owner's level fell: pause rather than post what they may no longer read."""
        if self.repo.set_paused(sub.id, True) is None:
            return
        report.paused.append(sub.id)
        now = (
            sight.why
            if sight.level == "none"
            else f"they are a {sight.why}, who sees less than when it was set up"
        )
        reason = f"<@{sub.created_by}> owns it and now: {now}"
        self.repo.record_audit(
            slack_user_id="clock",
            action="pause",
            team_id=sub.team_id,
            team_name=sub.team_name,
            noko_user_ids=[],
            result="ok",
            detail=f"#{sub.id} <#{sub.channel_id}>: {reason}"[:500],
        )
        log.warning("paused subscription %s: its owner's Noko level fell", sub.id)
        if self.audit_channel:
            text = (
                f"Paused the digest of *{safe(sub.team_name)}* in <#{sub.channel_id}> (#{sub.id}): "
                f"a channel digest posts what its owner may read in Noko, and {reason}. "
                "Whoever resumes it becomes its owner."
            )
            self.poster.post(self.audit_channel, [Reply(text)])

    def _deliver(
        self, item: DueItem, job: DigestJob, data: TeamData | NokoError, report: TickReport
    ) -> None:
        sub, occurrence = item.subscription, item.occurrence
        sight = self._owner_sight(sub)
        if sight is None:
            return
        if sight.level == "none" or sight.narrower_than(sub.read_level):
            self._pause_for(sub, sight, report)
            return
        job = replace(job, sight=sight)
        run = self.repo.claim_run(sub.id, occurrence.key, late=item.late, due_at=occurrence.due_at)
        if run is None:
            log.info(
                "digest %s of subscription %s already claimed elsewhere", occurrence.key, sub.id
            )
            return  # another scheduler claimed it first: it owns the post
        if self.after_claim:
            self.after_claim(run)
        try:
            digest = digest_for(job, data, slack_ids=self.directory.slack_ids)
            messages = list(digest_messages(digest))
        except Exception as exc:
            log.exception("digest %s for subscription %s not built", occurrence.key, sub.id)
            self.repo.mark_failed(run.id, f"{type(exc).__name__}: {exc}")
            report.failed.append(sub.id)
            return
        metadata = {
            "event_type": "noko_digest",
            "event_payload": {"run_id": run.id, "period_key": occurrence.key},
        }
        self._record(run, self.poster.post(sub.channel_id, messages, metadata), report)

    def _record(self, run: Run, outcome: PostOutcome, report: TickReport) -> None:
        if outcome.state == "posted":
            self.repo.mark_posted(run.id, str(outcome.ts), error=outcome.error)
            report.posted.append(run.subscription_id)
            log.info("posted digest %s of subscription %s", run.period_key, run.subscription_id)
        elif outcome.state == "failed":
            self.repo.mark_failed(run.id, outcome.error or "failed")
            report.failed.append(run.subscription_id)
        else:
            self.repo.mark_unknown(run.id, outcome.error or "unknown")
            report.unknown.append(run.subscription_id)
            log.warning("digest %s may or may not be posted: %s", run.period_key, outcome.error)
