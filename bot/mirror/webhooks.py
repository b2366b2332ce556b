"""Noko's webhook deliveries: signature checked in constant time, each delivery applied once,
and the change written to the mirror (team, user, project and entry events).

The delivery id (``X-Noko-Delivery``) is not signed, so a captured delivery can be sent again
under a new id: a change is applied only over an older copy (``updated_at``, strictly newer),
a delivery Noko signed longer ago than it retries is refused, and a role raised by a delivery is
read back from Noko before it is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError

from bot.mirror.storage import MirrorStore, rows
from bot.services.access import role_raised
from noko_core import NokoClient, NokoError
from noko_core.webhooks import EVENTS as WEBHOOK_EVENTS
from noko_core.webhooks import family, signature_ok

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Noko-Signature"
DELIVERY_HEADER = "X-Noko-Delivery"
CATEGORY_HEADER = "X-Noko-EventCategory"
PING_CATEGORY = "webhook"  # the category of `webhook.ping`
MAX_DELIVERY_ID = 64
KEPT = frozenset({"entry", "team", "user", "project"})
RETRY_WINDOW = dt.timedelta(days=3)  # Noko retries a delivery for up to 3 days (API docs)
CLOCK_SLACK = dt.timedelta(days=1)  # between Noko's clock and ours
# A delivery Noko created longer ago than this is a replay: Noko no longer sends it.
ACCEPTED_FOR = RETRY_WINDOW + CLOCK_SLACK
# Delivery ids are kept past the last retry that can still be accepted, then forgotten.
DELIVERY_MEMORY = ACCEPTED_FOR + CLOCK_SLACK
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
    created_at: str | None = None
    object: dict[str, Any] | None = None


_SHAPES: dict[str, type[_Id]] = {
    "entry": _Entry,
    "team": _Team,
    "user": _User,
    "project": _Project,
}


Change = tuple[str, str, dict[str, Any]]


class _RefusedError(ValueError):
    """A signed delivery the mirror will not apply; the message says why (for the log)."""


def receive_delivery(
    store: MirrorStore,
    noko: NokoClient,
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
        key = _key(delivery_id, body)
        delivery, change = _read(body)
        if change is not None:
            _check_age(delivery, store.clock())
    except _RefusedError as error:
        log.warning("refused a signed Noko webhook: %s", error)
        return WebhookReply(400, "unreadable payload")
    if change is not None:
        change = _role_read_back(store, noko, change)
    return _apply(store, key, delivery.type, change)


def _key(delivery_id: str | None, body: bytes) -> str:
    key = (delivery_id or "").strip() or hashlib.sha256(body).hexdigest()
    if len(key) > MAX_DELIVERY_ID or not (key.isascii() and key.isprintable()):
        raise _RefusedError(f"delivery id not {MAX_DELIVERY_ID} printable ASCII characters")
    return key


def _read(body: bytes) -> tuple[_Delivery, Change | None]:
    try:
        delivery = _Delivery.model_validate(json.loads(body))
        return delivery, _change(delivery)
    except RecursionError:
        raise _RefusedError("nested too deep") from None
    except rows.RefusedRowError as error:
        raise _RefusedError(str(error)) from None
    except (ValueError, ValidationError) as error:  # JSONDecodeError is a ValueError
        raise _RefusedError(f"unreadable ({type(error).__name__})") from None


def _change(delivery: _Delivery) -> Change | None:
    """(family, action, object) for a change the mirror keeps; None for anything else. Raises
    when the object is not one the mirror can store."""
    family, _, action = delivery.type.partition(".")
    shape = _SHAPES.get(family) if family in KEPT else None
    if shape is None:
        return None  # ping, tags, invoices…: acknowledged, nothing to keep
    obj = delivery.object or {}
    deleted = action.split(".", 1)[0] == "deleted"  # also project.deleted.merged
    (_Id if deleted else shape).model_validate(obj)
    if deleted:
        rows.noko_id(obj["id"])
    else:
        rows.build(family, obj)
    return family, "deleted" if deleted else "changed", obj


def _check_age(delivery: _Delivery, now: dt.datetime) -> None:
    created = rows.timestamp(delivery.created_at)
    if created is None:
        raise _RefusedError("no created_at")
    if created < now - ACCEPTED_FOR:
        raise _RefusedError(f"created {rows.stamp(created)}, before Noko's retry window")


def _role_read_back(store: MirrorStore, noko: NokoClient, change: Change) -> Change:
    """A user whose role a delivery raises gets the role Noko gives when asked (the delivery
    may be a replay); when Noko can't be asked, the mirror's role is kept until the next sync."""
    family, action, obj = change
    if family != "user" or action != "changed":
        return change
    before = store.user_role(obj["id"])
    if not role_raised(before, obj.get("role")):
        return change
    try:
        return family, action, dict(noko.get_single_user(obj["id"]))
    except NokoError as error:
        log.warning(
            "a Noko webhook raised user %d's role; Noko did not confirm it (%s), role kept",
            obj["id"],
            type(error).__name__,
        )
        return family, action, {**obj, "role": before}


def _apply(store: MirrorStore, key: str, kind: str, change: Change | None) -> WebhookReply:
    log_id = store.log_start("webhook")
    applied, upserted, deleted = store.apply_delivery(
        key, change, forget_before=store.clock() - DELIVERY_MEMORY
    )
    store.log_finish(log_id, requests=0, upserted=upserted, deleted=deleted, error=None)
    if not applied:
        return WebhookReply(200, "duplicate delivery, already applied")
    return WebhookReply(200, f"applied {kind}")
