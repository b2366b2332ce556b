"""Noko's webhook deliveries: signature checked in constant time, each delivery applied once,
and the change written to the mirror (team, user, project and entry events)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError

from bot.mirror.storage import MirrorStore
from noko_core.webhooks import EVENTS as WEBHOOK_EVENTS
from noko_core.webhooks import family, signature_ok

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Noko-Signature"
DELIVERY_HEADER = "X-Noko-Delivery"
CATEGORY_HEADER = "X-Noko-EventCategory"
PING_CATEGORY = "webhook"  # the category of `webhook.ping`
MAX_DELIVERY_ID = 64
KEPT = frozenset({"entry", "team", "user", "project"})
# The events `noko-bot webhooks install` asks for: every change to what the mirror keeps.
EVENTS = tuple(event for event in WEBHOOK_EVENTS if family(event) in KEPT)


@dataclass(frozen=True)
class WebhookReply:
    status: int
    message: str


class _Loose(BaseModel):
    model_config = ConfigDict(extra="allow")


class _Id(_Loose):
    id: StrictInt = Field(gt=0)


class _SimpleUser(_Id):
    email: str = ""
    first_name: str = ""
    last_name: str = ""


class _Entry(_Id):
    date: dt.date
    minutes: StrictInt
    billable: StrictBool
    user: _SimpleUser
    project: _Id | None = None


class _Team(_Id):
    name: str
    users: list[_SimpleUser] = []


class _User(_SimpleUser):
    role: str | None = None
    state: str | None = None


class _Project(_Id):
    name: str
    participants: list[_SimpleUser] = []


class _Delivery(_Loose):
    type: str = Field(min_length=1, max_length=64)
    object: dict[str, Any] | None = None


_SHAPES: dict[str, type[_Id]] = {
    "entry": _Entry,
    "team": _Team,
    "user": _User,
    "project": _Project,
}


def receive_delivery(
    store: MirrorStore,
    body: bytes,
    signature: str | None,
    delivery_id: str | None,
    *,
    category: str | None = None,
) -> WebhookReply:
    """Check, parse and apply one delivery; the reply's status is what Noko gets.

    ``category`` is the unsigned X-Noko-EventCategory header, read only to word the log line."""
    secret = store.webhook_secret()
    if not secret:
        if (category or "").strip().lower() == PING_CATEGORY:
            # Noko pings a webhook as it creates it, before `webhooks install` has its answer
            # (and the secret) to store: expected, harmless, and Noko sends the ping again.
            log.info("a Noko ping came before its webhook secret was stored; Noko retries it")
        else:
            log.warning(
                "refused a Noko webhook: no webhook secret stored (noko-bot webhooks install)"
            )
        return WebhookReply(401, "invalid signature")
    if not signature_ok(secret, body, signature):
        problem = "missing" if not signature else "bad"
        log.warning("refused a Noko webhook: %s signature (%d bytes)", problem, len(body))
        return WebhookReply(401, "invalid signature")
    try:
        delivery = _Delivery.model_validate(json.loads(body))
        change = _change(delivery)
    except (ValueError, ValidationError) as error:  # JSONDecodeError is a ValueError
        log.warning("refused a signed Noko webhook: unreadable (%s)", type(error).__name__)
        return WebhookReply(400, "unreadable payload")
    key = (delivery_id or "").strip() or hashlib.sha256(body).hexdigest()
    if len(key) > MAX_DELIVERY_ID:
        log.warning("refused a signed Noko webhook: delivery id over %d chars", MAX_DELIVERY_ID)
        return WebhookReply(400, "unreadable delivery id")
    return _apply(store, key, delivery.type, change)


def _change(delivery: _Delivery) -> tuple[str, str, dict[str, Any]] | None:
    """(family, action, object) for a change the mirror keeps; None for anything else."""
    family, _, action = delivery.type.partition(".")
    shape = _SHAPES.get(family) if family in KEPT else None
    if shape is None:
        return None  # ping, tags, invoices…: acknowledged, nothing to keep
    obj = delivery.object or {}
    deleted = action.split(".", 1)[0] == "deleted"  # also project.deleted.merged
    (_Id if deleted else shape).model_validate(obj)
    return family, "deleted" if deleted else "changed", obj


def _apply(
    store: MirrorStore, key: str, kind: str, change: tuple[str, str, dict[str, Any]] | None
) -> WebhookReply:
    log_id = store.log_start("webhook")
    applied, upserted, deleted = store.apply_delivery(key, change)
    store.log_finish(log_id, requests=0, upserted=upserted, deleted=deleted, error=None)
    if not applied:
        return WebhookReply(200, "duplicate delivery, already applied")
    return WebhookReply(200, f"applied {kind}")
