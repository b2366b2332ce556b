"""The clock's mirror jobs: a sync on start and every NOKO_MIRROR_SYNC_SECONDS (the first sync
until it has finished, then incremental), and the nightly re-read, never two at once."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from apscheduler.schedulers.base import BaseScheduler  # type: ignore[import-untyped]

from bot.mirror import MirrorStore, Syncer, SyncOptions, SyncResult
from bot.settings import Settings
from noko_core import NokoClient, background_requests

log = logging.getLogger(__name__)


class MirrorJobs:
    """Runs the syncs one at a time in this process (the database lease covers other processes)."""

    def __init__(self, syncer: Syncer) -> None:
        self.syncer = syncer
        self._running = threading.Lock()

    def sync(self) -> SyncResult | None:
        return self._run("sync", self.syncer.sync)

    def reread(self) -> SyncResult | None:
        return self._run("re-read", self.syncer.reread)

    def _run(self, name: str, work: Callable[[], SyncResult]) -> SyncResult | None:
        if not self._running.acquire(blocking=False):
            log.info("mirror %s skipped: another mirror job is running", name)
            return None
        try:
            with background_requests():  # commands' requests go first
                result = work()
        except Exception as error:  # the next run retries; the sync log keeps the error
            log.warning("mirror %s failed: %s: %s", name, type(error).__name__, error)
            return None
        finally:
            self._running.release()
        log.info(
            "mirror %s (%s): %d requests, %d stored, %d deleted",
            name,
            result.kind,
            result.requests,
            result.upserted,
            result.deleted,
        )
        return result


def add_mirror_jobs(
    scheduler: BaseScheduler, settings: Settings, store: MirrorStore, noko: NokoClient
) -> MirrorJobs | None:
    """Schedule the mirror's syncs on the clock's scheduler (nothing when NOKO_MIRROR=off)."""
    if settings.noko_mirror == "off":
        return None
    options = SyncOptions(
        window_days=settings.noko_mirror_window_days,
        reread_days=settings.noko_mirror_reread_days,
    )
    jobs = MirrorJobs(Syncer(store, noko, options=options))
    common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
    scheduler.add_job(
        jobs.sync,
        "interval",
        seconds=settings.noko_mirror_sync_seconds,
        id="mirror-sync",
        next_run_time=dt.datetime.now(dt.UTC),
        **common,
    )
    scheduler.add_job(
        jobs.reread,
        "cron",
        hour=settings.noko_mirror_reread_hour,
        minute=17,
        timezone=dt.UTC,
        id="mirror-reread",
        **common,
    )
    return jobs
