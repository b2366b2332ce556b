"""Slash-command ack latency under a burst, today's design side by side with an earlier commit's.

For each design and burst size, one run starts the Noko sandbox (Noko's rate limit on, +300 ms
per request) and `noko-bot web` (the Procfile's web process) in subprocesses, the fake Slack in
this process, then fires N signed `/noko-team hours <team> <period>` commands at once (each
needs Noko) over N connections opened beforehand, written in one loop and timed by one selector
thread. It records each command's HTTP answer time (Slack gives 3 s) and what the answer said,
stops timing acks after ``--ack-wait`` s (the connections stay open), and with ``--final-wait``
counts the final replies reaching the fake Slack's response_url within that many seconds.

Each design runs from a detached git worktree of its commit (``--baseline``, default the commit
before issue 7's work; ``--after``, default HEAD), with PYTHONPATH pointing at it: both run in
the same venv, interleaved in the same process (before, after, before, after, ...).

    .venv/bin/python bench/bench_ack.py [--sizes 200 1000] [--runs 3] [--final-wait 90]

Exit code: 0 when the after design, in every run, acked every command with a 200 within 3 s (and,
with --final-wait, ran nothing whose ack had failed); 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import selectors
import socket
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from benchkit import (
    cell,
    commit_tree,
    free_port,
    head_commit,
    percentile,
    runs_argument,
    start,
    stop,
    verdict,
    wait_http,
)

from bot.devtools.fake_slack import FakeSlack, SlackUser
from bot.devtools.slack_requests import signed_headers, slash_command_body
from bot.listeners.work import BUSY

SECRET = "bench-signing-secret"
BASELINE = "b85a110"  # main before issue 7: acks on Bolt's listener pool (64 threads), gthread
TEAMS = ["Design", "Engineering", "Engineering Ops", "Customer Success", "R&D", "Marketing"]
PERIODS = ["last-week", "this-week", "last-month", "yesterday"]
SLACK_ACK_LIMIT = 3.0
Metrics = dict[str, float]


@dataclass
class Outcome:
    started: float
    ack_s: float
    status: int  # 0: no answer within the ack wait
    busy: bool
    final_s: float | None = None  # from sending the command to its reply on response_url


@dataclass(frozen=True)
class Design:
    name: str
    tree: Path  # where `bot` is imported from


@dataclass(frozen=True)
class Waits:
    ack: float  # past Slack's 3 s an ack has failed anyway; timing stops here
    final: float  # after the ack phase, how long final replies are counted


def bot_env(
    tree: Path, sandbox_port: int, app_port: int, fake: FakeSlack, db: str
) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(tree),
        "PORT": str(app_port),
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "NOKO_ACCESS_TOKEN": "sandbox-token",
        "NOKO_API_URL": f"http://127.0.0.1:{sandbox_port}/v2",
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": f"sqlite:///{db}",
        "LOG_LEVEL": "WARNING",
    }


def run_once(design: Design, size: int, latency: float, waits: Waits) -> Metrics:
    sandbox_port, app_port = free_port(), free_port()
    py = sys.executable
    sandbox_cmd = [py, "-m", "noko_core.sandbox", "--port", str(sandbox_port),
                   "--latency", str(latency)]  # fmt: skip
    users = [SlackUser("UBENCH", "Bench", "bench@example.com")]
    with FakeSlack(users) as fake, tempfile.TemporaryDirectory() as tmp:
        env = bot_env(design.tree, sandbox_port, app_port, fake, f"{tmp}/bench.db")
        sandbox = start(sandbox_cmd, env, design.tree)
        app = start([py, "-m", "bot", "web"], env, design.tree)
        try:
            wait_http(f"http://127.0.0.1:{sandbox_port}/v2")
            wait_http(f"http://127.0.0.1:{app_port}/healthz")
            warm_up(f"http://127.0.0.1:{app_port}/slack/events", fake)
            return burst(app_port, fake, size, waits)
        finally:
            stop(app)
            stop(sandbox)


def warm_up(url: str, fake: FakeSlack) -> None:
    """One command first, so that both designs start with Bolt's auth.test done."""
    body = slash_command_body("help", user_id="UBENCH", response_url=fake.response_url("warm"))
    requests.post(url, data=body, headers=signed_headers(SECRET, body), timeout=30)
    fake.wait_for("response_url", timeout=30)
    fake.clear()


