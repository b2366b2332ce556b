"""Digest buttons: Post to channel under a preview, a member's Details, and the App Home
subscription buttons."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.digest import digest_messages, member_detail_view
from bot.blocks.subscriptions import (
    digest_preview_modal,
    joined_reply,
    not_in_channel_reply,
    paused_reply,
    post_unknown_reply,
    posted_reply,
    unsubscribed_reply,
)
from bot.deps import Deps
from bot.errors import BotError, safe
from bot.ids import ActionId
from bot.listeners.context import AuditChannel
from bot.listeners.events.app_home import publish_home
from bot.listeners.modal_flow import fill_after_loading
from bot.services import subscriptions
from bot.services.calendar import attendance_for
from bot.services.changes import ChangeContext
from bot.services.digest import Digest
from bot.services.member_detail import MemberButton, member_detail
from bot.services.numbers import MAX_ID, parse_id
from bot.services.periods import PeriodError, checked_range, period_of
from bot.services.posting import DIRECT_MESSAGE, PostOutcome, is_direct_message
from bot.services.team_digest import DigestJob, build_team_digest
from bot.slack.posting import poster_for

logger = logging.getLogger(__name__)


class DigestButton(BaseModel):
    """The Post to channel button's value: which team and period (kept short, ≤ 2,000)."""

    model_config = ConfigDict(frozen=True)

    t: int = Field(gt=0, le=MAX_ID, description="Noko team id")
    s: dt.date = Field(description="period start")
    e: dt.date = Field(description="period end")
    k: Literal["day", "week", "month", "range"] = "range"

    @model_validator(mode="after")
    def _a_period_users_could_type(self) -> DigestButton:
        # Slack returns whatever value a client sends: the dates get the typed ranges' checks.
        checked_range(self.s, self.e)
        return self

    @classmethod
    def parse(cls, value: object) -> DigestButton:
        """The button's value, or a BotError saying why it can't be posted."""
        try:
            return cls.model_validate_json(str(value or ""))
        except ValidationError as error:
            cause = (error.errors()[0].get("ctx") or {}).get("error")
            why = str(cause) if isinstance(cause, PeriodError) else "It is not one I made."
            again = safe("Run `/noko-team digest <team> [period]` again for a new button.")
            raise BotError(
                f"Nothing was posted: this button's digest can't be posted. {why} {again}"
            ) from None

    @classmethod
    def for_digest(cls, team_id: int, digest: Digest) -> str:
        return cls(
            t=team_id, s=digest.period.start, e=digest.period.end, k=digest.period.kind
        ).model_dump_json()


def _answer_post(respond: Respond, channel: str, outcome: PostOutcome) -> None:
    """Tell the clicker how the post went; only a certain post removes the button."""
    if outcome.state == "posted":
        # Replacing the preview removes its button, so a second click cannot post twice.
        respond(text=posted_reply(channel, outcome.error).text, replace_original=True)
        return
    if outcome.state == "unknown":
        logger.warning("Post to channel %s may or may not have posted: %s", channel, outcome.error)
        reply = post_unknown_reply(channel)
    elif outcome.code in ("not_in_channel", "channel_not_found"):
        reply = not_in_channel_reply(channel)
    else:
        why = safe(outcome.code or "no reason given")
        raise BotError(f"Nothing was posted: Slack refused the digest ({why}).")
    respond(text=reply.text, response_type="ephemeral", replace_original=False)


def handle_post_digest_action(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    deps: Deps,
    changes: ChangeContext,
) -> None:
    ack()
    value = DigestButton.parse(action.get("value"))
    channel = str((body.get("channel") or {}).get("id") or "")
    if not channel:
        raise BotError("I can't tell which channel to post to. Run the command there again.")
    if is_direct_message(channel):
        raise BotError(DIRECT_MESSAGE)
    period = period_of(value.s, value.e, value.k)
    # What the clicker may read: the button's values alone must not widen anyone's view.
    sight = changes.actor_sight()
    sight.require_time()
    attendance = attendance_for(deps.repo, {}, period)
    digest = build_team_digest(
        deps.reads, DigestJob(value.t, period, sight=sight, attendance=attendance)
    )
    messages = digest_messages(digest, viewer=changes.actor_id)  # the channel reads their view
    _answer_post(respond, channel, poster_for(client).post(channel, messages))


# A public channel's id, as the join button carries it (Slack returns whatever a client sends).
_PUBLIC_CHANNEL = re.compile(r"C[A-Z0-9]{1,30}")


def handle_join_channel_action(
    ack: Ack, action: dict[str, Any], respond: Respond, client: WebClient
) -> None:
    """ "Add me to the channel" under a refused subscribe: the bot joins (conversations.join,
    scope channels:join; public channels only) and says to subscribe again."""
    ack()
    channel = str(action.get("value") or "")
    if not _PUBLIC_CHANNEL.fullmatch(channel):
        raise BotError("That button names no channel I could join.")
    try:
        client.conversations_join(channel=channel)
    except SlackApiError as error:
        code = str(error.response.get("error") or "error")
        respond(text=joined_reply(channel, code).text, replace_original=False)
        return
    respond(text=joined_reply(channel).text, replace_original=True)


def _subscription_id(action: dict[str, Any]) -> int:
    subscription_id = parse_id(str(action.get("value") or ""))
    if subscription_id is None:
        raise BotError("That button names no digest subscription. Refresh the App Home.")
    return subscription_id


def handle_subscription_home_action(
    ack: Ack,
    action: dict[str, Any],
    client: WebClient,
    deps: Deps,
    changes: ChangeContext,
    audit: AuditChannel,
) -> None:
    ack()
    subscription_id = _subscription_id(action)
    if action["action_id"] == ActionId.SUB_DELETE:
        reply = unsubscribed_reply(subscriptions.unsubscribe(changes, str(subscription_id), ""))
    else:
        pause = action["action_id"] == ActionId.SUB_PAUSE
        sub = subscriptions.set_paused(changes, subscription_id, pause)
        reply = paused_reply(subscriptions.scheduled(sub, deps.clock(), deps.reads, deps.repo))
    publish_home(client, deps, changes)
    audit.announce(changes.actor_id, reply)


def handle_subscription_preview_action(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    deps: Deps,
    changes: ChangeContext,
) -> None:
    ack()
    note = "A preview: nothing was posted. The channel gets this at the next scheduled time."

    def build() -> Any:
        subscription_id = _subscription_id(action)
        digest = subscriptions.subscription_digest(changes, subscription_id, deps.clock())
        return digest_preview_modal(digest_messages(digest), note)

    fill_after_loading(client, trigger_id=body["trigger_id"], kind="preview", build=build)


def handle_member_detail_action(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    deps: Deps,
    changes: ChangeContext,
) -> None:
    """A digest member's Details: their hours per project and entries, as the clicker may read
    them (the menu option names only team, member and period)."""
    ack()

    def build() -> Any:
        chosen = action.get("selected_option") or {}  # the Details menu, or a button
        value = MemberButton.parse(chosen.get("value") or action.get("value"))
        return member_detail_view(member_detail(deps.reads, value, changes.actor_sight()))

    # A click inside a modal (a digest preview) stacks the details on it.
    stacked = bool(body.get("view"))
    fill_after_loading(
        client, trigger_id=body["trigger_id"], kind="detail", build=build, stacked=stacked
    )
