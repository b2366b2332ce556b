"""Opening the member modals inside the 3-second trigger window: Loading… first, Noko after."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.blocks.modals import create_team_modal, loading_view, members_modal
from bot.errors import ViewFailedError
from bot.listeners.payloads import ModalKind, ModalMetadata
from bot.services.changes import ChangeContext, refuse_early
from bot.services.lagging import warm
from bot.services.teams import find_team, team_detail


def open_modal(
    client: WebClient,
    changes: ChangeContext,
    *,
    trigger_id: str,
    kind: ModalKind,
    team: str | None = None,
    channel_id: str | None = None,
) -> str:
    """Open the modal for ``kind``; ``team`` pre-selects a team (for "create": the name).

    Someone who may not make the change never sees the form: the loading view turns into the
    refusal (audited ``denied``), as the subscribe form does."""
    # The trigger expires 3 s after the click: open before touching Noko.
    opened = client.views_open(trigger_id=trigger_id, view=loading_view(kind))
    view_id = str(opened["view"]["id"])
    try:
        refuse_early(changes, kind, team or "")
        view = _full_view(changes, kind, team, ModalMetadata(kind=kind, channel_id=channel_id))
    except Exception as error:
        raise ViewFailedError(error, view_id=view_id, kind=kind) from error
    client.views_update(view_id=view_id, view=view)
    return view_id


def _full_view(
    changes: ChangeContext, kind: ModalKind, team: str | None, meta: ModalMetadata
) -> Any:
    # Warm both lists now so the pickers' type-ahead is served from memory.
    warm(changes.reads)
    if kind == "create":
        return create_team_modal(private_metadata=meta.dump(), name=team or "")
    found = find_team(changes.reads, team) if team else None
    if found is not None:
        meta = meta.model_copy(update={"team_id": found["id"]})
    detail = team_detail(found) if found is not None else None
    return members_modal(kind, private_metadata=meta.dump(), team=detail)
