"""Noko's webhook event names (API docs, "Webhook Events"): the one list the client and the
sandbox both check against."""

from __future__ import annotations

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
