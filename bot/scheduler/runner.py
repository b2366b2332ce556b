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
from bot.blocks.subscriptions import failure_notice
from bot.errors import safe
from bot.scheduler.clock import Clock
from bot.scheduler.lanes import run_in_lanes
from bot.scheduler.plan import CatchUpPolicy, DueItem, plan_tick
from bot.services.access import ReadAccess, Reader, Sight
from bot.services.cache import NokoCache
from bot.services.calendar import Calendar, attendance_for, load_calendar
from bot.services.fetch import TeamData
from bot.services.live_reads import LiveReads
from bot.services.people import Directory as PeopleDirectory
from bot.services.posting import Message, PostOutcome
from bot.services.reads import NokoReads
from bot.services.schedule import legacy_keys, next_due, occurrence_due_at
from bot.services.team_digest import DigestJob, digest_for, fetch_for
from bot.settings import DEFAULT_MAX_MENTIONS
from bot.storage import Repository, Run, Subscription
from noko_core import NokoClient, NokoError
from noko_core.errors import NokoRateLimitError, NokoServerError, NokoTransportError

log = logging.getLogger(__name__)
STALE_CLAIM_AFTER = dt.timedelta(minutes=10)
# Channels posted to at once: Slack paces each channel, so one channel's long thread holds back
# only that channel, and the Slack round trips of different channels overlap.
POST_WORKERS = 8
# An unknown run not found in its channel's history after this long is posted again, late.
UNKNOWN_GRACE = dt.timedelta(minutes=10)
# A run a passing Noko failure kept from being built is tried again after 1, 2, 4… minutes
# (at most 30); a lasting one (a team gone, a bad token) fails at once.
PASSING_NOKO_ERRORS = (NokoServerError, NokoTransportError, NokoRateLimitError)
RETRY_FIRST = dt.timedelta(minutes=1)
RETRY_MAX = dt.timedelta(minutes=30)


class Poster(Protocol):
    def post(
        self,
        channel: str,
        messages: Sequence[Message],
        metadata: Mapping[str, Any] | None = None,
    ) -> PostOutcome: ...


class Directory(PeopleDirectory, Protocol):
    def slack_ids(self, emails: Iterable[str]) -> dict[str, str]: ...


class History(Protocol):
    def find_run(self, channel: str, run_id: int, oldest: dt.datetime) -> str | None:
        """The ts of the channel message carrying ``run_id``; raises when it can't tell."""
        ...


