"""Benchmark: noko_core.NokoClient vs python-freckle-client 1.1.2 against the Noko sandbox.

Cases: (a) the big team's entries for the last weeks with a from/to filter, (b) list_teams,
(c) get_users_in_team with a role filter. Per case and client: requests made and 429s (from the
sandbox's log), wall time, items returned, and whether the filters were honoured (against ground
truth from the dataset). Each pass (sandbox rate limit on, then off) repeats every case
``--runs`` times, the two clients alternating (ours, seed, ours, seed, ...) so that load on the
machine hits both alike; ratios are taken within each adjacent pair.

    bash bench/setup_bench.sh    # once: bench/.venv-freckle with python-freckle-client
    .venv/bin/python bench/bench_client.py [--runs 3] [--passes on off] [--per-day 1]

The seed client may instead come from the project's ``bench`` extra (``--seed-python``).
Exit code: 0 when noko_core's case (a) meets its request budget with no 429 and the right
items in every run, 1 when it does not, 2 when the seed client is missing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchkit import COULD_NOT_RUN, cell, runs_argument, verdict

from noko_core import NokoClient
from noko_core.sandbox import Sandbox, build_dataset

HERE = Path(__file__).resolve().parent
DEFAULT_SEED_PYTHON = HERE / ".venv-freckle" / "bin" / "python"
TOKEN = "bench-token-0123456789"
OURS, SEED = "noko_core", "freckle 1.1.2"


@dataclass
class Case:
    key: str
    label: str
    method: str
    args: list[Any]
    kwargs: dict[str, Any]
    truth: set[int]


@dataclass
class Row:
    case: str
    client: str
    requests: int
    http_429: int
    wall: float
    items: int
    honoured: bool
    error: str | None


def build_cases(sb: Sandbox, weeks: int) -> list[Case]:
    store = sb.store
    team = store.teams[1]  # the big team
    members = set(team.user_ids)
    start = store.today - dt.timedelta(days=weeks * 7 - 1)
    entries = {e.id for e in store.entries if e.user_id in members and e.date >= start}
    leaders = {u for u in team.user_ids if store.users[u].role == "leader"}
    window = {"from": start.isoformat(), "to": store.today.isoformat()}
    return [
        Case("a", f"{team.name}: entries, {weeks} weeks (from/to)", "get_entries_for_users_in_team",
             [team.id], window, entries),
        Case("b", "list_teams", "list_teams", [], {}, set(store.teams)),
        Case("c", f"{team.name}: users, role=leader", "get_users_in_team", [team.id],
             {"role": "leader"}, leaders),
    ]  # fmt: skip


Runner = Callable[[Sandbox, Case], tuple[list[int], str | None, float]]


def run_ours(sb: Sandbox, case: Case) -> tuple[list[int], str | None, float]:
    with NokoClient(TOKEN, base_url=sb.base_url) as client:
        call: Callable[..., list[Any]] = getattr(client, case.method)
        started = time.monotonic()
        try:
            items, error = call(*case.args, **case.kwargs), None
        except Exception as exc:  # reported in the table like the seed's failures
            items, error = [], f"{type(exc).__name__}: {exc}"
        return [item["id"] for item in items], error, time.monotonic() - started


def seed_runner(python: Path) -> Runner:
    def run_seed(sb: Sandbox, case: Case) -> tuple[list[int], str | None, float]:
        spec = {"base_url": sb.base_url, "token": TOKEN, "case": case.method,
                "args": case.args, "kwargs": case.kwargs}  # fmt: skip
        runner = [str(python), str(HERE / "client_freckle_runner.py"), json.dumps(spec)]
        done = subprocess.run(runner, capture_output=True, text=True, check=True)
        result = json.loads(done.stdout)
        return result["ids"], result["error"], result["wall"]

    return run_seed


def measure(sb: Sandbox, case: Case, name: str, runner: Runner) -> Row:
    sb.reset_rate_limit()  # each run starts with Noko's limiter idle, as after a quiet minute
    sb.clear_requests()
    ids, error, wall = runner(sb, case)
    time.sleep(0.2)  # the sandbox records a request just after answering it
    seen = sb.requests
    honoured = not error and set(ids) == case.truth and len(ids) == len(case.truth)
    return Row(case.key, name, len(seen), sum(r.status == 429 for r in seen), wall, len(ids),
               honoured, error)  # fmt: skip


def run_pass(sb: Sandbox, cases: list[Case], runs: int, seed: Runner | None) -> list[Row]:
    rows = []
    for run in range(runs):
        for case in cases:
            rows.append(measure(sb, case, OURS, run_ours))
            if seed is not None:
                rows.append(measure(sb, case, SEED, seed))
        print(f"  run {run + 1}/{runs} done", file=sys.stderr, flush=True)
    return rows


def table(rows: list[Row], cases: list[Case]) -> list[str]:
    lines = ["| case | client | requests | 429s | wall s | items | filters honoured | errors |",
             "|---|---|---:|---:|---:|---:|---|---|"]  # fmt: skip
    for case in cases:
        for client in (OURS, SEED):
            mine = [r for r in rows if r.case == case.key and r.client == client]
            if not mine:
                continue
            errors = sorted({r.error for r in mine if r.error})
            honoured = sum(r.honoured for r in mine)
            lines.append(
                f"| ({case.key}) {case.label} [truth {len(case.truth)}] | {client} | "
                f"{cell([r.requests for r in mine])} | {cell([r.http_429 for r in mine])} | "
                f"{cell([r.wall for r in mine], digits=3)} | {cell([r.items for r in mine])} | "
                f"{_honoured(honoured, len(mine))} | "
                f"{'; '.join(e for e in errors if e)} |"
            )
    return lines


def _honoured(count: int, runs: int) -> str:
    if count == runs:
        return "yes"
    return "no" if count == 0 else f"in {count} of {runs} runs"


def ratios(rows: list[Row], cases: list[Case]) -> list[str]:
    """Seed wall / ours wall, per adjacent pair (same run, same case), then median [min-max]."""
    lines = []
    for case in cases:
        ours = [r for r in rows if r.case == case.key and r.client == OURS]
        seed = [r for r in rows if r.case == case.key and r.client == SEED]
        pairs = [s.wall / o.wall for o, s in zip(ours, seed, strict=False) if o.wall > 0]
        if pairs:
            lines.append(f"- ({case.key}) wall time freckle / noko_core, per pair: "
                         f"{cell(pairs, digits=2)} ({len(pairs)} pairs)")  # fmt: skip
    return lines


def acceptance(rows: list[Row], cases: list[Case]) -> tuple[str, bool]:
    entries = next(c for c in cases if c.key == "a")
    ours = [r for r in rows if r.case == "a" and r.client == OURS]
    limit = math.ceil(len(entries.truth) / 1000) + 1
    ok = all(r.requests <= limit and r.http_429 == 0 and r.honoured for r in ours)
    label = (f"noko_core case (a) in all {len(ours)} runs: requests "
             f"{sorted({r.requests for r in ours})} <= ceil(N/1000)+1 = {limit}, 429s "
             f"{sorted({r.http_429 for r in ours})}, items exactly the truth")  # fmt: skip
    return label, ok


def find_seed_python(given: Path | None) -> Path | None:
    """bench/.venv-freckle's python, else this one if the ``bench`` extra is installed here."""
    candidates = [given] if given else [DEFAULT_SEED_PYTHON, Path(sys.executable)]
    for python in candidates:
        probe = [str(python), "-c", "import noko_client.client"]
        if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
            return python
    return None


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    runs_argument(parser)
    parser.add_argument(
        "--passes",
        nargs="+",
        choices=("on", "off"),
        default=["on", "off"],
        help="sandbox rate limit on and/or off (default both, on first)",
    )
    parser.add_argument("--data-weeks", type=int, default=16)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--big-team-size", type=int, default=40)
    parser.add_argument("--per-day", type=int, default=1, help="entries per member per workday")
    parser.add_argument("--no-freckle", action="store_true", help="time noko_core only")
    parser.add_argument("--seed-python", type=Path, help="a python with python-freckle-client")
    return parser.parse_args()  # fmt: skip


