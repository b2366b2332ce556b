"""The Redis the tests may use: ``TEST_REDIS_URL`` (set by .ci/run; CI's machine runs Redis).

Unset, the tests that need Redis skip and say why, so a newcomer's `pytest` passes; set, they
run, and a Redis that doesn't answer fails them rather than skipping them silently.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import pytest

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "").strip() or None

needs_redis = pytest.mark.skipif(
    TEST_REDIS_URL is None,
    reason="TEST_REDIS_URL is not set: no Redis to test against (.ci/run sets it)",
)


def redis_url() -> str:
    """The test Redis's URL (call only under ``needs_redis``)."""
    assert TEST_REDIS_URL is not None
    return TEST_REDIS_URL


def with_credentials(user: str, password: str) -> str:
    """The test Redis's URL carrying credentials it will refuse."""
    parts = urlsplit(redis_url())
    host = parts.hostname or "127.0.0.1"
    netloc = f"{user}:{password}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