def burst(port: int, fake: FakeSlack, size: int, waits: Waits) -> Metrics:
    """All ``size`` connections are opened first; then every request is written in one quick
    loop (about 10 µs each) and one selector thread times each answer, so the figure is the
    server's and not the client's: 1,000 client threads would queue on their own GIL."""
    socks: dict[socket.socket, str] = {}
    raw: dict[socket.socket, bytes] = {}
    for index in range(size):
        text = f"hours {TEAMS[index % len(TEAMS)]} {PERIODS[(index // 6) % len(PERIODS)]}"
        key = f"k{index}"
        body = slash_command_body(text, user_id="UBENCH", response_url=fake.response_url(key))
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        socks[sock], raw[sock] = key, _http_request(port, body)
    started: dict[socket.socket, float] = {}
    for sock, request in raw.items():
        started[sock] = time.monotonic()
        sock.sendall(request)
        sock.setblocking(False)
    outcomes = _read_acks(socks, started, waits.ack)
    if waits.final > 0:
        _collect_finals(fake, outcomes, waits.final)
    for sock in socks:  # closed only now: an unanswered command may still run and reply
        sock.close()
    return _summary(outcomes, waits)


def _read_acks(
    socks: dict[socket.socket, str], started: dict[socket.socket, float], wait: float
) -> dict[str, Outcome]:
    selector = selectors.DefaultSelector()
    buffers = dict.fromkeys(socks, b"")
    socks_by_fd = {sock.fileno(): sock for sock in socks}
    for sock in socks:
        selector.register(sock, selectors.EVENT_READ)
    outcomes: dict[str, Outcome] = {}
    deadline = time.monotonic() + wait
    while selector.get_map() and time.monotonic() < deadline:
        for selected, _ in selector.select(timeout=0.5):
            sock = socks_by_fd[selected.fd]
            chunk = sock.recv(65536)
            buffers[sock] += chunk
            answer = _complete(buffers[sock]) if chunk else (0, b"")
            if answer is None:
                continue
            status, payload = answer
            elapsed = time.monotonic() - started[sock]
            outcomes[socks[sock]] = Outcome(
                started[sock], elapsed, status, BUSY.encode() in payload
            )
            selector.unregister(sock)
    for sock in socks:
        if socks[sock] not in outcomes:  # counted at the wait: a lower bound, shown as such
            outcomes[socks[sock]] = Outcome(started[sock], wait, 0, False)
    selector.close()
    return outcomes


