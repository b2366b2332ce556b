"""Previous / Next under a paged list: re-read the page from Noko (through the cache) and show it.

A reply's page replaces the message it was clicked in (``response_url``, ``replace_original``);
the App Home's is published again. Only the request rides in the button, never the results.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.blocks.common import Reply
from bot.blocks.hours import hours_reply
from bot.blocks.teams import team_detail_reply, team_list_reply
from bot.deps import Deps
from bot.errors import BotError, TeamNotFoundError
from bot.listeners.events.app_home import publish_home
from bot.services.changes import ChangeContext, require_membership_reading
from bot.services.hours import hours_of
from bot.services.paging import HomePage, ListPage, MembersPage, PageRequest, parse_page_request
from bot.services.teams import list_teams, members_of, team_by_id
from noko_core import Team

GONE = "That team is no longer in Noko (deleted?), so there is no page to show."
NOWHERE = "I can't show that page here: run the command again."


def handle_page_action(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    deps: Deps,
    changes: ChangeContext,
) -> None:
    ack()
    request = parse_page_request(action.get("value"))
    if isinstance(request, HomePage):
        publish_home(client, deps, changes, page=request.page)
        return
    if not getattr(respond, "response_url", None):
        raise BotError(NOWHERE)  # a message page clicked where there is no message to replace
    reply = page_reply(deps, changes, request)
    respond(text=reply.text, blocks=reply.blocks, replace_original=True)


def page_reply(deps: Deps, changes: ChangeContext, request: PageRequest) -> Reply:
    """The page ``request`` names, read again as its command would read it for the clicker (who
    may not be who ran the command: the clicker's own rights apply)."""
    if isinstance(request, ListPage):
        rows = list_teams(deps.reads, request.text)
        return team_list_reply(rows, request.text, page=request.page)
    if isinstance(request, HomePage):
        raise BotError(NOWHERE)
    if isinstance(request, MembersPage):
        require_membership_reading(changes)
        detail = members_of(deps.reads, _team(deps, request.team), request.role, request.state)
        return team_detail_reply(detail, page=request.page)
    hours = hours_of(deps.reads, _team(deps, request.team), request.period(), changes.actor_sight())
    return hours_reply(hours, page=request.page)


def _team(deps: Deps, team_id: int) -> Team:
    try:
        return team_by_id(deps.reads, team_id)
    except TeamNotFoundError:
        raise BotError(GONE) from None
