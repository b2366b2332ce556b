"""App Home: publish the teams with member counts and the modal buttons."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.blocks.common import Block
from bot.blocks.home import home_view
from bot.blocks.subscriptions import home_digests_section
from bot.deps import Deps
from bot.services.changes import ChangeContext, may
from bot.services.lagging import warm
from bot.services.subscriptions import scheduled_digests
from bot.services.teams import list_teams


def home_sections(deps: Deps, changes: ChangeContext, *, can_change: bool) -> list[list[Block]]:
    """Extra Home sections below the teams: the channel digests the viewer may see, with their
    buttons."""
    rows = scheduled_digests(changes, deps.clock())
    return [home_digests_section(rows, can_change=can_change)]


def publish_home(client: WebClient, deps: Deps, changes: ChangeContext, page: int = 0) -> None:
    """The Home tab of ``changes.actor_id`` with page ``page`` of the teams (its Previous/Next
    come back here): change buttons only if they may make changes."""
    rows = list_teams(deps.reads)
    warm(deps.reads)  # users too: the Home buttons open pickers next
    can_change = may(changes, "add")
    sections = home_sections(deps, changes, can_change=can_change)
    view = home_view(rows, sections, can_change=can_change, page=page)
    client.views_publish(user_id=changes.actor_id, view=view)


def handle_app_home_opened_event(
    event: dict[str, Any], client: WebClient, deps: Deps, changes: ChangeContext
) -> None:
    # Bolt acks events before running listeners, so Noko may be slow here.
    if event.get("tab", "home") != "home":
        return
    publish_home(client, deps, changes)
