"""Opening the member modals inside the 3-second trigger window: Loading… first, Noko after."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.blocks.modals import create_team_modal, loading_view, members_modal
from bot.errors import ViewFailedError
from bot.listeners.payloads import ModalKind, ModalMetadata
from bot.services.changes import ChangeContext, refuse_early
from bot.services.lagging import warm
from bot.services.teams import find_team, team_detail


def fill_after_loading(
    client: WebClient,
    *,
    trigger_id: str,
    kind: str,
    build: Callable[[], Any],
    stacked: bool = False,
) -> str:
    """Open the Loading… view for ``kind`` at once (the trigger expires 3 s after the click;
    ``stacked``: pushed on the modal clicked in), then replace it with ``build()``'s view. A
    failure while building is shown in that view (``ViewFailedError``). Returns the view id."""
    opening = client.views_push if stacked else client.views_open
    opened = opening(trigger_id=trigger_id, view=loading_view(kind))
    view_id = str(opened["view"]["id"])
    try:
        view = build()
    except Exception as error:
        raise ViewFailedError(error, view_id=view_id, kind=kind) from error
    client.views_update(view_id=view_id, view=view)
    return view_id


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

    def build() -> Any:
        refuse_early(changes, kind, team or "")
        return _full_view(changes, kind, team, ModalMetadata(kind=kind, channel_id=channel_id))

    return fill_after_loading(client, trigger_id=trigger_id, kind=kind, build=build)


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
