"""Slash-command ack latency under a burst, today's design side by side with an earlier commit's.

For each design and burst size, one run starts the Noko sandbox (Noko's rate limit on, +300 ms
per request) and `noko-bot web` (the Procfile's web process) in subprocesses, the fake Slack in
this process, then fires N signed `/noko-team hours <team> <period>` commands at once (each
needs Noko) over N connections opened beforehand, written in one loop and timed by one selector
thread. It records each command's HTTP answer time (Slack gives 3 s) and what the answer said,
then waits up to 90 s for the final replies on the fake Slack's response_url.

Each design runs from a detached git worktree of its commit (``--baseline``, default the commit
before issue 7's work; ``--after``, default HEAD), with PYTHONPATH pointing at it: both run in
the same venv and the same run, and the working tree may change meanwhile.

    .venv/bin/python bench/bench_ack.py [--sizes 200 1000] [--runs 3] [--latency 0.3]
"""

from __future__ import annotations

import argparse
import os
import selectors
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bot.devtools.fake_slack import FakeSlack, SlackUser
from bot.devtools.slack_requests import signed_headers, slash_command_body
from bot.listeners.work import BUSY

SECRET = "bench-signing-secret"
ROOT = Path(__file__).resolve().parent.parent
BASELINE = "b85a110"  # main before issue 7: acks on Bolt's listener pool (64 threads), gthread
TEAMS = ["Design", "Engineering", "Engineering Ops", "Customer Success", "R&D", "Marketing"]
PERIODS = ["last-week", "this-week", "last-month", "yesterday"]
SLACK_ACK_LIMIT = 3.0
FINAL_WAIT = 90.0  # after the last ack, how long to wait for final replies


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


@dataclass
class Outcome:
    started: float
    ack_s: float
    status: int
    busy: bool
    final_s: float | None = None  # from sending the command to its reply on response_url


@dataclass
class Design:
    name: str
    tree: Path  # where `bot` is imported from
    env: dict[str, str] = field(default_factory=dict)


def head_commit() -> str:
    out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], check=True,
                         capture_output=True, text=True)  # fmt: skip
    return out.stdout.strip()


@contextmanager
def commit_tree(commit: str) -> Iterator[Path]:
    """A detached worktree of ``commit``, removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix="bench-baseline-"))
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


def _start(cmd: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
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


def run_once(design: Design, size: int, latency: float) -> dict[str, float]:
    sandbox_port, app_port = _free_port(), _free_port()
    env = {**os.environ, "PYTHONPATH": str(design.tree), **design.env}
    py = sys.executable
    sandbox = _start(
        [py, "-m", "noko_core.sandbox", "--port", str(sandbox_port), "--latency", str(latency)],
        env,
        design.tree,
    )
    noko_url = f"http://127.0.0.1:{sandbox_port}/v2"
    users = [SlackUser("UBENCH", "Bench", "bench@example.com")]
    with FakeSlack(users) as fake, tempfile.TemporaryDirectory() as tmp:
        env.update(
            PORT=str(app_port),
            SLACK_BOT_TOKEN="xoxb-bench",
            SLACK_SIGNING_SECRET=SECRET,
            NOKO_ACCESS_TOKEN="sandbox-token",
            NOKO_API_URL=noko_url,
            SLACK_API_URL=fake.api_url,
            DATABASE_URL=f"sqlite:///{tmp}/bench.db",
            LOG_LEVEL="WARNING",
        )
        app = _start([py, "-m", "bot", "web"], env, design.tree)
        try:
            _wait_http(noko_url)
            _wait_http(f"http://127.0.0.1:{app_port}/healthz")
            _warm_up(f"http://127.0.0.1:{app_port}/slack/events", fake)
            return _burst(app_port, fake, size)
        finally:
            stop(app)
            stop(sandbox)


def _warm_up(url: str, fake: FakeSlack) -> None:
    """One command first, so that both designs start with Bolt's auth.test done."""
    body = slash_command_body("help", user_id="UBENCH", response_url=fake.response_url("warm"))
    requests.post(url, data=body, headers=signed_headers(SECRET, body), timeout=30)
    fake.wait_for("response_url", timeout=30)
    fake.clear()


