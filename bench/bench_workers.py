"""One Noko budget for several processes: 1, 2 and 4 gunicorn workers plus the clock, under the
same load, with the shared limiter and with per-process limiters, side by side in one run.

Each run starts, in this process, the Noko sandbox (its per-IP limit on: 2 requests/s, 5 slowed
down, the rest refused with 429; ``--latency`` added per request) and the fake Slack; then, as
subprocesses, gunicorn serving the bot's web app (the Procfile's `web`, with ``--workers N``)
and `noko-bot clock` on a file clock, against a fresh SQLite database holding ``--digests``
daily subscriptions. Once every worker answered a warm-up, the clock is moved to the digests'
due time and ``--commands`` signed `/noko-team hours <team> <period>` commands are sent at
once: the digests (background work) and the commands (interactive) compete for Noko.

Measured per run, from the sandbox's log and the fake Slack's: 429s Noko (the sandbox) sent,
requests it received, people told "Noko is busy", and each command's final reply time (from
sending it to its reply on response_url) p50 and p99, and when the last digest was posted.
``shared`` is the default configuration (NOKO_LIMITER=shared with no REDIS_URL: a state file
all local processes share; ``--redis`` adds a REDIS_URL column); ``per-process`` is
NOKO_LIMITER=process, what every process did before. Runs alternate the limiters and worker
counts, so drift hits all alike.

    .venv/bin/python bench/bench_workers.py [--workers 1 2 4] [--commands 30] [--digests 4]
        [--latency 0.1] [--runs 3] [--redis redis://127.0.0.1:6379/0]

Exit code: 0 when the shared limiter saw no 429 and told nobody "busy" in every run; 1 otherwise;
2 when it could not run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from benchkit import (
    COULD_NOT_RUN,
    ROOT,
    cell,
    free_port,
    percentile,
    runs_argument,
    start,
    stop,
    verdict,
    wait_http,
)

from bot.cli import gunicorn_argv
from bot.devtools.fake_slack import FakeSlack, SlackUser
from bot.devtools.slack_requests import signed_headers, slash_command_body
from bot.scheduler.cli import CLOCK_FILE_ENV
from bot.scheduler.clock import FileClock
from bot.storage import open_repository
from noko_core.sandbox import Sandbox, build_dataset

SECRET = "bench-signing-secret"
TEAMS = ["Design", "Engineering", "Engineering Ops", "Customer Success", "R&D", "Marketing"]
PERIODS = ["last-week", "this-week", "last-month", "yesterday"]
BUSY_TEXT = "Noko is busy"
TODAY = dt.date(2026, 11, 9)
BEFORE_DUE = dt.datetime(2026, 11, 9, 7, 0, tzinfo=dt.UTC)  # 08:00 in Berlin
DUE = dt.datetime(2026, 11, 9, 8, 0, 30, tzinfo=dt.UTC)  # 09:00:30 in Berlin
Metrics = dict[str, float]


def run_once(sandbox: Sandbox, limiter: str, workers: int, args: argparse.Namespace) -> Metrics:
    sandbox.reset()
    users = [SlackUser("U1", "Sofia Ito", "sofia.ito@example.com")]
    with FakeSlack(users) as fake, tempfile.TemporaryDirectory(prefix="bench-workers-") as tmp:
        database = f"sqlite:///{tmp}/bot.db"
        clock_file = Path(tmp) / "now.txt"
        FileClock.write(clock_file, BEFORE_DUE)
        _subscriptions(database, args.digests)
        port = free_port()
        env = _env(sandbox, fake, database, port, limiter, tmp, args.redis)
        env[CLOCK_FILE_ENV] = str(clock_file)
        argv = gunicorn_argv(f"127.0.0.1:{port}")
        argv[argv.index("--workers") + 1] = str(workers)
        web = start(argv, env, ROOT)
        clock = start([sys.executable, "-m", "bot", "clock"], env, ROOT)
        try:
            wait_http(f"http://127.0.0.1:{port}/healthz")
            _warm_up(port, fake, workers)
            sandbox.clear_requests()
            sandbox.reset_rate_limit()
            fake.clear()
            FileClock.write(clock_file, DUE)  # the digests fall due ...
            return _burst(port, fake, sandbox, args)  # ... as the commands arrive
        finally:
            stop(web)
            stop(clock)


def _env(
    sandbox: Sandbox,
    fake: FakeSlack,
    database: str,
    port: int,
    limiter: str,
    tmp: str,
    redis_url: str | None,
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOKO_", "SLACK_", "REDIS"))}
    env.update(
        PYTHONPATH=str(ROOT),
        PORT=str(port),
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_SIGNING_SECRET=SECRET,
        NOKO_ACCESS_TOKEN=sandbox.token,
        NOKO_API_URL=sandbox.base_url,
        SLACK_API_URL=fake.api_url,
        DATABASE_URL=database,
        READ_ACCESS="everyone",
        DIGEST_POLL_SECONDS="0.5",
        LOG_LEVEL="WARNING",
        NOKO_LIMITER="process" if limiter == "per-process" else "shared",
        NOKO_LIMITER_FILE=f"{tmp}/noko-limiter.slot",
    )
    if limiter == "shared (Redis)" and redis_url:
        env["REDIS_URL"] = redis_url
    return env


def _subscriptions(database: str, count: int) -> None:
    repo = open_repository(database, clock=lambda: BEFORE_DUE)
    for i in range(count):
        repo.create_subscription(
            team_id=1 + i % 6,
            team_name=TEAMS[i % 6],
            channel_id=f"CDIGEST{i}",
            cadence="daily",
            local_time="09:00",
            timezone="Europe/Berlin",
            created_by="U1",
            options={"workdays": list(range(7))},
        )
    repo.close()


def _command(port: int, fake: FakeSlack, text: str, key: str) -> float:
    body = slash_command_body(text, user_id="U1", response_url=fake.response_url(key))
    sent = time.monotonic()
    requests.post(
        f"http://127.0.0.1:{port}/slack/events",
        data=body,
        headers=signed_headers(SECRET, body),
        timeout=30,
    )
    return sent


def _warm_up(port: int, fake: FakeSlack, workers: int) -> None:
    """`help` (no Noko request) a few times per worker, so each has done Bolt's auth.test."""
    for n in range(3 * workers):
        _command(port, fake, "help", f"warm{n}")
    fake.wait_for("response_url", count=3 * workers, timeout=60)


