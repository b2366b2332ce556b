"""`hours` under a burst, answered from the mirror against live Noko reads, side by side.

For each design and burst size, one run starts the Noko sandbox (Noko's rate limit on, +300 ms
per request; its own process, counting the requests it answers) and `noko-bot web` (the
Procfile's web process) with ``NOKO_MIRROR=off`` (live reads) or ``NOKO_MIRROR=on`` after
``noko-bot sync`` finished (the mirror), then fires N signed `/noko-team hours <team> <period>`
commands at once, as bench_ack.py does, and waits for every final reply on the fake Slack's
response_url. It reports the final replies' p50/p99, how many replies carried the hours (not a
refusal or an error), and how many Noko requests the burst made. The person typing is the Slack
user whose e-mail is a Noko supervisor's (reading follows Noko's levels), and
``SLACK_QUEUE_LIMIT`` is raised to 400 in both designs so that no command of the burst is turned
away as "busy": the figure is the time to answer everyone.
Designs run interleaved (live, mirror, live, mirror, ...) from the same tree and venv.

    .venv/bin/python bench/bench_mirror.py [--sizes 20 200] [--runs 3] [--final-wait 600]

Exit code: 0 when, in every run, the mirror answered every command, with a final p99 under 1 s
at the largest size and no Noko request during the burst; 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time

import requests
from bench_ack import Metrics, Waits, bot_env, burst, warm_up
from benchkit import ROOT, cell, free_port, runs_argument, start, stop, verdict, wait_http

from bot.devtools.fake_slack import FakeSlack, SlackUser
from noko_core.sandbox.demo import build_dataset

DESIGNS = ("live", "mirror")


def supervisor_email() -> str:
    """A Noko supervisor of the sandbox's account (the same dataset as sandbox_counting.py)."""
    return next(u.email for u in build_dataset().users if u.role == "supervisor")


def noko_requests(count_port: int) -> int:
    answer = requests.get(f"http://127.0.0.1:{count_port}/", timeout=10)
    return int(answer.json()["requests"])


def run_once(design: str, size: int, latency: float, waits: Waits) -> Metrics:
    sandbox_port, count_port, app_port = free_port(), free_port(), free_port()
    py = sys.executable
    sandbox_cmd = [py, str(ROOT / "bench" / "sandbox_counting.py"), "--port", str(sandbox_port),
                   "--count-port", str(count_port), "--latency", str(latency)]  # fmt: skip
    users = [SlackUser("UBENCH", "Bench", supervisor_email())]
    with FakeSlack(users) as fake, tempfile.TemporaryDirectory() as tmp:
        env = bot_env(ROOT, sandbox_port, app_port, fake, f"{tmp}/bench.db")
        env["NOKO_MIRROR"] = "on" if design == "mirror" else "off"
        env["SLACK_QUEUE_LIMIT"] = "400"
        sandbox = start(sandbox_cmd, env, ROOT)
        app = None
        try:
            wait_http(f"http://127.0.0.1:{count_port}/")
            metrics: Metrics = {}
            if design == "mirror":
                began, before = time.monotonic(), noko_requests(count_port)
                subprocess.run([py, "-m", "bot", "sync"], env=env, cwd=ROOT, check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
                metrics["sync_s"] = time.monotonic() - began
                metrics["sync_requests"] = noko_requests(count_port) - before
            app = start([py, "-m", "bot", "web"], env, ROOT)
            wait_http(f"http://127.0.0.1:{app_port}/healthz")
            warm_up(f"http://127.0.0.1:{app_port}/slack/events", fake)
            before = noko_requests(count_port)
            result = burst(app_port, fake, size, waits)
            metrics |= {
                key: result[key]
                for key in ("commands", "ack_p99_ms", "non_200", "told_busy")
                if key in result
            }
            metrics |= {k: v for k, v in result.items() if k.startswith(("final", "replied"))}
            metrics["noko_requests_in_burst"] = noko_requests(count_port) - before
            metrics["replies_with_hours"] = sum(
                1 for call in fake.calls_to("response_url") if "Total:" in json.dumps(call.args)
            )
            return metrics
        finally:
            if app is not None:
                stop(app)
            stop(sandbox)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    runs_argument(parser)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 200])
    parser.add_argument("--latency", type=float, default=0.3, help="seconds added per Noko call")
    parser.add_argument("--ack-wait", type=float, default=10.0)
    parser.add_argument("--final-wait", type=float, default=600.0)
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    waits = Waits(args.ack_wait, args.final_wait)
    results: dict[tuple[str, int], list[Metrics]] = {}
    for run in range(args.runs):
        for size in args.sizes:
            for design in DESIGNS:  # interleaved, so drift hits both alike
                result = run_once(design, size, args.latency, waits)
                results.setdefault((design, size), []).append(result)
                print(f"run {run + 1} {design} n={size}: {result}", flush=True)
    for size in args.sizes:
        print(f"\n### {size} concurrent `hours` commands (median [min-max] of {args.runs} runs)\n")
        print("| metric | " + " | ".join(DESIGNS) + " |")
        print("|---|" + "---|" * len(DESIGNS))
        keys = dict.fromkeys(k for d in DESIGNS for r in results[(d, size)] for k in r)
        for key in keys:
            cells = [cell([r.get(key, float("nan")) for r in results[(d, size)]]) for d in DESIGNS]
            print(f"| {key} | " + " | ".join(cells) + " |")
    top = max(args.sizes)
    mirror = [r for size in args.sizes for r in results[("mirror", size)]]
    answered = all(r["replies_with_hours"] == r["commands"] for r in mirror)
    quick = all(r["final_p99_s"] < 1.0 for r in results[("mirror", top)])
    silent = all(r["noko_requests_in_burst"] == 0 for r in mirror)
    return verdict(
        [
            ("mirror: every command answered with the hours, in every run", answered),
            (f"mirror: final reply p99 under 1 s at {top} commands, in every run", quick),
            ("mirror: no Noko request during any burst", silent),
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
