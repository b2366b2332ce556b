"""Acks while slow clients trickle their bodies, today's design side by side with an earlier one.

Each run starts the sandbox and `noko-bot web` (as bench_ack.py does), opens ``--slow`` sockets
that each announce a 10,000-byte body and send one byte every 2 s, and meanwhile sends a signed
`/noko-team help` every 0.5 s for ``--seconds`` seconds, timing each answer (Slack gives 3 s).

    .venv/bin/python bench/bench_slow_clients.py [--slow 10 100] [--seconds 40] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import threading
import time

import requests
from bench_ack import (
    BASELINE,
    SECRET,
    Design,
    _cell,
    _free_port,
    _percentile,
    _start,
    _wait_http,
    commit_tree,
    head_commit,
)
from bench_ack import (
    stop as stop_process,
)

from bot.devtools.fake_slack import FakeSlack, SlackUser
from bot.devtools.slack_requests import signed_headers, slash_command_body


def _trickle(port: int, stop: threading.Event) -> None:
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n\r\n"
        )
        while not stop.wait(2.0):
            sock.sendall(b"a")
        sock.close()
    except OSError:
        pass


def run_once(design: Design, slow: int, seconds: float) -> dict[str, float]:
    sandbox_port, app_port = _free_port(), _free_port()
    env = {**os.environ, "PYTHONPATH": str(design.tree)}
    py = sys.executable
    sandbox = _start([py, "-m", "noko_core.sandbox", "--port", str(sandbox_port)], env, design.tree)
    with FakeSlack([SlackUser("UBENCH", "Bench")]) as fake, tempfile.TemporaryDirectory() as tmp:
        env.update(
            PORT=str(app_port),
            SLACK_BOT_TOKEN="xoxb-bench",
            SLACK_SIGNING_SECRET=SECRET,
            NOKO_ACCESS_TOKEN="sandbox-token",
            NOKO_API_URL=f"http://127.0.0.1:{sandbox_port}/v2",
            SLACK_API_URL=fake.api_url,
            DATABASE_URL=f"sqlite:///{tmp}/bench.db",
            LOG_LEVEL="WARNING",
        )
        app = _start([py, "-m", "bot", "web"], env, design.tree)
        stop = threading.Event()
        try:
            _wait_http(f"http://127.0.0.1:{app_port}/healthz")
            url = f"http://127.0.0.1:{app_port}/slack/events"
            for _ in range(slow):
                threading.Thread(target=_trickle, args=(app_port, stop), daemon=True).start()
            time.sleep(1.0)
            return _probe(url, fake, seconds)
        finally:
            stop.set()
            stop_process(app)
            stop_process(sandbox)


def _probe(url: str, fake: FakeSlack, seconds: float) -> dict[str, float]:
    times: list[float] = []
    lock = threading.Lock()

    def one(index: int) -> None:
        body = slash_command_body(
            "help", user_id="UBENCH", response_url=fake.response_url(str(index))
        )
        started = time.monotonic()
        try:
            ok = requests.post(url, data=body, headers=signed_headers(SECRET, body), timeout=60).ok
        except requests.RequestException:
            ok = False
        with lock:
            times.append(time.monotonic() - started if ok else float("inf"))

    threads = []
    end = time.monotonic() + seconds
    index = 0
    while time.monotonic() < end:
        thread = threading.Thread(target=one, args=(index,))
        thread.start()
        threads.append(thread)
        index += 1
        time.sleep(0.5)
    for thread in threads:
        thread.join()
    finite = [t for t in times if t != float("inf")]
    return {
        "commands": len(times),
        "ack_p50_ms": statistics.median(finite) * 1000 if finite else float("nan"),
        "ack_p99_ms": _percentile(finite, 99) * 1000 if finite else float("nan"),
        "ack_max_ms": max(finite) * 1000 if finite else float("nan"),
        "acks_over_3s": sum(1 for t in times if t > 3.0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--slow", type=int, nargs="+", default=[10, 100])
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--after", default=head_commit())
    args = parser.parse_args()
    results: dict[tuple[str, int], list[dict[str, float]]] = {}
    with commit_tree(args.baseline) as old_tree, commit_tree(args.after) as new_tree:
        designs = [
            Design(f"before ({args.baseline})", old_tree),
            Design(f"after ({args.after})", new_tree),
        ]
        for run in range(args.runs):
            for slow in args.slow:
                for design in designs:
                    result = run_once(design, slow, args.seconds)
                    results.setdefault((design.name, slow), []).append(result)
                    print(f"run {run + 1} {design.name} slow={slow}: {result}", flush=True)
    for slow in args.slow:
        print(f"\n### {slow} slow clients, `help` every 0.5 s for {args.seconds:.0f} s\n")
        print("| metric | " + " | ".join(d.name for d in designs) + " |")
        print("|---|" + "---|" * len(designs))
        for key in results[(designs[0].name, slow)][0]:
            cells = [_cell([r[key] for r in results[(d.name, slow)]]) for d in designs]
            print(f"| {key} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
