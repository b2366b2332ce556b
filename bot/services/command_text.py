"""Splitting slash-command text into words: quotes (also Slack's smart quotes) and <...> escapes."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.errors import UsageError
from bot.services.numbers import is_ascii_number

# Slack (and phones) turn "…" into “…” or „…“; apostrophes stay literal because names use them.
_OPENING = {'"': '"', "“": "”", "„": "“", "”": "”"}
SHARE_FLAGS = frozenset({"--share", "\u2014share", "\u2013share"})  # macOS turns -- into a dash
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_MAILTO = re.compile(r"^<mailto:([^|>]+)(?:\|[^>]*)?>$")
_REFERENCE = re.compile(r"<[#@!]|<mailto:", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


class Quoted(str):
    """A phrase the person put in quotes: one whole name, never split or joined to its
    neighbours when a command's words are read as a team and the rest."""

    __slots__ = ()


@dataclass(frozen=True)
class CommandText:
    """The subcommand name, its words, and whether the reply should be shared in the channel."""

    name: str
    words: tuple[str, ...]
    share: bool


def tokenize(text: str) -> list[str]:
    """Split on whitespace, keeping quoted phrases and Slack's ``<...>`` escapes whole."""
    words: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in _OPENING:
            end = text.find(_OPENING[ch], i + 1)
            if end < 0 and ch == "“":
                end = text.find('"', i + 1)
            if end < 0:
                raise UsageError("A quote is not closed.")
            words.append(Quoted(_unescape(text[i + 1 : end].strip())))
            i = end + 1
        elif ch == "<" and text.find(">", i) > 0:
            end = text.find(">", i)
            words.append(text[i : end + 1])
            i = end + 1
        else:
            j = i + 1  # at least one character, so a lone "<" cannot stall the loop
            while j < n and not text[j].isspace() and text[j] not in _OPENING and text[j] != "<":
                j += 1
            words.append(_unescape(text[i:j]))
            i = j
    return [w for w in words if w]


def _unescape(word: str) -> str:
    # should_escape turns & < > typed by users into entities; "R&D" arrives as "R&amp;D". Only
    # Slack's own raw <...> are references: "<#C0PRIVATE>" typed by hand keeps its entities, so
    # it can never pass for a channel link, mention or mailto.
    plain = html.unescape(word)
    return word if _REFERENCE.search(plain) else plain


def parse_command_text(text: str) -> CommandText:
    """The first word is the subcommand; ``--share`` anywhere asks for an in-channel reply."""
    words = tokenize(text or "")
    share = any(w.lower() in SHARE_FLAGS for w in words)
    words = [w for w in words if w.lower() not in SHARE_FLAGS]
    if not words:
        return CommandText("help", (), share)
    return CommandText(words[0].lower(), tuple(words[1:]), share)


def mention_user_id(word: str) -> str | None:
    match = _MENTION.match(word)
    return match.group(1) if match else None


def email_of(word: str) -> str | None:
    match = _MAILTO.match(word)
    candidate = match.group(1) if match else word
    return candidate.strip().lower() if _EMAIL.match(candidate.strip()) else None


def looks_like_member(word: str) -> bool:
    """Mentions, e-mail addresses and Noko user ids; anything else is part of a team name."""
    return bool(
        mention_user_id(word) or email_of(word) or is_ascii_number(word) or word.startswith("<@")
    )
