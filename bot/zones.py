"""The one place a time zone name becomes a ZoneInfo: only real IANA zones, never an exception."""

from __future__ import annotations

import functools
import zoneinfo
from zoneinfo import ZoneInfo

MAX_ZONE_NAME = 64  # the subscriptions.timezone column's width


class UnknownZoneError(ValueError):
    """``name`` is not a time zone; the message is fit to show users."""

    def __init__(self, name: str) -> None:
        shown = name if len(name) <= 40 else name[:40] + "…"
        super().__init__(f"“{shown}” is not a time zone I know (e.g. Europe/Berlin).")
        self.name = name


@functools.cache
def _known() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


def zone_info(name: str) -> ZoneInfo:
    """The zone called ``name``; UnknownZoneError for anything else.

    ZoneInfo() alone reads files: "America" is a directory (IsADirectoryError), "zone.tab" is not
    a zone file (ValueError), "../x" escapes the tree (ValueError). Only listed keys get that far.
    """
    if len(name) > MAX_ZONE_NAME or name not in _known():
        raise UnknownZoneError(name)
    try:
        return ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise UnknownZoneError(name) from None


def is_zone(name: str) -> bool:
    try:
        zone_info(name)
    except UnknownZoneError:
        return False
    return True


def zone_or_utc(name: str | None) -> ZoneInfo:
    """A Slack profile's zone, UTC when it is missing or not one Python knows."""
    try:
        return zone_info(name or "UTC")
    except UnknownZoneError:
        return ZoneInfo("UTC")
