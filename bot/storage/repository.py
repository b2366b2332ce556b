"""The one door to the database: intention-named methods returning plain records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.lock import SchedulerLock
from bot.storage.models import AbsenceRow, AuditRow, HolidayRow, RunRow, SubscriptionRow, UndoRow
from bot.storage.records import AUDIT_RESULTS, AuditRecord, Holiday, Run, Subscription, UndoOffer
from bot.storage.validation import check_changes, check_subscription

Clock = Callable[[], dt.datetime]
ID_CHUNK = 500  # ids per IN (...) list: far below SQLite's bound variables limit


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Repository:
    """Audit log, digest subscriptions, digest runs and undo offers. Thread-safe: one session
    per call."""

    def __init__(self, engine: Engine, *, clock: Clock = _utcnow) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._clock = clock
        self._lock = SchedulerLock(engine)

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    def close(self) -> None:
        self._lock.release()
        self.engine.dispose()

    # -- audit ---------------------------------------------------------------------------------
    def record_audit(
        self,
        *,
        slack_user_id: str,
        action: str,
        team_id: int | None,
        team_name: str | None,
        noko_user_ids: list[int],
        result: str,
        detail: str | None = None,
    ) -> None:
        """Record an attempt that is already over (a refusal, a local change) in one row."""
        _check_final(result)
        row = self._audit_row(slack_user_id, action, team_id, team_name, noko_user_ids, result)
        row.detail, row.finished_at = _storable_or_none(detail), row.created_at
        with self._session() as session:
            session.add(row)

    def begin_audit(
        self,
        *,
        slack_user_id: str,
        action: str,
        team_name: str | None,
        team_id: int | None = None,
        noko_user_ids: list[int] | None = None,
    ) -> int:
        """Record an attempt as ``pending`` before it is made; returns the row to finish."""
        row = self._audit_row(
            slack_user_id, action, team_id, team_name, noko_user_ids or [], "pending"
        )
        with self._session() as session:
            session.add(row)
            session.flush()
            return row.id

    def _audit_row(
        self,
        slack_user_id: str,
        action: str,
        team_id: int | None,
        team_name: str | None,
        noko_user_ids: list[int],
        result: str,
    ) -> AuditRow:
        return AuditRow(
            created_at=self._clock(),
            slack_user_id=_storable(slack_user_id),
            action=_storable(action),
            team_id=team_id,
            team_name=_storable_or_none(team_name),
            noko_user_ids=[int(i) for i in noko_user_ids],
            result=result,
        )

    def finish_audit(
        self,
        audit_id: int,
        *,
        result: str,
        team_id: int | None,
        team_name: str | None,
        noko_user_ids: list[int],
        detail: str | None = None,
    ) -> None:
        """Complete an attempt with its result (ok, failed, denied, unknown) and what it named."""
        _check_final(result)
        values = dict(
            result=result,
            team_id=team_id,
            team_name=_storable_or_none(team_name),
            noko_user_ids=[int(i) for i in noko_user_ids],
            detail=_storable_or_none(detail),
            finished_at=self._clock(),
        )
        with self._session() as session:
            session.execute(update(AuditRow).where(AuditRow.id == audit_id).values(**values))

    def list_audit(self, limit: int = 50) -> list[AuditRecord]:
        query = select(AuditRow).order_by(AuditRow.created_at.desc(), AuditRow.id.desc())
        with self._session() as session:
            return [_audit(row) for row in session.scalars(query.limit(limit))]

    # -- subscriptions -------------------------------------------------------------------------
    def create_subscription(
        self,
        *,
        team_id: int,
        team_name: str,
        channel_id: str,
        cadence: str,
        local_time: str,
        timezone: str,
        created_by: str,
        weekday: int | None = None,
        day_of_month: int | None = None,
        options: dict[str, Any] | None = None,
        paused: bool = False,
        read_level: str | None = None,
    ) -> Subscription:
        """Store a digest subscription; SubscriptionError (naming the fields) unless its schedule
        passes the one rule, ``Schedule``: a cadence carries only the day it uses."""
        fields: dict[str, Any] = dict(
            team_id=team_id,
            team_name=team_name,
            channel_id=channel_id,
            cadence=cadence,
            weekday=weekday,
            day_of_month=day_of_month,
            local_time=local_time,
            timezone=timezone,
            created_by=created_by,
            options=dict(options or {}),
            paused=paused,
            read_level=read_level,
        )
        check_subscription(fields)
        now = self._clock()
        row = SubscriptionRow(
            **fields, created_at=now, updated_at=now, next_due_at=None if paused else now
        )
        with self._session() as session:
            session.add(row)
            session.flush()
            return _subscription(row)

    def get_subscription(self, subscription_id: int) -> Subscription | None:
        with self._session() as session:
            row = session.get(SubscriptionRow, subscription_id)
            return _subscription(row) if row else None

    def list_subscriptions(
        self,
        *,
        team_id: int | None = None,
        channel_id: str | None = None,
        include_paused: bool = True,
    ) -> list[Subscription]:
        query = select(SubscriptionRow).order_by(SubscriptionRow.id)
        if team_id is not None:
            query = query.where(SubscriptionRow.team_id == team_id)
        if channel_id is not None:
            query = query.where(SubscriptionRow.channel_id == channel_id)
        if not include_paused:
            query = query.where(SubscriptionRow.paused.is_(False))
        with self._session() as session:
            return [_subscription(row) for row in session.scalars(query)]

    def update_subscription(self, subscription_id: int, **changes: Any) -> Subscription | None:
        """Apply ``changes``; the scheduler sees them at its next tick. None if it is gone."""
        check_changes(changes)
        with self._session() as session:
            row = session.get(SubscriptionRow, subscription_id, with_for_update=True)
            if row is None:
                return None
            merged = {**_subscription(row).__dict__, **changes}
            check_subscription(merged)
            for key, value in changes.items():
                setattr(row, key, value)
            row.updated_at = self._clock()
            row.next_due_at = _due_again(row)
            session.flush()
            return _subscription(row)

    def set_paused(self, subscription_id: int, paused: bool) -> Subscription | None:
        return self.update_subscription(subscription_id, paused=paused)

    def due_subscriptions(self, now: dt.datetime) -> list[Subscription]:
        """Active subscriptions a tick at ``now`` must plan: through the next-due index, so a
        tick reads only these rows, however many subscriptions there are."""
        query = (
            select(SubscriptionRow)
            .where(SubscriptionRow.next_due_at <= now, SubscriptionRow.paused.is_(False))
            .order_by(SubscriptionRow.id)
        )
        with self._session() as session:
            return [_subscription(row) for row in session.scalars(query)]

    def set_next_due(self, subscription: Subscription, at: dt.datetime) -> bool:
        """Move ``subscription`` to ``at`` once a tick took its due periods; False (nothing
        changed) when it was edited, paused or deleted since it was read: then it stays due."""
        unchanged = (
            (SubscriptionRow.id == subscription.id)
            & (SubscriptionRow.updated_at == subscription.updated_at)
            & SubscriptionRow.paused.is_(False)
        )
        with self._session() as session:
            result = session.execute(
                update(SubscriptionRow).where(unchanged).values(next_due_at=at)
            )
            return cast(CursorResult[Any], result).rowcount == 1

    def wake_subscriptions(self) -> None:
        """Make every active subscription due at the next tick (after a change to a rule its
        next-due time was computed with, such as the calendar)."""
        now = self._clock()
        active = SubscriptionRow.paused.is_(False) & (
            SubscriptionRow.next_due_at.is_(None) | (SubscriptionRow.next_due_at > now)
        )
        with self._session() as session:
            session.execute(update(SubscriptionRow).where(active).values(next_due_at=now))

    def delete_subscription(self, subscription_id: int) -> bool:
        with self._session() as session:
            result = session.execute(
                delete(SubscriptionRow).where(SubscriptionRow.id == subscription_id)
            )
            return bool(cast(CursorResult[Any], result).rowcount)

    # -- runs ----------------------------------------------------------------------------------
    def claim_run(
        self,
        subscription_id: int,
        period_key: str,
        *,
        late: bool,
        due_at: dt.datetime | None = None,
    ) -> Run | None:
        """Insert the unique run row; None when another scheduler (or an earlier tick) has it."""
        return self._insert_run(subscription_id, period_key, "claimed", late, due_at)

    def mark_missed(
        self, subscription_id: int, period_key: str, *, due_at: dt.datetime | None = None
    ) -> bool:
        """Record a period that will never be posted; False if the period already has a row."""
        return self._insert_run(subscription_id, period_key, "missed", False, due_at) is not None

    def _insert_run(
        self, subscription_id: int, key: str, state: str, late: bool, due_at: dt.datetime | None
    ) -> Run | None:
        now = self._clock()
        row = RunRow(
            subscription_id=subscription_id,
            period_key=key,
            state=state,
            late=late,
            due_at=due_at,
            claimed_at=now,
            finished_at=now if state == "missed" else None,
            attempts=0,
        )
        try:
            with self._session() as session:
                session.add(row)
                session.flush()
                return _run(row)
        except IntegrityError:
            return None

    def mark_posted(self, run_id: int, ts: str, *, error: str | None = None) -> None:
        self._finish(run_id, "posted", slack_ts=ts, error=error)

    def mark_failed(self, run_id: int, error: str) -> None:
        self._finish(run_id, "failed", error=error)

    def mark_unknown(self, run_id: int, error: str) -> None:
        self._finish(run_id, "unknown", error=error)

    def _finish(self, run_id: int, state: str, **values: Any) -> None:
        with self._session() as session:
            session.execute(
                update(RunRow)
                .where(RunRow.id == run_id)
                .values(state=state, finished_at=self._clock(), **values)
            )

    # -- runs tried again (bot.scheduler.runner: retries, unknown runs, the bot joining) ---------
    def schedule_retry(self, run_id: int, error: str, retry_at: dt.datetime) -> None:
        """Nothing was posted (Noko failed before the post): try again from ``retry_at``."""
        with self._session() as session:
            session.execute(
                update(RunRow)
                .where(RunRow.id == run_id)
                .values(
                    state="retry",
                    error=_storable(error),
                    retry_at=retry_at,
                    attempts=RunRow.attempts + 1,
                    finished_at=self._clock(),
                )
            )

    def reclaim_run(self, run_id: int, state: str, *, late: bool) -> Run | None:
        """Claim an existing row again, compare-and-set on its ``state``: the one caller that
        turns it from ``state`` into ``claimed`` owns the post; None for everyone else."""
        with self._session() as session:
            result = session.execute(
                update(RunRow)
                .where((RunRow.id == run_id) & (RunRow.state == state))
                .values(
                    state="claimed",
                    late=late,
                    retry_at=None,
                    claimed_at=self._clock(),
                    finished_at=None,
                )
            )
            if cast(CursorResult[Any], result).rowcount != 1:
                return None
            row = session.get(RunRow, run_id)
            return _run(row) if row else None

    def mark_found(self, run_id: int, ts: str) -> bool:
        """An ``unknown`` run was found posted (as ``ts``); False if it is no longer unknown."""
        unknown = (RunRow.id == run_id) & (RunRow.state == "unknown")
        with self._session() as session:
            result = session.execute(
                update(RunRow).where(unknown).values(state="posted", slack_ts=ts)
            )
            return cast(CursorResult[Any], result).rowcount == 1

    def runs_to_retry(self, now: dt.datetime) -> list[Run]:
        """Runs waiting in ``retry`` whose time has come, oldest due first."""
        query = (
            select(RunRow)
            .where((RunRow.state == "retry") & (RunRow.retry_at <= now))
            .order_by(RunRow.due_at, RunRow.id)
        )
        with self._session() as session:
            return [_run(row) for row in session.scalars(query)]

    def unknown_runs(self, due_since: dt.datetime) -> list[Run]:
        """Runs that may or may not have posted, due at or after ``due_since``."""
        query = (
            select(RunRow)
            .where((RunRow.state == "unknown") & (RunRow.due_at >= due_since))
            .order_by(RunRow.due_at, RunRow.id)
        )
        with self._session() as session:
            return [_run(row) for row in session.scalars(query)]

    def requeue_failed(
        self, channel_id: str, due_since: dt.datetime, now: dt.datetime
    ) -> list[Run]:
        """For each subscription of ``channel_id`` whose newest run failed (due at or after
        ``due_since``), put that run back in ``retry`` from ``now`` (compare-and-set on
        ``failed``); returns the runs re-queued."""
        subs = select(SubscriptionRow.id).where(SubscriptionRow.channel_id == channel_id)
        requeued: list[Run] = []
        with self._session() as session:
            for sub_id in session.scalars(subs):
                newest = session.scalars(
                    select(RunRow)
                    .where(RunRow.subscription_id == sub_id)
                    .order_by(RunRow.due_at.desc(), RunRow.id.desc())
                    .limit(1)
                ).first()
                if newest is None or newest.state != "failed":
                    continue
                if newest.due_at is None or newest.due_at < due_since:
                    continue
                result = session.execute(
                    update(RunRow)
                    .where((RunRow.id == newest.id) & (RunRow.state == "failed"))
                    .values(state="retry", retry_at=now)
                )
                if cast(CursorResult[Any], result).rowcount == 1:
                    session.refresh(newest)
                    requeued.append(_run(newest))
        return requeued

    def last_failures(self, subscription_ids: list[int]) -> dict[int, Run]:
        """Per subscription, its newest run when that one failed (the listing's warning)."""
        failures: dict[int, Run] = {}
        if not subscription_ids:
            return failures
        query = (
            select(RunRow)
            .where(RunRow.subscription_id.in_(subscription_ids))
            .where(RunRow.state != "missed")
            .order_by(RunRow.subscription_id, RunRow.claimed_at.desc(), RunRow.id.desc())
        )
        seen: set[int] = set()
        with self._session() as session:
            for row in session.scalars(query):
                if row.subscription_id in seen:
                    continue
                seen.add(row.subscription_id)
                if row.state == "failed":
                    failures[row.subscription_id] = _run(row)
        return failures

    def get_run(self, run_id: int) -> Run | None:
        with self._session() as session:
            row = session.get(RunRow, run_id)
            return _run(row) if row else None

    def runs_for(self, subscription_id: int, limit: int | None = None) -> list[Run]:
        """Runs of one subscription, newest claim first."""
        query = (
            select(RunRow)
            .where(RunRow.subscription_id == subscription_id)
            .order_by(RunRow.claimed_at.desc(), RunRow.id.desc())
            .limit(limit)
        )
        with self._session() as session:
            return [_run(row) for row in session.scalars(query)]

    def period_keys_since(
        self, since: dt.datetime, subscription_ids: Iterable[int] | None = None
    ) -> dict[int, set[str]]:
        """Period keys already taken, per subscription, for runs recorded at or after ``since``;
        only of ``subscription_ids`` when given."""
        return {
            sub_id: {key for key, _ in runs}
            for sub_id, runs in self.run_keys_since(since, subscription_ids).items()
        }

    def run_keys_since(
        self, since: dt.datetime, subscription_ids: Iterable[int] | None = None
    ) -> dict[int, list[tuple[str, dt.datetime | None]]]:
        """Each subscription's run keys with their due times, for runs recorded since ``since``;
        only of ``subscription_ids`` when given (read in chunks of ID_CHUNK)."""
        query = select(RunRow.subscription_id, RunRow.period_key, RunRow.due_at).where(
            RunRow.claimed_at >= since
        )
        keys: dict[int, list[tuple[str, dt.datetime | None]]] = {}
        if subscription_ids is None:
            chunks: list[list[int] | None] = [None]
        else:
            ids = sorted(set(subscription_ids))
            chunks = [ids[i : i + ID_CHUNK] for i in range(0, len(ids), ID_CHUNK)]
        with self._session() as session:
            for chunk in chunks:
                part = query if chunk is None else query.where(RunRow.subscription_id.in_(chunk))
                for subscription_id, key, due_at in session.execute(part):
                    keys.setdefault(subscription_id, []).append((key, due_at))
        return keys

    def flag_stale_claims(self, older_than: dt.datetime) -> list[Run]:
        """Turn claims abandoned by a crash into ``unknown``: they may or may not have posted."""
        stale = (RunRow.state == "claimed") & (RunRow.claimed_at < older_than)
        with self._session() as session:
            rows = list(session.scalars(select(RunRow).where(stale).with_for_update()))
            for row in rows:
                row.state, row.finished_at = "unknown", self._clock()
                row.error = "claimed but never finished (scheduler stopped mid-post?)"
            session.flush()
            return [_run(row) for row in rows]

    # -- undo offers ---------------------------------------------------------------------------
    def offer_undo(
        self,
        *,
        offer_id: str,
        slack_user_id: str,
        action: str,
        team_id: int,
        team_name: str,
        noko_user_ids: list[int],
        now: dt.datetime,
        expires_at: dt.datetime,
        old_name: str | None = None,
        keep_expired: dt.timedelta = dt.timedelta(days=1),
    ) -> UndoOffer:
        """Store an Undo button's change; offers expired over ``keep_expired`` ago are dropped."""
        row = UndoRow(
            id=offer_id,
            created_at=now,
            expires_at=expires_at,
            slack_user_id=_storable(slack_user_id),
            action=action,
            team_id=team_id,
            team_name=_storable(team_name),
            old_name=_storable_or_none(old_name),
            noko_user_ids=[int(i) for i in noko_user_ids],
        )
        with self._session() as session:
            session.execute(delete(UndoRow).where(UndoRow.expires_at < now - keep_expired))
            session.add(row)
            session.flush()
            return _undo(row)

    def get_undo(self, offer_id: str) -> UndoOffer | None:
        with self._session() as session:
            row = session.get(UndoRow, offer_id)
            return _undo(row) if row else None

    def claim_undo(self, offer_id: str, *, by: str, now: dt.datetime) -> bool:
        """Mark the offer used, atomically: True for the one caller that got it."""
        unused = (UndoRow.id == offer_id) & UndoRow.used_at.is_(None)
        with self._session() as session:
            result = session.execute(
                update(UndoRow).where(unused).values(used_at=now, used_by=_storable(by))
            )
            return cast(CursorResult[Any], result).rowcount == 1

    def release_undo(self, offer_id: str) -> None:
        """Make a claimed offer usable again (its undo failed without changing anything)."""
        with self._session() as session:
            session.execute(
                update(UndoRow).where(UndoRow.id == offer_id).values(used_at=None, used_by=None)
            )

    # -- calendar ------------------------------------------------------------------------------
    def add_holiday(self, day: dt.date, name: str | None, *, created_by: str) -> bool:
        """Add (or rename) a holiday; True when the day was not one yet."""
        with self._session() as session:
            row = session.get(HolidayRow, day, with_for_update=True)
            if row is not None:
                row.name = _storable_or_none(name)
                return False
            session.add(
                HolidayRow(
                    day=day,
                    name=_storable_or_none(name),
                    created_by=_storable(created_by),
                    created_at=self._clock(),
                )
            )
            return True

    def remove_holiday(self, day: dt.date) -> Holiday | None:
        """Remove a holiday; the removed one, or None when the day was none."""
        with self._session() as session:
            row = session.get(HolidayRow, day)
            if row is None:
                return None
            holiday = _holiday(row)
            session.delete(row)
            return holiday

    def list_holidays(self, since: dt.date | None = None) -> list[Holiday]:
        """Holidays (from ``since`` on), earliest first."""
        query = select(HolidayRow).order_by(HolidayRow.day)
        if since is not None:
            query = query.where(HolidayRow.day >= since)
        with self._session() as session:
            return [_holiday(row) for row in session.scalars(query)]

    def set_away(
        self, slack_user_id: str, email: str | None, start: dt.date, until: dt.date
    ) -> None:
        """Record someone away ``start``..``until``; it replaces their absences not yet begun."""
        with self._session() as session:
            session.execute(
                delete(AbsenceRow).where(
                    (AbsenceRow.slack_user_id == slack_user_id) & (AbsenceRow.start >= start)
                )
            )
            session.add(
                AbsenceRow(
                    slack_user_id=_storable(slack_user_id),
                    email=_storable_or_none(email),
                    start=start,
                    until=until,
                    created_at=self._clock(),
                )
            )

    def end_away(self, slack_user_id: str, today: dt.date) -> bool:
        """End someone's absence yesterday (dropping those not begun); True if one was open."""
        mine = (AbsenceRow.slack_user_id == slack_user_id) & (AbsenceRow.until >= today)
        with self._session() as session:
            rows = list(session.scalars(select(AbsenceRow).where(mine)))
            for row in rows:
                if row.start >= today:
                    session.delete(row)
                else:
                    row.until = today - dt.timedelta(days=1)
            return bool(rows)

    def absences_between(
        self, start: dt.date, end: dt.date
    ) -> list[tuple[str, str | None, dt.date, dt.date]]:
        """Absences overlapping ``start``..``end``: (Slack user, e-mail, start, until)."""
        query = select(AbsenceRow).where((AbsenceRow.start <= end) & (AbsenceRow.until >= start))
        with self._session() as session:
            return [
                (row.slack_user_id, row.email, row.start, row.until)
                for row in session.scalars(query.order_by(AbsenceRow.start))
            ]

    # -- scheduler lock ------------------------------------------------------------------------
    def try_scheduler_lock(self) -> bool:
        """True when this process is the active scheduler (always True on SQLite)."""
        return self._lock.try_acquire()

    def release_scheduler_lock(self) -> None:
        self._lock.release()


def _due_again(row: SubscriptionRow) -> dt.datetime | None:
    """After an edit: due at once (the next tick plans it afresh), or never while paused."""
    if row.paused:
        return None
    due = row.next_due_at
    return row.updated_at if due is None or due > row.updated_at else due


def _check_final(result: str) -> None:
    if result not in AUDIT_RESULTS or result == "pending":
        raise ValueError(f"an attempt ends ok, failed, denied or unknown, not {result!r}")


def _storable(text: str) -> str:
    # PostgreSQL text cannot hold NUL, nor UTF-8 a lone surrogate: keep a visible mark instead,
    # so no input can make the audit row itself fail.
    text = text.replace("\x00", "\ufffd")
    return text.encode("utf-8", "replace").decode("utf-8")


def _storable_or_none(text: str | None) -> str | None:
    return None if text is None else _storable(text)


def _audit(row: AuditRow) -> AuditRecord:
    return AuditRecord(
        id=row.id,
        at=row.created_at,
        slack_user_id=row.slack_user_id,
        action=row.action,
        team_id=row.team_id,
        team_name=row.team_name,
        noko_user_ids=tuple(row.noko_user_ids or ()),
        result=row.result,
        detail=row.detail,
        finished_at=row.finished_at,
    )


def _subscription(row: SubscriptionRow) -> Subscription:
    return Subscription(
        id=row.id,
        team_id=row.team_id,
        team_name=row.team_name,
        channel_id=row.channel_id,
        cadence=row.cadence,
        weekday=row.weekday,
        day_of_month=row.day_of_month,
        local_time=row.local_time,
        timezone=row.timezone,
        created_by=row.created_by,
        paused=bool(row.paused),
        created_at=row.created_at,
        updated_at=row.updated_at,
        options=dict(row.options or {}),
        read_level=row.read_level,
    )


def _run(row: RunRow) -> Run:
    return Run(
        id=row.id,
        subscription_id=row.subscription_id,
        period_key=row.period_key,
        state=row.state,
        late=bool(row.late),
        due_at=row.due_at,
        slack_ts=row.slack_ts,
        error=row.error,
        claimed_at=row.claimed_at,
        finished_at=row.finished_at,
        retry_at=row.retry_at,
        attempts=int(row.attempts or 0),
    )


def _holiday(row: HolidayRow) -> Holiday:
    return Holiday(day=row.day, name=row.name, created_by=row.created_by)


def _undo(row: UndoRow) -> UndoOffer:
    return UndoOffer(
        id=row.id,
        created_at=row.created_at,
        expires_at=row.expires_at,
        slack_user_id=row.slack_user_id,
        action=row.action,
        team_id=row.team_id,
        team_name=row.team_name,
        old_name=row.old_name,
        noko_user_ids=tuple(row.noko_user_ids or ()),
        used_at=row.used_at,
        used_by=row.used_by,
    )
