"""The one place where text people type is cleaned and bounded before it reaches Noko or the audit.

Slash commands and modals both pass names and team queries through here before any request:
control characters (NUL included) are dropped, whitespace runs become one space, lengths are
checked, and new names (teams, holidays) with invisible or text-direction characters are refused,
so what Noko and the audit log receive is what the person can see.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from bot.errors import InputError, safe

MAX_TEAM_NAME = 100  # the create form's limit; Noko documents none
MAX_TEAM_QUERY = 200  # a name, a unique start or part of one, or an id
MAX_MEMBER_WORD = 320  # an e-mail address (RFC 5321) or a Slack mention
MAX_HOLIDAY_NAME = 80
# Control characters, and surrogates (which no UTF-8 database or JSON body accepts).
_DROPPED = frozenset({"Cc", "Cs"})


def clean_text(text: str) -> str:
    """``text`` without control characters, with each run of whitespace as one space."""
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in _DROPPED
    )
    return " ".join(kept.split())


def clean_team_name(text: str) -> str:
    """A new team name, cleaned; InputError says what is wrong with it (also invisible
    characters: ``refuse_invisible``)."""
    cleaned = _bounded(
        text,
        MAX_TEAM_NAME,
        empty="A team name needs at least one visible character.",
        too_long="A team name can have at most {limit} characters; this one has {length}.",
    )
    refuse_invisible(cleaned, "A team name")
    return cleaned


def clean_holiday_name(text: str | None) -> str | None:
    """A holiday's name, cleaned like a team name, at most MAX_HOLIDAY_NAME characters kept;
    None when nothing is left."""
    cleaned = clean_text(text or "")[:MAX_HOLIDAY_NAME]
    refuse_invisible(cleaned, "A holiday name")
    return cleaned or None


def _joins_emoji(text: str, at: int) -> bool:
    """A zero-width joiner inside an emoji sequence (👩‍💻): it draws one picture, hides nothing."""
    before, after = text[at - 1 : at], text[at + 1 : at + 2]
    return (
        bool(before and after)
        and (before == "\ufe0f" or unicodedata.category(before) in ("So", "Sk"))
        and unicodedata.category(after) == "So"
    )


def refuse_invisible(text: str, what: str) -> None:
    """InputError when ``text`` holds invisible format characters (Unicode category Cf):
    bidirectional controls (U+202A to U+202E, U+2066 to U+2069, U+200E, U+200F, U+061C), zero-width
    ones (U+200B to U+200D, U+2060, U+FEFF) and the like. In a name they make it read differently
    from what it is (reversed, or two names that look the same); the message says which.
    Only a joiner between emoji is kept."""
    found = sorted(
        {
            ch
            for i, ch in enumerate(text)
            if unicodedata.category(ch) == "Cf" and not (ch == "\u200d" and _joins_emoji(text, i))
        }
    )
    if not found:
        return
    shown = ", ".join(f"U+{ord(ch):04X}" for ch in found[:3]) + (", …" if len(found) > 3 else "")
    raise InputError(
        f"{what} can't contain invisible or text-direction characters ({shown}): "
        "they make it read differently from what it is. Type it again without them."
    )


def clean_team_query(text: str) -> str:
    """What names an existing team (a name, its start, or an id), cleaned."""
    return _bounded(
        text,
        MAX_TEAM_QUERY,
        empty="Which team? Give its name or its Noko id.",
        too_long="A team is named in at most {limit} characters; that has {length}.",
    )


def _bounded(text: str, limit: int, *, empty: str, too_long: str) -> str:
    cleaned = clean_text(text)
    if not cleaned:
        raise InputError(empty)
    if len(cleaned) > limit:
        raise InputError(too_long.format(limit=limit, length=len(cleaned)))
    return cleaned


def clean_member_words(words: Sequence[str]) -> list[str]:
    """Mentions, e-mail addresses or Noko ids, cleaned; empty words are dropped."""
    cleaned = [clean_text(w) for w in words]
    too_long = next((w for w in cleaned if len(w) > MAX_MEMBER_WORD), None)
    if too_long is not None:
        raise InputError(
            f"“{safe(too_long[:40])}…” is too long for a person: use an @mention, "
            "an e-mail address or a Noko user id."
        )
    return [w for w in cleaned if w]