def _burst(port: int, fake: FakeSlack, sandbox: Sandbox, args: argparse.Namespace) -> Metrics:
    sent: dict[str, float] = {}
    lock = threading.Lock()

    def send(index: int) -> None:
        text = f"hours {TEAMS[index % len(TEAMS)]} {PERIODS[(index // 6) % len(PERIODS)]}"
        at = _command(port, fake, text, f"k{index}")
        with lock:
            sent[f"k{index}"] = at

    started = time.monotonic()
    threads = [threading.Thread(target=send, args=(i,)) for i in range(args.commands)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    deadline = time.monotonic() + args.wait
    replies: dict[str, tuple[float, str]] = {}
    while time.monotonic() < deadline:
        for call in fake.calls_to("response_url"):
            key = call.path.rsplit("/", 1)[-1]
            if key in sent and key not in replies:
                replies[key] = (call.at - sent[key], str(call.args))
        digests = {c.args.get("channel") for c in fake.calls_to("chat.postMessage")}
        if len(replies) == len(sent) and len(digests) >= args.digests:
            break
        time.sleep(0.2)
    finals = [seconds for seconds, _ in replies.values()]
    last: dict[str, float] = {}
    for call in fake.calls_to("chat.postMessage"):
        channel = str(call.args.get("channel"))
        last[channel] = max(last.get(channel, 0.0), call.at)
    digests = set(last)
    statuses = [r.status for r in sandbox.requests]
    return {
        "noko_429s": statuses.count(429),
        "noko_requests": len(statuses),
        "told_noko_busy": sum(1 for _, text in replies.values() if BUSY_TEXT in text),
        "replied": len(replies),
        "final_p50_s": statistics.median(finals) if finals else float("nan"),
        "final_p99_s": percentile(finals, 99) if finals else float("nan"),
        "digests_posted": len(digests),
        # From the burst's start to the last digest's post: background work waits its turn.
        "last_digest_s": max(last.values()) - started if last else float("nan"),
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    runs_argument(parser)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--commands", type=int, default=30)
    parser.add_argument("--digests", type=int, default=4, help="daily digests due at once")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds added per Noko call")
    parser.add_argument("--wait", type=float, default=120.0, help="longest wait for the replies")
    parser.add_argument("--redis", default=None, help="also measure REDIS_URL=this")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    limiters = ["shared", "per-process"] + (["shared (Redis)"] if args.redis else [])
    results: dict[tuple[str, int], list[Metrics]] = {}
    dataset = build_dataset(today=TODAY, seed=0)
    try:
        with Sandbox(rate_limit=True, latency=args.latency, dataset=dataset) as sandbox:
            for run in range(args.runs):
                for workers in args.workers:
                    for limiter in limiters:  # interleaved, so drift hits both alike
                        result = run_once(sandbox, limiter, workers, args)
                        results.setdefault((limiter, workers), []).append(result)
                        print(f"run {run + 1} {limiter} workers={workers}: {result}", flush=True)
    except (OSError, RuntimeError) as exc:
        print(f"could not run: {exc}", file=sys.stderr)
        return COULD_NOT_RUN
    _print_tables(results, args.workers, limiters, args)
    shared = [r for (limiter, _), runs in results.items() if limiter != "per-process" for r in runs]
    label = f"shared limiter, all {len(shared)} runs: 0 Noko 429s, nobody told 'Noko is busy'"
    return verdict([(label, all(r["noko_429s"] == r["told_noko_busy"] == 0 for r in shared))])


def _print_tables(
    results: dict[tuple[str, int], list[Metrics]],
    worker_counts: list[int],
    limiters: list[str],
    args: argparse.Namespace,
) -> None:
    for workers in worker_counts:
        runs = len(results[(limiters[0], workers)])
        print(
            f"\n#### {workers} gunicorn worker(s) + the clock: {args.commands} commands and "
            f"{args.digests} digests at once (median [min-max] of {runs} runs)\n"
        )
        print("| metric | " + " | ".join(limiters) + " |")
        print("|---|" + "---|" * len(limiters))
        for key in results[(limiters[0], workers)][0]:
            cells = [cell([r[key] for r in results[(name, workers)]]) for name in limiters]
            print(f"| {key} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