def main() -> int:
    args = parse_args()
    seed = None
    if not args.no_freckle:
        python = find_seed_python(args.seed_python)
        if python is None:
            hint = "run `bash bench/setup_bench.sh` (or install the `bench` extra) or --no-freckle"
            print(f"python-freckle-client not found: {hint}", file=sys.stderr)
            return COULD_NOT_RUN
        seed = seed_runner(python)
    dataset = build_dataset(weeks=args.data_weeks, big_team_size=args.big_team_size,
                            entries_per_member_day=args.per_day)  # fmt: skip
    print(f"Sandbox dataset: {args.data_weeks} weeks, big team of {args.big_team_size}, "
          f"{args.per_day} entries per member per workday; case (a) asks for the last "
          f"{args.weeks} weeks. Median [min-max] of {args.runs} runs.")  # fmt: skip
    everything: list[Row] = []
    with Sandbox(token=TOKEN, rate_limit=True, dataset=dataset) as sb:
        cases = build_cases(sb, args.weeks)
        for name in args.passes:
            sb.rate_limit = name == "on"
            print(f"pass: rate limit {name}", file=sys.stderr, flush=True)
            rows = run_pass(sb, cases, args.runs, seed)
            everything += rows
            title = "on (2 requests/s, 5 queued, then 429)" if name == "on" else "off"
            print(f"\n### Sandbox rate limit {title}\n")
            print("\n".join([*table(rows, cases), "", *ratios(rows, cases)]))
    print()
    return verdict([acceptance(everything, cases)])


if __name__ == "__main__":
    sys.exit(main())
