"""Add/Remove members and Create team submissions: checked on the request thread (inline errors,
else the "Working…" view in the ack), then run on the work queue and the result shown."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.modals import result_view
from bot.deps import Deps
from bot.ids import CallbackId
from bot.listeners.answers import answer_change
from bot.listeners.context import AuditChannel
from bot.listeners.payloads import CreateForm, MembersForm, create_form, members_form
from bot.services import team_changes
from bot.services.changes import ChangeContext
from bot.services.lagging import peek_teams
from bot.services.team_changes import ChangeOutcome


def check_members_submission(ack: Ack, view: dict[str, Any]) -> MembersForm | None:
    """Request thread: the form, or None after acking its inline errors."""
    form, errors = members_form(view)
    if errors:
        ack(response_action="errors", errors=errors)
        return None
    return form


def run_members_submission(
    form: MembersForm,
    view: dict[str, Any],
    client: WebClient,
    deps: Deps,
    changes: ChangeContext,
    audit: AuditChannel,
) -> None:
    kind = "add" if view.get("callback_id") == CallbackId.ADD_MEMBERS else "remove"
    change = team_changes.add_members if kind == "add" else team_changes.remove_members
    outcome = change(changes, str(form.team_id), [str(i) for i in form.user_ids])
    _show_result(client, deps, changes, audit, view, outcome)


def check_create_submission(ack: Ack, view: dict[str, Any], deps: Deps) -> CreateForm | None:
    # Only what is already cached: nothing may delay this ack.
    cached = peek_teams(deps.reads, wait=0)
    form, errors = create_form(view, {t["name"].casefold() for t in cached})
    if errors:
        ack(response_action="errors", errors=errors)
        return None
    return form


def run_create_submission(
    form: CreateForm,
    view: dict[str, Any],
    client: WebClient,
    deps: Deps,
    changes: ChangeContext,
    audit: AuditChannel,
) -> None:
    outcome = team_changes.create_team(changes, form.name, [str(i) for i in form.user_ids])
    _show_result(client, deps, changes, audit, view, outcome)


def _show_result(
    client: WebClient,
    deps: Deps,
    changes: ChangeContext,
    audit: AuditChannel,
    view: dict[str, Any],
    outcome: ChangeOutcome,
) -> None:
    # The reply's blocks, not just its text: the notes on people left alone, a Check or an
    # Undo button.
    reply = answer_change(deps, changes, audit, outcome)
    view_ = result_view(outcome.action, reply.text, reply.blocks)
    client.views_update(view_id=view["id"], view=view_)
