"""Benchmark: time from an entry change in Noko (the sandbox) to the mirror having it, with
webhooks and with polling only (the clock's incremental sync)."""

# One in-process sandbox (its demo dataset, rate limit off) and, per mode and run, a fresh SQLite
# mirror after its first sync. An entry is edited through the API (`NokoClient.edit_entry`, a
# second client standing for a person in Noko); the clock is the time from edit_entry's answer
# to the mirror's row holding the new minutes (the database polled every 5 ms).
# - webhooks: the bot's Flask app serves /noko/webhooks on a real port; the webhook is
#   registered the way `noko-bot webhooks install` does; no sync runs.
# - polling only: no webhook; the clock's mirror jobs (bot.scheduler.mirror_jobs on an
#   APScheduler, as `noko-bot clock` runs them) sync every --interval seconds, client paced at
#   Noko's 2 requests/s. Expected: a wait of up to one interval, plus one incremental sync.
# Each run edits --changes entries, one at a time, at random moments; modes alternate by run.
#
#     .venv/bin/python bench/bench_freshness.py [--runs 3] [--changes 8] [--interval 10]
#
# Exit code: 0 when every change reached the mirror (webhooks within 5 s, polling within two
# intervals plus 10 s); 1 when a check failed; 2 when it could not run.

from __future__ import annotations

import argparse
import logging
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import cell, runs_argument, verdict

from bot.mirror import MirrorStore, Syncer
from bot.mirror.cli import WEBHOOK_NAME, WEBHOOK_PATH
from bot.mirror.storage.models import MirrorEntryRow
from bot.mirror.webhooks import EVENTS
from bot.scheduler.mirror_jobs import add_mirror_jobs
from bot.settings import Settings
from bot.storage import Repository, open_repository
from bot.web import create_web_app
from noko_core import NokoClient
from noko_core.sandbox import Sandbox, build_dataset

TIMEOUT = 120.0


def _minutes(store: MirrorStore, entry_id: int) -> int | None:
    from sqlalchemy import select

    with store.read() as session:
        return session.scalar(select(MirrorEntryRow.minutes).where(MirrorEntryRow.id == entry_id))


def _wait_for(store: MirrorStore, entry_id: int, minutes: int) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < TIMEOUT:
        if _minutes(store, entry_id) == minutes:
            return time.perf_counter() - start
        time.sleep(0.005)
    return float("nan")


def _edits(sb: Sandbox, store: MirrorStore, changes: int, pause: float, seed: int) -> list[float]:
    """Edit ``changes`` recent entries at random moments; each one's time to the mirror."""
    person = NokoClient(sb.token, base_url=sb.base_url, requests_per_second=None)
    rng = random.Random(seed)
    recent = [e.id for e in sb.store.entries if e.approved_at is None and e.invoice_id is None]
    delays = []
    for i in range(changes):
        time.sleep(rng.uniform(0, pause))
        edited = person.edit_entry(recent[i], minutes=600 + 60 * i)
        delays.append(_wait_for(store, recent[i], edited["minutes"]))
    person.close()
    return delays


def _synced(
    sb: Sandbox, folder: str, rate: float | None
) -> tuple[Repository, MirrorStore, NokoClient]:
    repo = open_repository(f"sqlite:///{folder}/bench.db")
    store = MirrorStore(repo.engine)
    noko = NokoClient(sb.token, base_url=sb.base_url, requests_per_second=rate)
    Syncer(store, NokoClient(sb.token, base_url=sb.base_url, requests_per_second=None)).sync()
    return repo, store, noko


def run_webhooks(sb: Sandbox, changes: int, seed: int) -> list[float]:
    with tempfile.TemporaryDirectory() as folder:
        repo, store, noko = _synced(sb, folder, 2.0)
        settings = Settings(
            _env_file=None, slack_bot_token="xoxb-bench", slack_signing_secret="bench",
            slack_api_url="http://127.0.0.1:9/api/", database_url=f"sqlite:///{folder}/bench.db",
            noko_access_token=sb.token, noko_api_url=sb.base_url,
        )  # fmt: skip
        app = create_web_app(settings)  # its own deps, as gunicorn's worker builds them
        http = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=http.serve_forever, daemon=True)
        thread.start()
        try:
            hook = noko.create_webhook(
                name=WEBHOOK_NAME,
                payload_uri=f"http://127.0.0.1:{http.server_port}{WEBHOOK_PATH}",
                events=list(EVENTS),
            )
            store.update_state(webhook_id=hook["id"], webhook_secret=hook.get("secret"))
            sb.webhooks.wait_idle(30)  # the creation's ping (maybe refused: no secret yet)
            return _edits(sb, store, changes, 1.0, seed)
        finally:
            http.shutdown()
            thread.join(5)
            repo.close()


def run_polling(sb: Sandbox, changes: int, interval: float, seed: int) -> list[float]:
    from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]

    with tempfile.TemporaryDirectory() as folder:
        repo, store, noko = _synced(sb, folder, 2.0)
        settings = Settings(_env_file=None, noko_mirror_sync_seconds=interval)
        scheduler = BackgroundScheduler()
        add_mirror_jobs(scheduler, settings, store, noko)
        scheduler.start()
        try:
            return _edits(sb, store, changes, interval, seed)
        finally:
            scheduler.shutdown(wait=True)
            repo.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    runs_argument(parser)
    parser.add_argument("--changes", type=int, default=8, help="entry edits per run (default 8)")
    parser.add_argument("--interval", type=float, default=10.0, help="polling interval, s")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    results: dict[str, list[list[float]]] = {"webhooks": [], "polling only": []}
    with Sandbox(rate_limit=False, dataset=build_dataset(seed=0)) as sb:
        for run in range(args.runs):
            sb.reset()
            results["webhooks"].append(run_webhooks(sb, args.changes, run))
            sb.reset()
            results["polling only"].append(run_polling(sb, args.changes, args.interval, run))
    print(f"\n{args.changes} edits per run; polling interval {args.interval:g} s\n")
    print("| mode | per-run median | per-run max | all edits: p50 / max |")
    print("|---|---|---|---|")
    for mode, runs in results.items():
        every = [d for run in runs for d in run]
        print(
            f"| {mode} | {cell([statistics.median(r) for r in runs], ' s', 3)} | "
            f"{cell([max(r) for r in runs], ' s', 3)} | "
            f"{statistics.median(every):.3f} s / {max(every):.3f} s |"
        )
    hooks = [d for run in results["webhooks"] for d in run]
    polls = [d for run in results["polling only"] for d in run]
    return verdict(
        [
            ("every edit reached the mirror by webhook within 5 s", all(d < 5 for d in hooks)),
            (
                f"every edit reached the mirror by polling within {2 * args.interval + 10:g} s",
                all(d < 2 * args.interval + 10 for d in polls),
            ),
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
