"""Shared by the bench scripts: repeated runs, median [min-max] cells, verdicts, child processes."""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent

# Exit codes, the same in every script: a benchmark that ran but whose check failed must not
# look like one that passed, and neither must look like one that could not run at all.
PASSED, CHECK_FAILED, COULD_NOT_RUN = 0, 1, 2


def runs_argument(parser: argparse.ArgumentParser, default: int = 3) -> None:
    parser.add_argument(
        "--runs",
        type=_positive,
        default=default,
        help=f"repeat the measurement N times, print median [min-max] (default {default})",
    )


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def cell(values: Sequence[float], unit: str = "", digits: int | None = None) -> str:
    """``median [min-max]`` of a run's values; whole numbers stay whole, NaN means "none"."""
    finite = [v for v in values if not math.isnan(v)]
    if not finite:
        return "none"
    med, low, high = statistics.median(finite), min(finite), max(finite)
    if digits is None:
        digits = 0 if all(float(v).is_integer() for v in finite) else 1
    text = f"{med:.{digits}f}{unit} [{low:.{digits}f}-{high:.{digits}f}]"
    missing = len(values) - len(finite)
    return f"{text} ({missing} of {len(values)} runs had none)" if missing else text


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p99 of 200 values is the 198th smallest)."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def verdict(checks: Sequence[tuple[str, bool]]) -> int:
    """Print each check and the overall result; the exit code the script should return."""
    for label, ok in checks:
        print(f"check: {label} -> {'PASS' if ok else 'FAIL'}")
    passed = all(ok for _, ok in checks)
    print(f"result: {'PASS' if passed else 'FAIL'}")
    return PASSED if passed else CHECK_FAILED


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up in {timeout:.0f} s")


def start(cmd: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after 10 s: a worker still busy on Noko work may not finish soon."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def head_commit() -> str:
    out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], check=True,
                         capture_output=True, text=True)  # fmt: skip
    return out.stdout.strip()


@contextmanager
def commit_tree(commit: str) -> Iterator[Path]:
    """A detached worktree of ``commit``, removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix="bench-tree-"))
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), commit],
        check=True,
        capture_output=True,
    )
    try:
        yield path
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)],
            check=False,
            capture_output=True,
        )


def synthetic_entries(count: int, users: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Noko-shaped entries for the digest build: one week, 60 projects (and none), seeded."""
    rng = random.Random(0)
    projects = [{"id": i, "name": f"Project {i}"} for i in range(60)] + [None]
    for i in range(count):
        yield {
            "id": i, "date": "2026-11-03", "minutes": rng.choice((15, 30, 60, 90, 120)),
            "billable": rng.random() < 0.7,
            "approved_at": "2026-11-04T09:00:00Z" if rng.random() < 0.5 else None,
            "user": users[i % len(users)], "project": rng.choice(projects),
        }  # fmt: skip


def sandbox_process(
    *, weeks: int, team_size: int, per_day: int
) -> tuple[subprocess.Popen[str], str]:
    """A Noko sandbox in its own process (rate limit off) whose big team (id 1) has ``team_size``
    members logging ``per_day`` entries a workday for ``weeks``; and its base URL."""
    cmd = [sys.executable, "-m", "noko_core.sandbox", "--port", "0", "--no-rate-limit",
           "--weeks", str(weeks), "--big-team-size", str(team_size),
           "--entries-per-member-day", str(per_day)]  # fmt: skip
    process = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()  # "Noko sandbox at http://127.0.0.1:PORT/v2 (token: ...)"
    if " at " not in line:
        process.kill()
        raise RuntimeError(f"the sandbox did not start: {line!r}")
    return process, line.split(" at ", 1)[1].split()[0]


def run_tree_child(script: str, tree: Path, args: Sequence[str]) -> dict[str, Any]:
    """Run ``script --child *args`` with the code of ``tree`` (PYTHONPATH) and return the JSON
    its last line prints; fails unless the child really imported that tree's ``bot``."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    cmd = [sys.executable, str(Path(script).resolve()), "--child", *args]
    out = subprocess.run(cmd, env=env, cwd=tree, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"child failed ({out.returncode}): {out.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    if not str(result["bot"]).startswith(str(tree)):
        raise RuntimeError(f"child imported {result['bot']}, not the code of {tree}")
    return result
