"""Benchmark: the mirror's first sync of about 100,000 entries: requests, wall time, peak RSS."""

# A sandbox in a subprocess (its rate limit off) holds 52 weeks of an account whose big team has
# 75 members logging 5 entries a workday: about 100,000 entries, all inside the mirror's 400-day
# window. Each run starts a fresh child process (fresh SQLite database unless --database-url)
# that runs the first sync (`Syncer.sync()`, what `noko-bot sync` runs) and reports the HTTP
# requests it sent (counted on its requests.Session), its wall time and its peak RSS
# (getrusage ru_maxrss). Two pacings, alternating run by run: the client unpaced (the sync's own
# cost) and the client at Noko's 2 requests/second (what production waits).
#
#     .venv/bin/python bench/bench_sync.py [--runs 3] [--database-url postgresql+psycopg://…]
#
# Exit code: 0 when every run stored every entry with exactly ceil(N/1000) entry requests;
# 1 when a check failed; 2 when it could not run.

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import COULD_NOT_RUN, ROOT, cell, runs_argument, sandbox_process, verdict

BIG_TEAM, PER_DAY, WEEKS = 75, 5, 52


def start_sandbox() -> tuple[subprocess.Popen[str], str]:
    return sandbox_process(weeks=WEEKS, team_size=BIG_TEAM, per_day=PER_DAY)


def entry_count(base_url: str) -> int:
    """N from Noko itself: with one entry a page, the Link rel="last" page number."""
    reply = requests.get(
        f"{base_url}/entries",
        params={"per_page": 1},
        headers={"X-NokoToken": "sandbox-token", "User-Agent": "bench/1"},
        timeout=120,
    )
    return int(reply.links["last"]["url"].split("page=")[1].split("&")[0])


def child(base_url: str, database_url: str, rate: float | None) -> dict[str, Any]:
    """One first sync in this (fresh) process."""
    from bot.mirror import MirrorStore, Syncer
    from bot.storage import open_repository
    from noko_core import NokoClient

    repo = open_repository(database_url)
    store = MirrorStore(repo.engine)
    session = requests.Session()
    paths: list[str] = []
    session.hooks["response"].append(lambda r, **_: paths.append(r.request.path_url))
    noko = NokoClient("sandbox-token", base_url=base_url, requests_per_second=rate,
                      session=session)  # fmt: skip
    started = time.perf_counter()
    result = Syncer(store, noko).sync()
    seconds = time.perf_counter() - started
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    entries = store.counts()["entries"]
    repo.close()
    entry_requests = sum(1 for p in paths if p.split("?")[0].endswith("/entries"))
    return {
        "kind": result.kind, "seconds": seconds, "rss_mib": rss_mib, "requests": len(paths),
        "entry_requests": entry_requests, "entries": entries,
    }  # fmt: skip


def run_child(base_url: str, database_url: str | None, rate: float | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite:///{folder}/bench.db"
        if database_url:
            url = _fresh_schema(database_url)
        cmd = [sys.executable, __file__, "--child", base_url, url, str(rate or 0)]
        out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True)
        return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _fresh_schema(database_url: str) -> str:
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    joiner = "&" if "?" in database_url else "?"
    return f"{database_url}{joiner}options=-csearch_path%3D{schema}"


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _, _, base_url, database_url, pace = sys.argv
        print(json.dumps(child(base_url, database_url, float(pace) or None)))
        return 0
    parser = argparse.ArgumentParser(description=__doc__)
    runs_argument(parser)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    try:
        process, base_url = start_sandbox()
    except (OSError, RuntimeError) as error:
        print(f"could not run: {error}")
        return COULD_NOT_RUN
    try:
        n = entry_count(base_url)
        floor = math.ceil(n / 1000)
        print(f"sandbox: {n} entries (floor ceil(N/1000) = {floor} entry requests)")
        results: dict[str, list[dict[str, Any]]] = {"unpaced": [], "2 requests/s": []}
        for _ in range(args.runs):
            paces: tuple[tuple[str, float | None], ...] = (("unpaced", None), ("2 requests/s", 2.0))
            for label, rate in paces:
                results[label].append(run_child(base_url, args.database_url, rate))
    finally:
        process.terminate()
        process.wait(10)
    print("\n| pacing | entries stored | entry requests | all requests | wall time | peak RSS |")
    print("|---|---|---|---|---|---|")
    for label, rows in results.items():
        print(
            f"| {label} | {cell([r['entries'] for r in rows])} | "
            f"{cell([r['entry_requests'] for r in rows])} | "
            f"{cell([r['requests'] for r in rows])} | "
            f"{cell([r['seconds'] for r in rows], ' s', 1)} | "
            f"{cell([r['rss_mib'] for r in rows], ' MiB', 1)} |"
        )
    every = [r for rows in results.values() for r in rows]
    return verdict(
        [
            (f"every run stored all {n} entries", all(r["entries"] == n for r in every)),
            (
                f"every run made exactly {floor} entry requests",
                all(r["entry_requests"] == floor for r in every),
            ),
            ("every run was a first sync", all(r["kind"] == "first" for r in every)),
        ]
    )


if __name__ == "__main__":
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.exit(main())
