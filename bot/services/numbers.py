"""Reading the integer ids people type or buttons carry: ASCII digits, within the columns' range."""

from __future__ import annotations

import re

# Ids live in INTEGER columns: 32-bit signed on PostgreSQL, so nothing larger can ever match.
MAX_ID = 2**31 - 1
# ASCII only: str.isdigit() accepts "①" or "²", which int() then refuses.
_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_id(text: str) -> int | None:
    """The positive id ``text`` spells (surrounding spaces allowed), or None if it is not one."""
    stripped = text.strip()
    if not _DIGITS.fullmatch(stripped):
        return None
    value = int(stripped)
    return value if 0 < value <= MAX_ID else None


def is_id(text: str) -> bool:
    return parse_id(text) is not None


def is_ascii_number(text: str) -> bool:
    """ASCII digits only, of any length: meant as a number, even one too large to be an id."""
    return text.isascii() and text.isdigit()


def parse_number(text: str) -> int | None:
    """A small non-negative number typed in ASCII digits (days, hours), or None."""
    stripped = text.strip()
    return int(stripped) if _DIGITS.fullmatch(stripped) else None
