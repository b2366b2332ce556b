"""Webhooks: registration, events, secret, state, ping and retry (Noko API docs, "Webhooks")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from noko_core.models import Webhook, WebhookSecret
from noko_core.params import (
    WebhookCreateParams,
    WebhookEditParams,
    WebhookEventsParams,
    WebhookListParams,
    parse,
    parse_id,
    parse_payload_id,
    require_some,
    to_body,
    to_query,
)
from noko_core.resources.base import Resource


class WebhooksMixin(Resource):
    def iter_webhooks(self, **kwargs: Any) -> Iterator[Webhook]:
        """Lazily list webhooks, newest first; filters ``name``, ``events`` (names or "*", a
        list or a comma string), ``state`` ("enabled" | "disabled"), ``per_page``."""
        params = parse(WebhookListParams, "list_webhooks", kwargs)
        return self._pages("webhooks", to_query(params))

    def list_webhooks(self, **kwargs: Any) -> list[Webhook]:
        """All webhooks matching the filters described in ``iter_webhooks``."""
        return list(self.iter_webhooks(**kwargs))

    def get_single_webhook(self, webhook_id: int | str) -> Webhook:
        """One webhook by id (without its secret)."""
        wid = parse_id("get_single_webhook", "webhook_id", webhook_id)
        webhook: Webhook = self._send("GET", f"webhooks/{wid}")
        return webhook

    def create_webhook(self, name: str, payload_uri: str, events: Any) -> Webhook:
        """Register a webhook; the answer holds its ``secret``, which Noko never shows again.

        ``payload_uri`` is an absolute http(s) URL; ``events`` event names or "*".
        """
        values = {"name": name, "payload_uri": payload_uri, "events": events}
        params = parse(WebhookCreateParams, "create_webhook", values)
        webhook: Webhook = self._send("POST", "webhooks", body=to_body(params))
        return webhook

    def edit_webhook(
        self, webhook_id: int | str, name: str | None = None, payload_uri: str | None = None
    ) -> Webhook:
        """Rename a webhook or point it elsewhere (at least one of the two)."""
        wid = parse_id("edit_webhook", "webhook_id", webhook_id)
        values = {"name": name, "payload_uri": payload_uri}
        params = parse(WebhookEditParams, "edit_webhook", values)
        require_some("edit_webhook", params, ["name", "payload_uri"])
        webhook: Webhook = self._send("PUT", f"webhooks/{wid}", body=to_body(params))
        return webhook

    def add_webhook_events(self, webhook_id: int | str, events: Any) -> Webhook:
        """Subscribe a webhook to more events (ones it has are ignored)."""
        return self._events("add_webhook_events", "add_events", webhook_id, events)

    def remove_webhook_events(self, webhook_id: int | str, events: Any) -> Webhook:
        """Unsubscribe a webhook from events (ones it lacks are ignored)."""
        return self._events("remove_webhook_events", "remove_events", webhook_id, events)

    def _events(self, method: str, action: str, webhook_id: int | str, events: Any) -> Webhook:
        wid = parse_id(method, "webhook_id", webhook_id)
        params = parse(WebhookEventsParams, method, {"events": events})
        webhook: Webhook = self._send("PUT", f"webhooks/{wid}/{action}", body=to_body(params))
        return webhook

    def reroll_webhook_secret(self, webhook_id: int | str) -> WebhookSecret:
        """Give a webhook a new secret; the answer is the only place it is shown."""
        wid = parse_id("reroll_webhook_secret", "webhook_id", webhook_id)
        secret: WebhookSecret = self._send("PUT", f"webhooks/{wid}/reroll_secret")
        return secret

    def enable_webhook(self, webhook_id: int | str) -> None:
        """Resume deliveries to a webhook."""
        self._action("enable_webhook", "enable", webhook_id)

    def disable_webhook(self, webhook_id: int | str) -> None:
        """Stop deliveries to a webhook."""
        self._action("disable_webhook", "disable", webhook_id)

    def ping_webhook(self, webhook_id: int | str) -> None:
        """Ask Noko to send the webhook a ``webhook.ping`` (answered 202: sent later)."""
        self._action("ping_webhook", "ping", webhook_id)

    def retry_webhook_payload(self, webhook_id: int | str, payload_id: str) -> None:
        """Ask Noko to send one payload again; ``payload_id`` is its X-Noko-Delivery UUID."""
        wid = parse_id("retry_webhook_payload", "webhook_id", webhook_id)
        pid = parse_payload_id("retry_webhook_payload", payload_id)
        self._send("PUT", f"webhooks/{wid}/retry/{pid}")

    def delete_webhook(self, webhook_id: int | str) -> None:
        """Delete a webhook: no more deliveries."""
        wid = parse_id("delete_webhook", "webhook_id", webhook_id)
        self._send("DELETE", f"webhooks/{wid}")

    def _action(self, method: str, action: str, webhook_id: int | str) -> None:
        wid = parse_id(method, "webhook_id", webhook_id)
        self._send("PUT", f"webhooks/{wid}/{action}")
