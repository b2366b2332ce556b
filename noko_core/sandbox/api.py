"""The request pipeline after transport: User-Agent, auth, routing, JSON body, endpoint.

Order of checks (the real order is UNCONFIRMED): User-Agent (400), then token (401), then route
(404 for unknown paths and for a wrong verb on a known path, like Rails' unknown route), then the
JSON body of POST/PUT (400), then the endpoint.
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from noko_core.sandbox import endpoints as ep
from noko_core.sandbox import entries, teams, webhooks
from noko_core.sandbox.context import ApiRequest, Call
from noko_core.sandbox.events import Events, NoEvents
from noko_core.sandbox.filters import QueryError, value
from noko_core.sandbox.responses import (
    ApiError,
    Response,
    message,
    not_found,
    validation_failed,
)
from noko_core.sandbox.shapes import Shapes
from noko_core.sandbox.store import Store

Endpoint = Callable[[Call], Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    resource: str  # names the resource in filter/paging validation errors
    endpoint: Endpoint


def _route(method: str, path: str, resource: str, endpoint: Endpoint) -> Route:
    regex = path.replace(":id", r"(?P<id>[0-9]+)")
    regex = regex.replace(":payload_id", r"(?P<payload_id>[0-9A-Za-z-]{1,64})")
    return Route(method, re.compile(f"^/v2{regex}$"), resource, endpoint)


ROUTES = (
    _route("GET", "/teams", "Team", ep.list_teams),
    _route("POST", "/teams", "Team", teams.create_team),
    _route("GET", "/teams/:id", "Team", ep.get_team),
    _route("PUT", "/teams/:id", "Team", teams.edit_team),
    _route("DELETE", "/teams/:id", "Team", teams.delete_team),
    _route("GET", "/teams/:id/entries", "Entry", ep.team_entries),
    _route("GET", "/teams/:id/users", "User", ep.team_users),
    _route("POST", "/teams/:id/add_users", "Team", teams.add_users),
    _route("PUT", "/teams/:id/remove_users", "Team", teams.remove_users),
    _route("PUT", "/teams/:id/remove_all_users", "Team", teams.remove_all_users),
    _route("GET", "/users", "User", ep.list_users),
    _route("GET", "/users/:id", "User", ep.get_user),
    _route("GET", "/users/:id/entries", "Entry", ep.user_entries),
    _route("GET", "/entries", "Entry", ep.list_entries),
    _route("POST", "/entries", "Entry", entries.create_entry),
    _route("GET", "/entries/:id", "Entry", ep.get_entry),
    _route("PUT", "/entries/:id", "Entry", entries.edit_entry),
    _route("DELETE", "/entries/:id", "Entry", entries.delete_entry),
    _route("GET", "/projects", "Project", ep.list_projects),
    _route("GET", "/projects/:id", "Project", ep.get_project),
    _route("GET", "/projects/:id/entries", "Entry", ep.project_entries),
    _route("GET", "/tags", "Tag", ep.list_tags),
    _route("GET", "/tags/:id", "Tag", ep.get_tag),
    _route("GET", "/tags/:id/entries", "Entry", ep.tag_entries),
    _route("GET", "/current_user", "User", ep.current_user),
    _route("GET", "/current_user/entries", "Entry", ep.current_user_entries),
    _route("GET", "/account", "Account", ep.account),
    _route("GET", "/webhooks", "Webhook", webhooks.list_webhooks),
    _route("POST", "/webhooks", "Webhook", webhooks.create_webhook),
    _route("GET", "/webhooks/:id", "Webhook", webhooks.get_webhook),
    _route("PUT", "/webhooks/:id", "Webhook", webhooks.edit_webhook),
    _route("DELETE", "/webhooks/:id", "Webhook", webhooks.delete_webhook),
    _route("PUT", "/webhooks/:id/add_events", "Webhook", webhooks.add_events),
    _route("PUT", "/webhooks/:id/remove_events", "Webhook", webhooks.remove_events),
    _route("PUT", "/webhooks/:id/reroll_secret", "Webhook", webhooks.reroll_secret),
    _route("PUT", "/webhooks/:id/enable", "Webhook", webhooks.enable),
    _route("PUT", "/webhooks/:id/disable", "Webhook", webhooks.disable),
    _route("PUT", "/webhooks/:id/ping", "Webhook", webhooks.ping),
    _route("PUT", "/webhooks/:id/retry/:payload_id", "Webhook", webhooks.retry),
)


def normalise_path(path: str) -> str:
    return path.rstrip("/") or "/"


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route for this request and its path words (`id`, `payload_id`)."""
    for route in ROUTES:
        found = route.pattern.match(path)
        if found and route.method == method:
            return route, found.groupdict()
    return None


def parse_body(request: ApiRequest) -> dict[str, Any]:
    """The JSON object body of a POST/PUT ({} when there is none)."""
    if not request.body.strip():
        return {}
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise ApiError(message(400, "Content-Type must be application/json"))
    try:
        payload = json.loads(request.body)
    except ValueError:
        raise ApiError(message(400, "JSON Parsing Error")) from None
    if not isinstance(payload, dict):
        raise ApiError(message(400, "Body should be JSON Hash"))
    return payload


class Api:
    def __init__(
        self, store: Store, token: str, base_url: str, events: Events | None = None
    ) -> None:
        self.store = store
        self.token = token
        self.base_url = base_url
        self.shapes = Shapes(store, base_url)
        self.events: Events = events if events is not None else NoEvents()

    def authorized(self, request: ApiRequest) -> bool:
        given = request.headers.get("x-nokotoken") or value(request.query, "noko_token") or ""
        return hmac.compare_digest(given.encode(), self.token.encode())

    def handle(self, request: ApiRequest) -> Response:
        if not request.headers.get("user-agent", "").strip():
            return message(400, "User-Agent header is required")
        if not self.authorized(request):
            return message(401, "Unauthorized")
        found = match(request.method, request.path)
        if found is None:
            return not_found()
        route, words = found
        ids = (int(words["id"]),) if "id" in words else ()
        try:
            body = parse_body(request) if request.method in ("POST", "PUT") else {}
            call = Call(
                request, ids, body, self.store, self.shapes, self.base_url, self.events, words
            )
            with self.store.lock:
                return route.endpoint(call)
        except ApiError as error:
            return error.response
        except QueryError as error:
            return validation_failed(route.resource, [(error.field, error.code)])
