"""What the API tells the webhook deliveries: an event happened to an object (with its changes)."""

from __future__ import annotations

from typing import Any, Protocol

from noko_core.sandbox.dataset import Webhook

Json = dict[str, Any]
Changes = dict[str, list[Any]]


class Events(Protocol):
    """Called by endpoints while they hold the store's lock, so events keep the writes' order."""

    def publish(self, event: str, obj: Json, changes: Changes) -> None:
        """`obj` is the resource as the API shapes it (as it was, for a deletion)."""

    def ping(self, webhook: Webhook) -> None:
        """Queue a `webhook.ping` for this webhook only."""

    def retry(self, webhook: Webhook, payload_id: str) -> bool:
        """Queue this webhook's payload again; False when there is no such payload."""

    def changed(self, webhook: Webhook) -> None:
        """The webhook was enabled, disabled or deleted: resume, pause or drop its queue."""


class NoEvents:
    """Events that go nowhere (a sandbox without deliveries)."""

    def publish(self, event: str, obj: Json, changes: Changes) -> None:
        return None

    def ping(self, webhook: Webhook) -> None:
        return None

    def retry(self, webhook: Webhook, payload_id: str) -> bool:
        return False

    def changed(self, webhook: Webhook) -> None:
        return None


def changes(old: Json, new: Json) -> Changes:
    """`{field: [old, new]}` for every top-level field that differs (not `updated_at`)."""
    keys = [k for k in new if k != "updated_at"] + [k for k in old if k not in new]
    return {k: [old.get(k), new.get(k)] for k in keys if old.get(k) != new.get(k)}
