"""The one place where text people type is cleaned and bounded before it reaches Noko or the audit.

Slash commands and modals both pass names and team queries through here before any request:
control characters (NUL included) are dropped, whitespace runs become one space, and lengths are
checked, so what Noko and the audit log receive is what the person can see.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from bot.errors import InputError, safe

MAX_TEAM_NAME = 100  # the create form's limit; Noko documents none
MAX_TEAM_QUERY = 200  # a name, a unique start or part of one, or an id
MAX_MEMBER_WORD = 320  # an e-mail address (RFC 5321) or a Slack mention
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
    """A new team name, cleaned; InputError says what is wrong with it."""
    return _bounded(
        text,
        MAX_TEAM_NAME,
        empty="A team name needs at least one visible character.",
        too_long="A team name can have at most {limit} characters; this one has {length}.",
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