def _burst(port: int, fake: FakeSlack, size: int) -> dict[str, float]:
    """All ``size`` connections are opened first; then every request is written in one quick
    loop (about 10 µs each) and one selector thread times each answer, so the figure is the
    server's and not the client's: 1,000 client threads would queue on their own GIL."""
    outcomes: dict[str, Outcome] = {}
    pending: dict[socket.socket, tuple[str, bytes]] = {}
    for index in range(size):
        key = f"k{index}"
        text = f"hours {TEAMS[index % len(TEAMS)]} {PERIODS[(index // 6) % len(PERIODS)]}"
        body = slash_command_body(text, user_id="UBENCH", response_url=fake.response_url(key))
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        pending[sock] = (key, _http_request(port, body))
    selector = selectors.DefaultSelector()
    started: dict[socket.socket, float] = {}
    buffers: dict[socket.socket, bytes] = {}
    for sock, (_key, raw) in pending.items():
        started[sock] = time.monotonic()
        sock.sendall(raw)
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
        buffers[sock] = b""
    deadline = time.monotonic() + 120
    while selector.get_map() and time.monotonic() < deadline:
        for selected, _ in selector.select(timeout=1.0):
            sock = selected.fileobj
            assert isinstance(sock, socket.socket)
            chunk = sock.recv(65536)
            buffers[sock] += chunk
            answer = _complete(buffers[sock]) if chunk else (0, b"")
            if answer is None:
                continue
            status, payload = answer
            key = pending[sock][0]
            busy = BUSY.encode() in payload
            outcomes[key] = Outcome(started[sock], time.monotonic() - started[sock], status, busy)
            selector.unregister(sock)
            sock.close()
    for sock in list(selector.get_map().values()):  # no answer within 120 s
        key = pending[sock.fileobj][0]  # type: ignore[index]
        outcomes[key] = Outcome(started[sock.fileobj], 120.0, 0, False)  # type: ignore[index]
    _collect_finals(fake, outcomes)
    return _summary(outcomes)


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


def _collect_finals(fake: FakeSlack, outcomes: dict[str, Outcome]) -> None:
    expected = {k for k, o in outcomes.items() if not o.busy}
    deadline = time.monotonic() + FINAL_WAIT
    arrived: dict[str, float] = {}
    while time.monotonic() < deadline and not expected <= arrived.keys():
        for call in fake.calls_to("response_url"):
            key = call.path.rsplit("/", 1)[-1]
            if key in outcomes and key not in arrived:
                arrived[key] = call.at
        time.sleep(0.2)
    for key, outcome in outcomes.items():
        outcome.final_s = arrived[key] - outcome.started if key in arrived else None


def _summary(outcomes: dict[str, Outcome]) -> dict[str, float]:
    acks = [o.ack_s for o in outcomes.values()]
    finals = [o.final_s for o in outcomes.values() if o.final_s is not None]
    failed_ack = [o for o in outcomes.values() if o.status != 200 or o.ack_s > SLACK_ACK_LIMIT]
    return {
        "commands": len(outcomes),
        "ack_p50_ms": statistics.median(acks) * 1000,
        "ack_p99_ms": _percentile(acks, 99) * 1000,
        "ack_max_ms": max(acks) * 1000,
        "acks_over_3s": sum(1 for a in acks if a > SLACK_ACK_LIMIT),
        "non_200": sum(1 for o in outcomes.values() if o.status != 200),
        "told_busy": sum(1 for o in outcomes.values() if o.busy),
        "replied": len(finals),
        "ran_after_failed_ack": sum(1 for o in failed_ack if o.final_s is not None),
        "final_p50_s": statistics.median(finals) if finals else float("nan"),
        "final_max_s": max(finals) if finals else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--after", default=head_commit(), help="the design measured against it")
    args = parser.parse_args()
    with commit_tree(args.baseline) as old_tree, commit_tree(args.after) as new_tree:
        designs = [
            Design(f"before ({args.baseline})", old_tree),
            Design(f"after ({args.after})", new_tree),
        ]
        results: dict[tuple[str, int], list[dict[str, float]]] = {}
        for run in range(args.runs):
            for size in args.sizes:
                for design in designs:  # interleaved, so drift hits both alike
                    result = run_once(design, size, args.latency)
                    results.setdefault((design.name, size), []).append(result)
                    print(f"run {run + 1} {design.name} n={size}: {result}", flush=True)
    _print_table(results, args.sizes, designs)


def _print_table(
    results: dict[tuple[str, int], list[dict[str, float]]], sizes: list[int], designs: list[Design]
) -> None:
    for size in sizes:
        runs = len(results[(designs[0].name, size)])
        print(f"\n### {size} concurrent commands (median [min-max] of {runs} runs)\n")
        print("| metric | " + " | ".join(d.name for d in designs) + " |")
        print("|---|" + "---|" * len(designs))
        for key in results[(designs[0].name, size)][0]:
            cells = []
            for design in designs:
                values = [r[key] for r in results[(design.name, size)]]
                cells.append(_cell(values))
            print(f"| {key} | " + " | ".join(cells) + " |")


def _cell(values: list[float]) -> str:
    med, low, high = statistics.median(values), min(values), max(values)
    if all(float(v).is_integer() for v in values):
        return f"{med:.0f} [{low:.0f}-{high:.0f}]"
    return f"{med:.1f} [{low:.1f}-{high:.1f}]"


if __name__ == "__main__":
    main()
