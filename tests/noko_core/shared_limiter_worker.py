"""One OS process of the shared-limiter tests: threads sending GETs to a sandbox through a limiter.

Run as ``python shared_limiter_worker.py '<json>'``; the JSON says which limiter to build (the
real ones: ``process`` RateLimiter, ``file`` FileLimiter, ``redis`` RedisLimiter), when to
to send. Prints ``ready`` once the client is built, starts when it reads a line on stdin (so
that the test can start every process at once), then prints one JSON line:
{"errors": [class names]}.
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Any

from noko_core import Limiter, NokoClient, NokoError, RateLimiter, background_requests
from noko_core.shared_limit import FileLimiter, shared_limiter


def build_limiter(spec: dict[str, Any]) -> Limiter:
    rate = float(spec.get("rate", 2.0))
    kind = spec["limiter"]
    if kind == "process":
        return RateLimiter(rate)
    if kind == "file":
        return FileLimiter(spec["path"], rate)
    return shared_limiter(
        spec["base_url"],
        rate,
        redis_url=spec["redis_url"],
        state_path=spec["path"],
        redis_prefix=spec["prefix"],
    )


def main(spec: dict[str, Any]) -> None:
    client = NokoClient(
        spec["token"],
        base_url=spec["base_url"],
        user_agent=spec.get("user_agent", "limiter-test/1"),
        max_retries=0,
        timeout=30.0,
        limiter=build_limiter(spec),
        coalesce=False,
    )
    errors: list[str] = []
    print("ready", flush=True)
    sys.stdin.readline()

    def work(thread: int) -> None:
        try:
            if spec.get("background"):
                with background_requests():
                    send(thread)
            else:
                send(thread)
        except NokoError as exc:
            errors.append(type(exc).__name__)

    def send(thread: int) -> None:
        for n in range(int(spec["requests"])):
            client.request("GET", "/users", params={"page": 1 + thread * 100 + n})

    threads = [threading.Thread(target=work, args=(t,)) for t in range(int(spec["threads"]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client.close()
    print(json.dumps({"errors": errors}), flush=True)


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
