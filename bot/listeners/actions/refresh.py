"""The App Home Refresh button: read the teams again (when they may lag Noko) and publish the
Home tab again."""

from __future__ import annotations

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.deps import Deps
from bot.listeners.events.app_home import publish_home
from bot.services.changes import ChangeContext
from bot.services.lagging import teams_again


def handle_refresh_home_action(
    ack: Ack, client: WebClient, deps: Deps, changes: ChangeContext
) -> None:
    ack()
    teams_again(deps.reads)
    publish_home(client, deps, changes)