def _http_request(port: int, body: str) -> bytes:
    headers = signed_headers(SECRET, body)
    lines = [
        "POST /slack/events HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"Content-Length: {len(body.encode())}",
        "Connection: close",
        *[f"{name}: {value}" for name, value in headers.items()],
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body.encode()


def _complete(raw: bytes) -> tuple[int, bytes] | None:
    """(status, body) once a whole HTTP answer is in ``raw``; None while it is still coming."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        return None
    status = int(head.split(b" ", 2)[1])
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and len(body) < int(value):
            return None
    return status, body


def _collect_finals(fake: FakeSlack, outcomes: dict[str, Outcome], wait: float) -> None:
    expected = {k for k, o in outcomes.items() if not o.busy}
    deadline = time.monotonic() + wait
    arrived: dict[str, float] = {}
    while time.monotonic() < deadline and not expected <= arrived.keys():
        for call in fake.calls_to("response_url"):
            key = call.path.rsplit("/", 1)[-1]
            if key in outcomes and key not in arrived:
                arrived[key] = call.at
        time.sleep(0.2)
    for key, outcome in outcomes.items():
        outcome.final_s = arrived[key] - outcome.started if key in arrived else None


def _summary(outcomes: dict[str, Outcome], waits: Waits) -> Metrics:
    acks = [o.ack_s for o in outcomes.values()]
    metrics: Metrics = {
        "commands": len(outcomes),
        "ack_p50_ms": statistics.median(acks) * 1000,
        "ack_p99_ms": percentile(acks, 99) * 1000,
        "ack_max_ms": max(acks) * 1000,
        f"no_answer_in_{waits.ack:g}s": sum(1 for o in outcomes.values() if o.status == 0),
        "acks_over_3s": sum(1 for a in acks if a > SLACK_ACK_LIMIT),
        "non_200": sum(1 for o in outcomes.values() if o.status != 200),
        "told_busy": sum(1 for o in outcomes.values() if o.busy),
    }
    if waits.final > 0:  # replies are bounded by Noko's 2 requests/s: they need a long wait
        finals = [o.final_s for o in outcomes.values() if o.final_s is not None]
        failed = [o for o in outcomes.values() if o.status != 200 or o.ack_s > SLACK_ACK_LIMIT]
        metrics |= {
            f"replied_in_{waits.final:g}s": len(finals),
            "ran_after_failed_ack": sum(1 for o in failed if o.final_s is not None),
            "final_p50_s": statistics.median(finals) if finals else float("nan"),
            "final_p99_s": percentile(finals, 99) if finals else float("nan"),
            "final_max_s": max(finals) if finals else float("nan"),
        }
    return metrics


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    runs_argument(parser)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--latency", type=float, default=0.3, help="seconds added per Noko call")
    parser.add_argument("--ack-wait", type=float, default=10.0)
    parser.add_argument(
        "--final-wait", type=float, default=0.0, help="also count final replies for N s (90)"
    )
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--after", default=head_commit(), help="the design measured against it")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    waits = Waits(args.ack_wait, args.final_wait)
    results: dict[tuple[str, int], list[Metrics]] = {}
    with commit_tree(args.baseline) as old_tree, commit_tree(args.after) as new_tree:
        designs = [
            Design(f"before ({args.baseline})", old_tree),
            Design(f"after ({args.after})", new_tree),
        ]
        for run in range(args.runs):
            for size in args.sizes:
                for design in designs:  # interleaved, so drift hits both alike
                    result = run_once(design, size, args.latency, waits)
                    results.setdefault((design.name, size), []).append(result)
                    print(f"run {run + 1} {design.name} n={size}: {result}", flush=True)
    _print_tables(results, args.sizes, designs)
    after = [r for size in args.sizes for r in results[(designs[1].name, size)]]
    return verdict([_after_check(after)])


def _after_check(after: list[Metrics]) -> tuple[str, bool]:
    replies = "ran_after_failed_ack" in after[0]
    ok = all(
        r["acks_over_3s"] == r["non_200"] == r.get("ran_after_failed_ack", 0) == 0 for r in after
    )
    label = f"after design, all {len(after)} runs: 0 acks over 3 s, 0 non-200"
    return label + (", 0 ran after a failed ack" if replies else ""), ok


def _print_tables(
    results: dict[tuple[str, int], list[Metrics]], sizes: list[int], designs: list[Design]
) -> None:
    for size in sizes:
        runs = len(results[(designs[0].name, size)])
        print(f"\n### {size} concurrent commands (median [min-max] of {runs} runs)\n")
        print("| metric | " + " | ".join(d.name for d in designs) + " |")
        print("|---|" + "---|" * len(designs))
        for key in results[(designs[0].name, size)][0]:
            cells = [cell([r[key] for r in results[(d.name, size)]]) for d in designs]
            print(f"| {key} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
