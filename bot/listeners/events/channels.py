"""The bot added to a channel: digests that failed there go back to the clock."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from bot.deps import Deps
from bot.services.subscriptions import requeue_after_join
from bot.settings import Settings

log = logging.getLogger(__name__)


def handle_member_joined_channel_event(
    event: dict[str, Any], context: Any, deps: Deps, settings: Settings
) -> None:
    """Only the bot's own joining matters: the clock then posts each digest's newest failed
    period there once, marked late, if it is within the catch-up window."""
    bot_user_id = context.get("bot_user_id")
    if not bot_user_id or event.get("user") != bot_user_id:
        return
    channel = str(event.get("channel") or "")
    window = dt.timedelta(hours=settings.digest_catch_up_hours)
    runs = requeue_after_join(deps.repo, channel, deps.clock(), window)
    if runs:
        log.info("joined %s: %d failed digest(s) queued to post late", channel, len(runs))