@dataclass
class TickReport:
    """What one tick did, for logs and tests."""

    active: bool = False
    posted: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)  # nothing posted; tried again later
    found: list[int] = field(default_factory=list)  # unknown runs found in their channel
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
    # Where teams, users and time are read (None: live reads through ``cache``).
    reads: NokoReads | None = None
    # READ_ACCESS, and AUDIT_CHANNEL for saying why a digest was paused.
    read_access: ReadAccess = "noko"
    audit_channel: str | None = None
    # DIGEST_MAX_MENTIONS: how many people one digest may ping.
    max_mentions: int = DEFAULT_MAX_MENTIONS
    # Off only in tests that prove the unique run row alone prevents double posts.
    single_active: bool = True
    # Test hook: called right after a claim, before anything is posted.
    after_claim: Callable[[Run], None] | None = None
    # Called with the main message's ts once a digest is posted (the chart, bot/scheduler/
    # charts.py); its failure is logged and changes nothing about the run.
    after_post: Callable[[Subscription, DigestJob, str], None] | None = None
    # How many channels a tick posts to at once (bot.scheduler.lanes); 1 posts one at a time.
    workers: int = POST_WORKERS
    # Resolves unknown runs from the channel's history (None: they stay unknown).
    history: History | None = None
    unknown_grace: dt.timedelta = UNKNOWN_GRACE
    _mutex: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.cache is None:
            self.cache = NokoCache(self.noko)
        if self.reads is None:
            self.reads = LiveReads(self.noko, self.cache)

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
        subs = self.repo.due_subscriptions(now)
        calendar, subs = self._calendar(subs)
        since = now - self.policy.lookback - dt.timedelta(days=1)
        runs = self.repo.run_keys_since(since, [s.id for s in subs])
        taken = {s.id: legacy_keys(s, runs.get(s.id, ()), calendar) for s in subs}
        plan = plan_tick(subs, now, taken, self.policy, calendar)
        for item in plan.missed:
            if self.repo.mark_missed(
                item.subscription.id, item.occurrence.key, due_at=item.occurrence.due_at
            ):
                report.missed.append(item.subscription.id)
        posting = {item.subscription.id for item in plan.post}
        for sub in subs:
            if sub.id not in posting:
                self._advance(sub, now, calendar)  # its due periods are all taken now
        if plan.post:
            self._deliver_all(plan.post, calendar, report, now)
        again = self._resolve_unknown(now, calendar, report)
        again += self._due_retries(now, calendar, report)
        if again:
            self._deliver_all(again, calendar, report, now)

    def _calendar(self, subs: list[Subscription]) -> tuple[Calendar, list[Subscription]]:
        """The calendar, and the subscriptions it lets this tick plan: a weekly period (and
        so its key) needs Noko's week start; while Noko can't say, weekly digests wait."""
        week_start = 0
        if any(s.cadence == "weekly" for s in subs):
            assert self.reads is not None  # set in __post_init__
            try:
                week_start = self.reads.week_start()
            except NokoError as exc:
                log.warning("week start not read (%s): weekly digests wait", type(exc).__name__)
                subs = [s for s in subs if s.cadence != "weekly"]
        return load_calendar(self.repo, week_start), subs

    def _advance(self, sub: Subscription, now: dt.datetime, calendar: Calendar) -> None:
        """Once the periods due by ``now`` are taken, ``sub`` is next due at its next occurrence
        (Noko's week start moves the covered period, never the due time; holidays may)."""
        upcoming = next_due(sub, now, calendar)
        self.repo.set_next_due(sub, upcoming or now + dt.timedelta(days=1))

    def _deliver_all(
        self, items: list[DueItem], calendar: Calendar, report: TickReport, now: dt.datetime
    ) -> None:
        jobs = [self._job(item, calendar) for item in items]
        assert self.reads is not None  # set in __post_init__
        data = fetch_for(self.reads, jobs)
        run_in_lanes(
            [(item, job, data[job.request]) for item, job in zip(items, jobs, strict=True)],
            lambda w: w[0].subscription.channel_id,
            lambda w: self._deliver(*w, report, now, calendar),
            workers=self.workers,
            stop=self.stop,
        )
        if self.stop.is_set():
            log.info("stopping: leaving the remaining digests for the next scheduler")

    def _job(self, item: DueItem, calendar: Calendar) -> DigestJob:
        sub, period = item.subscription, item.occurrence.period
        attendance = attendance_for(self.repo, sub.options, period, calendar)
        return DigestJob(
            sub.team_id, period, sub.team_name, item.late, sub.options, attendance=attendance
        )

    def _owner_sight(self, sub: Subscription) -> Sight | None:
        """What the subscription's owner may read now; None when that can't be told this tick
        (Slack or Noko failing): the period stays unclaimed and the next tick asks again."""
        assert self.reads is not None  # set in __post_init__
        try:
            sight = Reader(self.reads, self.directory, self.read_access).sight(sub.created_by)
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
        log.warning("paused subscription %s: its owner's Noko level fell", sub.id)
        self._clock_audit(
            sub,
            "pause",
            "ok",
            f"#{sub.id} <#{sub.channel_id}>: {reason}",
            f"Paused the digest of *{safe(sub.team_name)}* in <#{sub.channel_id}> (#{sub.id}): "
            f"a channel digest posts what its owner may read in Noko, and {reason}. "
            "Whoever resumes it becomes its owner.",
        )

    def _clock_audit(
        self, sub: Subscription, action: str, result: str, detail: str, announcement: str
    ) -> None:
        """What the clock did of its own accord: an audit row (as "clock") and a line in
        AUDIT_CHANNEL when set."""
        self.repo.record_audit(
            slack_user_id="clock",
            action=action,
            team_id=sub.team_id,
            team_name=sub.team_name,
            noko_user_ids=[],
            result=result,
            detail=detail[:500],
        )
        if self.audit_channel:
            self.poster.post(self.audit_channel, [Reply(announcement)])

    def _deliver(
        self,
        item: DueItem,
        job: DigestJob,
        data: TeamData | NokoError,
        report: TickReport,
        now: dt.datetime,
        calendar: Calendar,
    ) -> None:
        sub, occurrence = item.subscription, item.occurrence
        sight = self._owner_sight(sub)
        if sight is None:
            return
        if sight.level == "none" or sight.narrower_than(sub.read_level):
            self._pause_for(sub, sight, report)
            return
        job = replace(job, sight=sight)
        run = self._claim(item)
        self._advance(sub, now, calendar)  # the period is taken, by this claim or another's
        if run is None:
            log.info(
                "digest %s of subscription %s already claimed elsewhere", occurrence.key, sub.id
            )
            return  # another scheduler claimed it first: it owns the post
        if self.after_claim:
            self.after_claim(run)
        try:
            digest = digest_for(
                job, data, slack_ids=self.directory.slack_ids, max_mentions=self.max_mentions
            )
            messages = list(digest_messages(digest, viewer=sub.created_by))  # the owner's view
        except Exception as exc:
            self._not_built(item, run, exc, report)
            return
        metadata = {
            "event_type": "noko_digest",
            "event_payload": {"run_id": run.id, "period_key": occurrence.key},
        }
        outcome = self.poster.post(sub.channel_id, messages, metadata)
        self._record(run, outcome, report)
        if outcome.state == "posted" and outcome.ts:
            self._after_post(sub, job, outcome.ts)

    def _after_post(self, sub: Subscription, job: DigestJob, ts: str) -> None:
        if self.after_post is None:
            return
        try:
            self.after_post(sub, job, ts)
        except Exception as exc:
            log.warning("after posting subscription %s's digest: %s", sub.id, type(exc).__name__)

    def _record(self, run: Run, outcome: PostOutcome, report: TickReport) -> None:
        if outcome.state == "posted":
            self.repo.mark_posted(run.id, str(outcome.ts), error=outcome.error)
            report.posted.append(run.subscription_id)
            log.info("posted digest %s of subscription %s", run.period_key, run.subscription_id)
        elif outcome.state == "failed":
            self._fail(run, outcome.error or "failed", report)
        else:
            self.repo.mark_unknown(run.id, outcome.error or "unknown")
            report.unknown.append(run.subscription_id)
            log.warning("digest %s may or may not be posted: %s", run.period_key, outcome.error)

    # -- never silent: retries, failures told, unknown runs resolved ---------------------------
    def _claim(self, item: DueItem) -> Run | None:
        """Insert the period's run row, or take an existing one back (compare-and-set on its
        state): either way exactly one scheduler gets it."""
        sub, occurrence = item.subscription, item.occurrence
        if item.run is None:
            return self.repo.claim_run(
                sub.id, occurrence.key, late=item.late, due_at=occurrence.due_at
            )
        return self.repo.reclaim_run(item.run.id, item.run.state, late=item.late)

    def _not_built(self, item: DueItem, run: Run, exc: Exception, report: TickReport) -> None:
        """Nothing was posted: a passing Noko failure is tried again with backoff inside the
        catch-up window; anything else (or too late) fails, and a person is told."""
        error = f"{type(exc).__name__}: {exc}"
        retry_at = self._retry_at(run) if isinstance(exc, PASSING_NOKO_ERRORS) else None
        if retry_at is not None:
            log.warning("digest %s not built (%s): trying again at %s", run.id, error, retry_at)
            self.repo.schedule_retry(run.id, error, retry_at)
            report.retrying.append(item.subscription.id)
            return
        log.error("digest %s for subscription %s not built: %s", run.period_key, run.id, error)
        self._fail(run, error, report)

    def _retry_at(self, run: Run) -> dt.datetime | None:
        """When to try ``run`` again, or None when that falls outside the catch-up window."""
        delay: dt.timedelta = min(RETRY_FIRST * 2**run.attempts, RETRY_MAX)
        at: dt.datetime = self.clock.now() + delay
        if run.due_at is None or at - run.due_at > self.policy.window:
            return None
        return at

    def _fail(self, run: Run, error: str, report: TickReport) -> None:
        self.repo.mark_failed(run.id, error)
        report.failed.append(run.subscription_id)
        self._tell_failure(replace(run, state="failed", error=error))

    def _tell_failure(self, run: Run) -> None:
        """The subscriber gets a DM and the audit channel a line; never raises."""
        sub = self.repo.get_subscription(run.subscription_id)
        if sub is None:
            return
        try:
            self._clock_audit(
                sub,
                "digest",
                "failed",
                f"#{sub.id} <#{sub.channel_id}> {run.period_key}: {run.error}",
                failure_notice(sub, run, for_owner=False),
            )
            self.poster.post(sub.created_by, [Reply(failure_notice(sub, run, for_owner=True))])
        except Exception:
            log.exception("failure of digest run %s not told", run.id)

    def _again(self, sub: Subscription, run: Run, calendar: Calendar, late: bool) -> DueItem:
        """``run`` as an item to deliver again, its period read back from its due time."""
        found = occurrence_due_at(sub, run.due_at or run.claimed_at, calendar)
        occurrence = replace(found, key=run.period_key)
        return DueItem(sub, occurrence, late=late, run=run)

    def _due_retries(
        self, now: dt.datetime, calendar: Calendar, report: TickReport
    ) -> list[DueItem]:
        """Runs in ``retry`` whose time came: delivered again while within the catch-up
        window, else failed (and told)."""
        items = []
        for run in self.repo.runs_to_retry(now):
            sub = self.repo.get_subscription(run.subscription_id)
            if sub is None or sub.paused:
                continue
            age = now - (run.due_at or run.claimed_at)
            if age > self.policy.window:
                taken = self.repo.reclaim_run(run.id, "retry", late=True)
                if taken is not None:
                    self._fail(taken, f"gave up after {run.attempts} tries: {run.error}", report)
                continue
            late = self.policy.is_late(run.due_at or run.claimed_at, now, again=True)
            items.append(self._again(sub, run, calendar, late=late))
        return items

    def _resolve_unknown(
        self, now: dt.datetime, calendar: Calendar, report: TickReport
    ) -> list[DueItem]:
        """Unknown runs inside the catch-up window: found in the channel (message metadata) →
        posted; not found after ``unknown_grace`` → delivered again, once, marked late."""
        if self.history is None:
            return []
        items = []
        for run in self.repo.unknown_runs(now - self.policy.window):
            sub = self.repo.get_subscription(run.subscription_id)
            if sub is None:
                continue
            oldest = (run.due_at or run.claimed_at) - dt.timedelta(minutes=1)
            try:
                ts = self.history.find_run(sub.channel_id, run.id, oldest)
            except Exception as exc:
                log.warning("history of %s not read for run %s: %s", sub.channel_id, run.id, exc)
                continue
            if ts is not None:
                if self.repo.mark_found(run.id, ts):
                    report.found.append(sub.id)
                    log.info("unknown digest run %s was posted after all (%s)", run.id, ts)
            elif now - (run.finished_at or run.claimed_at) >= self.unknown_grace and not sub.paused:
                late = self.policy.is_late(run.due_at or run.claimed_at, now, again=True)
                items.append(self._again(sub, run, calendar, late=late))
        return items
