"""The webhook registration endpoints (Noko API docs, "Webhooks"); deliveries are elsewhere.

As documented: list filters `name` (contains), `events` (comma-separated), `state`; newest first;
`secret` only in the create answer and in the reroll answer (which is `{"secret": ...}` alone);
enable/disable answer 204, ping and retry 202; creating a webhook pings it.

Choices where the docs are silent (UNCONFIRMED on the real API):
- `payload_uri` must be an absolute http(s) URL; `events` a JSON array of known event names or
  `*` (else `invalid`), non-empty on create. Edits and event changes bump `updated_at`.
- The `events` list filter keeps webhooks subscribed to any of the given events, a `*`
  subscription included; unknown names are a 400 like any malformed filter.
- Ping and retry answer 202 with an empty body; a retry of an unknown payload id is a 404.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from noko_core.sandbox import filters
from noko_core.sandbox.context import Call
from noko_core.sandbox.dataset import Webhook
from noko_core.sandbox.endpoints import listing
from noko_core.sandbox.responses import (
    ApiError,
    Response,
    json_response,
    no_content,
    not_found,
    validation_failed,
)
from noko_core.sandbox.teams import name_field
from noko_core.webhooks import SUBSCRIBABLE, WILDCARD

Errors = list[tuple[str, str]]


def new_secret() -> str:
    return secrets.token_hex(32)


def _check(errors: Errors) -> None:
    if errors:
        raise ApiError(validation_failed("Webhook", errors))


def _uri(body: dict[str, Any], errors: Errors, *, required: bool) -> str | None:
    raw = body.get("payload_uri")
    if raw is None:
        if required:
            errors.append(("payload_uri", "missing_field"))
        return None
    parts = urlsplit(raw.strip()) if isinstance(raw, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        errors.append(("payload_uri", "invalid"))
        return None
    return str(raw).strip()


def _events(body: dict[str, Any], errors: Errors, *, allow_empty: bool) -> list[str]:
    raw = body.get("events")
    if raw is None:
        errors.append(("events", "missing_field"))
        return []
    if not isinstance(raw, list) or not all(isinstance(e, str) and e in SUBSCRIBABLE for e in raw):
        errors.append(("events", "invalid"))
        return []
    if not raw and not allow_empty:
        errors.append(("events", "missing_field"))
    return list(dict.fromkeys(raw))


def webhook_of(call: Call) -> Webhook:
    webhook = call.store.webhooks.get(call.ids[0])
    if webhook is None:
        raise ApiError(not_found())
    return webhook


def _predicates(call: Call) -> list[filters.Predicate]:
    query = call.request.query
    preds = filters.text_in(query, "name", lambda w: w.name)
    raw = filters.value(query, "events")
    if raw is not None:
        wanted = {part.strip() for part in raw.split(",")}
        if not wanted <= SUBSCRIBABLE:
            raise filters.QueryError("events")
        preds.append(lambda w: WILDCARD in w.events or not wanted.isdisjoint(w.events))
    state = filters.choice(query, "state", ("enabled", "disabled"))
    if state is not None:
        preds.append(lambda w: w.state == state)
    return preds


def list_webhooks(call: Call) -> Response:
    newest = sorted(call.store.webhooks.values(), key=lambda w: (w.created_at, w.id), reverse=True)
    return listing(call, call.store.select(newest, _predicates(call)), call.shapes.webhook)


def get_webhook(call: Call) -> Response:
    return json_response(200, call.shapes.webhook(webhook_of(call)))


def create_webhook(call: Call) -> Response:
    errors: Errors = []
    name = name_field(call.body, errors, required=True)
    uri = _uri(call.body, errors, required=True)
    events = _events(call.body, errors, allow_empty=False)
    _check(errors)
    assert name is not None and uri is not None
    stamp = call.store.now()
    draft = Webhook(0, name, uri, events, new_secret(), "enabled", stamp, stamp)
    webhook = call.store.add_webhook(draft)
    call.events.ping(webhook)
    body = {**call.shapes.webhook(webhook), "secret": webhook.secret}
    location = f"{call.base_url}/webhooks/{webhook.id}"
    return json_response(201, body, [("Location", location)])


def edit_webhook(call: Call) -> Response:
    webhook = webhook_of(call)
    errors: Errors = []
    name = name_field(call.body, errors, required=False)
    uri = _uri(call.body, errors, required=False)
    _check(errors)
    if name is not None or uri is not None:
        webhook.name = name if name is not None else webhook.name
        webhook.payload_uri = uri if uri is not None else webhook.payload_uri
        webhook.updated_at = call.store.now()
    return json_response(200, call.shapes.webhook(webhook))


def _change_events(call: Call, *, add: bool) -> Response:
    webhook = webhook_of(call)
    errors: Errors = []
    events = _events(call.body, errors, allow_empty=True)
    _check(errors)
    if add:
        updated = list(dict.fromkeys([*webhook.events, *events]))
    else:
        updated = [e for e in webhook.events if e not in events]
    if updated != webhook.events:
        webhook.events = updated
        webhook.updated_at = call.store.now()
    return json_response(200, call.shapes.webhook(webhook))


def add_events(call: Call) -> Response:
    return _change_events(call, add=True)


def remove_events(call: Call) -> Response:
    return _change_events(call, add=False)


def reroll_secret(call: Call) -> Response:
    webhook = webhook_of(call)
    webhook.secret = new_secret()
    webhook.updated_at = call.store.now()
    return json_response(200, {"secret": webhook.secret})


def _set_state(call: Call, state: str) -> Response:
    webhook = webhook_of(call)
    if webhook.state != state:
        webhook.state = state
        webhook.updated_at = call.store.now()
    call.events.changed(webhook)
    return no_content()


def enable(call: Call) -> Response:
    return _set_state(call, "enabled")


def disable(call: Call) -> Response:
    return _set_state(call, "disabled")


def ping(call: Call) -> Response:
    call.events.ping(webhook_of(call))
    return Response(202)


def retry(call: Call) -> Response:
    webhook = webhook_of(call)
    if not call.events.retry(webhook, call.words["payload_id"]):
        raise ApiError(not_found())
    return Response(202)


def delete_webhook(call: Call) -> Response:
    webhook = webhook_of(call)
    del call.store.webhooks[webhook.id]
    call.events.changed(webhook)
    return no_content()
