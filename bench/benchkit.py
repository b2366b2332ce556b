"""Shared by the bench scripts: repeated runs, median [min-max] cells, verdicts, child processes."""

from __future__ import annotations

import argparse
import math
import random
import socket
import statistics
import subprocess
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
