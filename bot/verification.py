"""Slack's request signature, checked in one place that can only say yes or no (never raise).

Slack signs every HTTP request: ``v0=`` + hex HMAC-SHA256 of ``v0:{timestamp}:{raw body}`` with
the app's signing secret, and the timestamp must be within five minutes of now. The check here
returns the reason for a refusal (for one log line) instead of raising, whatever the headers
hold: slack_sdk's ``SignatureVerifier`` raises on a non-integer timestamp (``int("abc")``) and
on a non-ASCII signature (``hmac.compare_digest`` with ``str``), and an exception there used to
reach the app's error handler with the unverified body.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable

# Slack's payloads (a view submission with 100 blocks of state is the largest) stay far below
# this; anything bigger is refused before its body is read (HTTP 413).
MAX_BODY_BYTES = 256 * 1024
MAX_CLOCK_SKEW_SECONDS = 5 * 60

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


def signature_problem(
    secret: str,
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    now: Callable[[], float],
) -> str | None:
    """None when ``body`` was signed by Slack with ``secret``; otherwise why not, in a few words.

    The reason names the header that was wrong, never its value or the body.
    """
    if not secret:
        return "no signing secret is configured"
    if not timestamp:
        return "missing X-Slack-Request-Timestamp"
    if not _TIMESTAMP.fullmatch(timestamp):
        return "malformed X-Slack-Request-Timestamp"
    if abs(now() - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        return "stale X-Slack-Request-Timestamp"
    if not signature:
        return "missing X-Slack-Signature"
    if not _SIGNATURE.fullmatch(signature):
        return "malformed X-Slack-Signature"
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    expected = "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii")):
        return "signature mismatch"
    return None
