"""App Home buttons and team menus that open the Add / Remove / Create modals."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.ids import ActionId
from bot.listeners.modal_flow import open_modal
from bot.listeners.payloads import ModalKind
from bot.services.changes import ChangeContext

_KINDS: dict[str, ModalKind] = {
    ActionId.OPEN_ADD: "add",
    ActionId.OPEN_REMOVE: "remove",
    ActionId.OPEN_CREATE: "create",
}


def handle_open_modal_action(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    changes: ChangeContext,
) -> None:
    ack()
    kind = _KINDS[action["action_id"]]
    open_modal(client, changes, trigger_id=body["trigger_id"], kind=kind)


def handle_team_menu_action(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    changes: ChangeContext,
) -> None:
    ack()
    op, _, team_id = str((action.get("selected_option") or {}).get("value", "")).partition(":")
    kind: ModalKind = "remove" if op == "remove" else "add"
    open_modal(client, changes, trigger_id=body["trigger_id"], kind=kind, team=team_id or None)
