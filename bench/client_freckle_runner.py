"""Runs one benchmark case with python-freckle-client 1.1.2, under bench/.venv-freckle's python.

The seed client hard-codes https://api.nokotime.com/v2 and sends the legacy X-FreckleToken
header. The sandbox models neither the real host nor the legacy header, so this shim (and only
this) rewrites each outgoing request: the URL prefix becomes the sandbox's base URL and the token
is *also* sent as X-NokoToken. Everything else (query, body, verbs, paging, the missing
throttle and retries) is the seed client's own behaviour.

    python client_freckle_runner.py '{"base_url": ..., "token": ..., "case": ..., "kwargs": {...}}'

Prints one JSON object: {"ids": [...], "error": str | null, "wall": seconds}.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import requests
from noko_client.client import NokoClient  # type: ignore[import-not-found]  # the seed venv only

REAL_BASE = "https://api.nokotime.com/v2"


def install_shim(base_url: str) -> None:
    original = requests.request

    def redirected(method: str, url: str, **kwargs: Any) -> requests.Response:
        if url.startswith(REAL_BASE):
            url = base_url + url[len(REAL_BASE) :]
        headers = dict(kwargs.pop("headers", None) or {})
        if "X-FreckleToken" in headers:
            headers["X-NokoToken"] = headers["X-FreckleToken"]
        return original(method, url, headers=headers, **kwargs)

    requests.request = redirected  # type: ignore[assignment]


def run(spec: dict[str, Any]) -> dict[str, Any]:
    install_shim(spec["base_url"])
    client = NokoClient(spec["token"])
    method = getattr(client, spec["case"])
    started = time.monotonic()
    try:
        items = method(*spec.get("args", []), **spec.get("kwargs", {})) or []
        error = None
    except Exception as exc:  # the seed raises bare requests.HTTPError; report, don't crash
        items, error = [], f"{type(exc).__name__}: {str(exc)[:120]}"
    wall = time.monotonic() - started
    return {"ids": [item["id"] for item in items], "error": error, "wall": wall}


if __name__ == "__main__":
    print(json.dumps(run(json.loads(sys.argv[1]))))
