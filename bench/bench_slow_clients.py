"""Acks while slow clients trickle their bodies, today's design side by side with an earlier one.

Each run starts the sandbox and `noko-bot web` (as bench_ack.py does), opens ``--slow`` sockets
that each announce a 10,000-byte body and send one byte every 2 s, and meanwhile sends a signed
`/noko-team help` every 0.5 s for ``--seconds`` seconds, timing each answer (Slack gives 3 s;
a command unanswered after ``--timeout`` s counts as failed). The designs alternate within the
process: before, after, before, after, ... (No p99: of 30 commands it would be the max.)

    .venv/bin/python bench/bench_slow_clients.py [--slow 10 100] [--seconds 15] [--runs 3]

Exit code: 0 when the after design answered every command with a 2xx within 3 s in every run;
1 otherwise.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time

import requests
from bench_ack import BASELINE, SECRET, Design, Metrics, bot_env
from benchkit import (
    cell,
    commit_tree,
    free_port,
    head_commit,
    runs_argument,
    start,
    stop,
    verdict,
    wait_http,
)

from bot.devtools.fake_slack import FakeSlack, SlackUser
from bot.devtools.slack_requests import signed_headers, slash_command_body

NO_ANSWER = float("inf")


def _trickle(port: int, stop_event: threading.Event) -> None:
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n\r\n"
        )
        while not stop_event.wait(2.0):
            sock.sendall(b"a")
        sock.close()
    except OSError:
        pass


def run_once(design: Design, slow: int, seconds: float, timeout: float) -> Metrics:
    sandbox_port, app_port = free_port(), free_port()
    py = sys.executable
    with FakeSlack([SlackUser("UBENCH", "Bench")]) as fake, tempfile.TemporaryDirectory() as tmp:
        env = bot_env(design.tree, sandbox_port, app_port, fake, f"{tmp}/bench.db")
        sandbox = start(
            [py, "-m", "noko_core.sandbox", "--port", str(sandbox_port)], env, design.tree
        )
        app = start([py, "-m", "bot", "web"], env, design.tree)
        trickling = threading.Event()
        try:
            wait_http(f"http://127.0.0.1:{app_port}/healthz")
            for _ in range(slow):
                threading.Thread(target=_trickle, args=(app_port, trickling), daemon=True).start()
            time.sleep(1.0)
            return _probe(f"http://127.0.0.1:{app_port}/slack/events", fake, seconds, timeout)
        finally:
            trickling.set()
            stop(app)
            stop(sandbox)


def _probe(url: str, fake: FakeSlack, seconds: float, timeout: float) -> Metrics:
    times: list[float] = []
    lock = threading.Lock()

    def one(index: int) -> None:
        body = slash_command_body(
            "help", user_id="UBENCH", response_url=fake.response_url(str(index))
        )
        started = time.monotonic()
        try:
            headers = signed_headers(SECRET, body)
            ok = requests.post(url, data=body, headers=headers, timeout=timeout).ok
        except requests.RequestException:
            ok = False
        with lock:
            times.append(time.monotonic() - started if ok else NO_ANSWER)

    threads: list[threading.Thread] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        threads.append(threading.Thread(target=one, args=(len(threads),)))
        threads[-1].start()
        time.sleep(0.5)
    for thread in threads:
        thread.join()
    return _summary(times, timeout)


def _summary(times: list[float], timeout: float) -> Metrics:
    answered = [t for t in times if t != NO_ANSWER]
    nan = float("nan")
    return {
        "commands": len(times),
        "ack_p50_ms": statistics.median(answered) * 1000 if answered else nan,
        "ack_max_ms": max(answered) * 1000 if answered else nan,
        f"no_2xx_in_{timeout:g}s": len(times) - len(answered),
        "acks_over_3s": sum(1 for t in times if t > 3.0),
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    runs_argument(parser)
    parser.add_argument("--slow", type=int, nargs="+", default=[10, 100])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--timeout", type=float, default=10.0, help="client timeout per command")
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--after", default=head_commit())
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    results: dict[tuple[str, int], list[Metrics]] = {}
    with commit_tree(args.baseline) as old_tree, commit_tree(args.after) as new_tree:
        designs = [
            Design(f"before ({args.baseline})", old_tree),
            Design(f"after ({args.after})", new_tree),
        ]
        for run in range(args.runs):
            for slow in args.slow:
                for design in designs:
                    result = run_once(design, slow, args.seconds, args.timeout)
                    results.setdefault((design.name, slow), []).append(result)
                    print(f"run {run + 1} {design.name} slow={slow}: {result}", flush=True)
    for slow in args.slow:
        print(f"\n### {slow} slow clients, `help` every 0.5 s for {args.seconds:g} s\n")
        print("| metric | " + " | ".join(d.name for d in designs) + " |")
        print("|---|" + "---|" * len(designs))
        for key in results[(designs[0].name, slow)][0]:
            cells = [cell([r[key] for r in results[(d.name, slow)]]) for d in designs]
            print(f"| {key} | " + " | ".join(cells) + " |")
    after = [r for slow in args.slow for r in results[(designs[1].name, slow)]]
    ok = all(r["acks_over_3s"] == 0 and r["commands"] > 0 for r in after)
    return verdict([(f"after design, all {len(after)} runs: every command acked within 3 s", ok)])


if __name__ == "__main__":
    sys.exit(main())
