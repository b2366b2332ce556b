"""Noko webhook facts shared by senders and receivers: the event names (API docs, "Webhook
Events") and the payload signature (API docs, "Using Webhooks")."""

from __future__ import annotations

import hashlib
import hmac

WILDCARD = "*"
PING = "webhook.ping"

EVENTS: tuple[str, ...] = (
    PING,
    "entry.created",
    "entry.updated",
    "entry.deleted",
    "entry.updated.approved",
    "entry.updated.unapproved",
    "entry.updated.invoiced",
    "entry.updated.uninvoiced",
    "tag.created",
    "tag.updated",
    "tag.deleted",
    "tag.deleted.merged",
    "project.created",
    "project.updated",
    "project.updated.archived",
    "project.updated.unarchived",
    "project.deleted",
    "project.deleted.merged",
    "project_group.created",
    "project_group.updated",
    "project_group.deleted",
    "project_group.deleted.merged",
    "invoice.created",
    "invoice.updated",
    "invoice.deleted",
    "invoice.updated.paid",
    "invoice.updated.unpaid",
    "expense.created",
    "expense.updated",
    "expense.deleted",
    "team.created",
    "team.updated",
    "team.deleted",
    "user.created",
    "user.updated",
    "user.updated.deactivated",
    "user.updated.activated",
    "user.deleted",
)

SUBSCRIBABLE = frozenset((WILDCARD, *EVENTS))


def family(event: str) -> str:
    """The resource family of an event, sent as `X-Noko-EventCategory` ("entry", "webhook")."""
    return event.split(".", 1)[0]


def sign_payload(secret: str, body: bytes) -> str:
    """The `X-Noko-Signature` of a payload: hex HMAC-SHA256 of the raw body, keyed with the
    webhook's secret (the docs do not say which bytes; the raw body is the one sensible choice)."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(secret: str, body: bytes, signature: str | None) -> bool:
    """Whether `signature` signs `body` with `secret`, compared in constant time; a missing or
    empty signature or secret is never OK."""
    if not secret or not signature:
        return False
    return hmac.compare_digest(
        sign_payload(secret, body).encode(), signature.strip().lower().encode()
    )
