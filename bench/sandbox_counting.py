"""The Noko sandbox in its own process, with a side port that says how many API requests it has
answered, so a benchmark can count the Noko requests a phase made without sharing a process.

    python bench/sandbox_counting.py --port P --count-port Q [--latency 0.3] [--weeks 12]

``GET http://127.0.0.1:Q/`` answers ``{"requests": N}``.
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType

from noko_core.sandbox.demo import build_dataset
from noko_core.sandbox.server import Sandbox


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count-port", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--weeks", type=int, default=12)
    args = parser.parse_args()
    sandbox = Sandbox(
        port=args.port,
        token="sandbox-token",
        rate_limit=True,
        latency=args.latency,
        dataset=build_dataset(weeks=args.weeks),
    )

    class Count(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"requests": len(sandbox.requests)}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    counter = ThreadingHTTPServer(("127.0.0.1", args.count_port), Count)
    threading.Thread(target=counter.serve_forever, daemon=True).start()
    with sandbox:
        done.wait()
    counter.shutdown()


if __name__ == "__main__":
    main()
