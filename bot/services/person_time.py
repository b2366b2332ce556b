"""Today for this person: the one home of "what time and day is it where this Slack user is"."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from bot.zones import is_zone, zone_or_utc


class ZoneDirectory(Protocol):
    def timezone(self, user_id: str) -> str:
        """The user's IANA zone as Slack has it (unchecked); "UTC" when Slack says none."""
        ...


def person_zone(directory: ZoneDirectory, user_id: str) -> str:
    """The person's IANA zone from their Slack profile; UTC when unknown or not a zone."""
    zone = directory.timezone(user_id)
    return zone if is_zone(zone) else "UTC"


def local_now(now: dt.datetime, zone: str) -> dt.datetime:
    """``now`` (an aware moment from the injected clock) on the person's wall clock."""
    return now.astimezone(zone_or_utc(zone))


def person_today(now: dt.datetime, zone: str) -> dt.date:
    """The person's today: at 1 a.m. in Tokyo it is not UTC's today."""
    return local_now(now, zone).date()
