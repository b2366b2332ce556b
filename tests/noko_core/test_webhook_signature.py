"""The webhook signature rule: hex HMAC-SHA256 of the raw body, checked in constant time."""

from __future__ import annotations

import pytest

from noko_core import WEBHOOK_EVENTS, sign_payload, signature_ok

# The well-known HMAC-SHA256 test vector (key "key").
BODY = b"The quick brown fox jumps over the lazy dog"
VECTOR = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"


def test_sign_payload_matches_the_known_vector() -> None:
    assert sign_payload("key", BODY) == VECTOR


@pytest.mark.parametrize("signature", [VECTOR, VECTOR.upper(), f" {VECTOR}\n"])
def test_signature_ok_accepts_the_right_signature(signature: str) -> None:
    assert signature_ok("key", BODY, signature)


@pytest.mark.parametrize(
    ("secret", "body", "signature"),
    [
        ("key", BODY + b" ", VECTOR),  # one byte more
        ("key2", BODY, VECTOR),  # another secret
        ("key", BODY, VECTOR[:-1]),  # truncated
        ("key", BODY, ""),
        ("key", BODY, None),
        ("", BODY, sign_payload("", BODY)),  # no secret: nothing is trusted
        ("key", BODY, "é" * 64),
    ],
)
def test_signature_ok_refuses_anything_else(
    secret: str, body: bytes, signature: str | None
) -> None:
    assert not signature_ok(secret, body, signature)


def test_event_list_has_the_documented_families() -> None:
    families = {event.split(".")[0] for event in WEBHOOK_EVENTS}

    assert families == {
        "webhook", "entry", "tag", "project", "project_group", "invoice", "expense", "team", "user",
    }  # fmt: skip
    assert "*" not in WEBHOOK_EVENTS
