"""Slash-command ack latency through gunicorn + Bolt's Flask adapter, Noko answering in 300 ms.

Starts the Noko sandbox (rate limited, +300 ms per request) and gunicorn serving the real app in
subprocesses, the fake Slack in this process; 20 client threads send signed `/noko-team` commands
and record (1) the HTTP response time of each command (Slack's 3-second ack) and (2) the time
until the command's final reply reaches the fake Slack's response_url.

    .venv/bin/python bench/bench_ack.py [--clients 20] [--rounds 3] [--latency 0.3]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bot.devtools.fake_slack import FakeSlack, SlackUser
from bot.devtools.slack_requests import signed_headers, slash_command_body

SECRET = "bench-signing-secret"
COMMANDS = ["list", "show Design", "members Engineering", "hours Design last-week", "help"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def _start(cmd: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def _one_command(app_url: str, fake: FakeSlack, key: str, text: str) -> tuple[float, float, int]:
    body = slash_command_body(text, user_id="UBENCH", response_url=fake.response_url(key))
    started = time.monotonic()
    response = requests.post(app_url, data=body, headers=signed_headers(SECRET, body), timeout=30)
    ack = time.monotonic() - started
    deadline = started + 120
    while time.monotonic() < deadline:
        replies = [c for c in fake.calls_to("response_url") if c.path.endswith(f"/{key}")]
        final = [c for c in replies if "Working on it" not in str(c.args.get("text", ""))]
        if final:
            return ack, final[0].at - started, response.status_code
        time.sleep(0.02)
    return ack, float("nan"), response.status_code


def run(clients: int, rounds: int, latency: float, threads: int) -> dict[str, float]:
    sandbox_port, app_port = _free_port(), _free_port()
    env = dict(os.environ)
    py = sys.executable
    sandbox = _start(
        [py, "-m", "noko_core.sandbox", "--port", str(sandbox_port), "--latency", str(latency)],
        env,
    )
    noko_url = f"http://127.0.0.1:{sandbox_port}/v2"
    _wait_http(noko_url)
    with (
        FakeSlack([SlackUser("UBENCH", "Bench", "bench@example.com")]) as fake,
        tempfile.TemporaryDirectory() as tmp,
    ):
        env.update(
            SLACK_BOT_TOKEN="xoxb-bench",
            SLACK_SIGNING_SECRET=SECRET,
            NOKO_ACCESS_TOKEN="sandbox-token",
            NOKO_API_URL=noko_url,
            SLACK_API_URL=fake.api_url,
            DATABASE_URL=f"sqlite:///{tmp}/bench.db",
            SLACK_LISTENER_THREADS=str(threads),
        )
        gunicorn = str(Path(py).with_name("gunicorn"))
        app = _start(
            [
                gunicorn,
                "--bind",
                f"127.0.0.1:{app_port}",
                "--workers",
                "1",
                "--threads",
                "10",
                "--timeout",
                "0",
                "bot.web:create_wsgi()",
            ],
            env,
        )
        try:
            _wait_http(f"http://127.0.0.1:{app_port}/healthz")
            return _measure(f"http://127.0.0.1:{app_port}/slack/events", fake, clients, rounds)
        finally:
            app.terminate()
            sandbox.terminate()
            app.wait(10)
            sandbox.wait(10)


def _measure(app_url: str, fake: FakeSlack, clients: int, rounds: int) -> dict[str, float]:
    jobs = [
        (f"c{c}-r{r}", COMMANDS[(c + r) % len(COMMANDS)])
        for r in range(rounds)
        for c in range(clients)
    ]
    lock = threading.Lock()
    results: list[tuple[float, float, int]] = []

    def work(job: tuple[str, str]) -> None:
        outcome = _one_command(app_url, fake, *job)
        with lock:
            results.append(outcome)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(work, jobs))
    acks = [r[0] for r in results]
    finals = [r[1] for r in results if r[1] == r[1]]
    return {
        "commands": len(results),
        "non_200": sum(1 for r in results if r[2] != 200),
        "ack_p50_ms": statistics.median(acks) * 1000,
        "ack_p99_ms": _percentile(acks, 99) * 1000,
        "ack_max_ms": max(acks) * 1000,
        "final_p50_s": statistics.median(finals) if finals else float("nan"),
        "final_p99_s": _percentile(finals, 99) if finals else float("nan"),
        "missing_final": len(results) - len(finals),
        "wall_s": time.monotonic() - started,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument(
        "--threads",
        type=int,
        nargs="+",
        default=[64, 5],
        help="listener pool sizes to compare (64: ours; 5: Bolt's default)",
    )
    args = parser.parse_args()
    results = {t: run(args.clients, args.rounds, args.latency, t) for t in args.threads}
    print("| metric | " + " | ".join(f"{t} listener threads" for t in results) + " |")
    print("|---|" + "---|" * len(results))
    for key in next(iter(results.values())):
        cells = [_cell(r[key]) for r in results.values()]
        print(f"| {key} | " + " | ".join(cells) + " |")


def _cell(value: float) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)


if __name__ == "__main__":
    main()
