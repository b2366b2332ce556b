"""Run the Noko sandbox in the foreground: `python -m noko_core.sandbox --port 8765`."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from noko_core.sandbox.demo import build_dataset
from noko_core.sandbox.server import Sandbox


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m noko_core.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--token", default="sandbox-token")
    parser.add_argument("--no-rate-limit", action="store_true", help="disable the 2 req/s limit")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--big-team-size", type=int, default=14)
    parser.add_argument("--entries-per-member-day", type=int, default=3)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    dataset = build_dataset(
        seed=args.seed,
        weeks=args.weeks,
        big_team_size=args.big_team_size,
        entries_per_member_day=args.entries_per_member_day,
    )
    sandbox = Sandbox(
        host=args.host,
        port=args.port,
        token=args.token,
        rate_limit=not args.no_rate_limit,
        latency=args.latency,
        dataset=dataset,
    )
    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with sandbox:
        print(f"Noko sandbox at {sandbox.base_url} (token: {sandbox.token})", flush=True)
        while not done.wait(0.5):
            pass
    print("Noko sandbox stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
