"""The clock's mirror jobs: a sync on start, then every NOKO_MIRROR_SYNC_SECONDS, the nightly
re-read, never two at once; none when NOKO_MIRROR=off."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]
from mirrorkit import open_mirror

from bot.mirror import MirrorStore
from bot.scheduler.mirror_jobs import add_mirror_jobs
from bot.settings import Settings
from noko_core import NokoClient
from noko_core.sandbox import Sandbox


@pytest.fixture
def store(tmp_path) -> Iterator[MirrorStore]:
    repo, mirror = open_mirror(f"sqlite:///{tmp_path / 'bot.db'}")
    yield mirror
    repo.close()


def test_clock_syncs_on_start_and_schedules_incremental_and_reread(
    store: MirrorStore, noko: NokoClient
) -> None:
    settings = Settings(_env_file=None, noko_mirror_sync_seconds=30, noko_mirror_reread_hour=4)
    scheduler = BackgroundScheduler()
    add_mirror_jobs(scheduler, settings, store, noko)
    scheduler.start()
    try:
        deadline = time.monotonic() + 60
        while store.state().first_done_at is None and time.monotonic() < deadline:
            time.sleep(0.1)
        sync, reread = scheduler.get_job("mirror-sync"), scheduler.get_job("mirror-reread")
    finally:
        scheduler.shutdown(wait=True)

    assert store.state().first_done_at is not None
    assert sync.trigger.interval.total_seconds() == 30 and sync.max_instances == 1
    assert "hour='4'" in str(reread.trigger)


def test_clock_mirror_jobs_never_run_together(store: MirrorStore, noko: NokoClient) -> None:
    settings = Settings(_env_file=None)
    scheduler = BackgroundScheduler()
    jobs = add_mirror_jobs(scheduler, settings, store, noko)
    assert jobs is not None
    started, release = threading.Event(), threading.Event()
    real = jobs.syncer.sync

    def slow_sync():  # type: ignore[no-untyped-def]
        started.set()
        release.wait(10)
        return real()

    jobs.syncer.sync = slow_sync  # type: ignore[method-assign]
    worker = threading.Thread(target=jobs.sync)
    worker.start()
    started.wait(5)

    assert jobs.reread() is None  # skipped: the sync is running
    release.set()
    worker.join(30)
    assert store.state().first_done_at is not None and store.state().last_reread_at is None


def test_clock_adds_no_mirror_job_when_the_mirror_is_off(
    store: MirrorStore, noko: NokoClient
) -> None:
    scheduler = BackgroundScheduler()

    assert (
        add_mirror_jobs(scheduler, Settings(_env_file=None, noko_mirror="off"), store, noko) is None
    )
    assert scheduler.get_jobs() == []


def test_clock_job_failure_is_logged_not_raised(
    store: MirrorStore, noko: NokoClient, sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    jobs = add_mirror_jobs(BackgroundScheduler(), Settings(_env_file=None), store, noko)
    assert jobs is not None
    sandbox.inject("status", status=500, path="/v2/teams")

    assert jobs.sync() is None

    assert "mirror sync failed: NokoServerError" in caplog.text
    assert store.log()[0].error is not None
