"""Hostile text, and a checker that no Slack control sequence in a payload came from it.

Slack reads ``<...>`` in mrkdwn (and in a message's top-level ``text``) as a mention, a channel,
a broadcast (``<!channel>``) or a link, and ``&amp;``/``&lt;``/``&gt;`` as the escapes of ``&``,
``<`` and ``>``. So text from people or Noko must reach mrkdwn escaped exactly once, and
plain_text (headers, buttons, options, titles, a text input's initial value, inline errors)
unescaped. ``control_problems`` walks a whole payload (a message's arguments, a view, a Block Kit
list) and names each place where that does not hold; the only ``<...>`` it lets through are the
ones the bot builds: mentions of the Slack users, links to the channels and links to the URLs a
test declares ``Legit``, never anything a hostile string could spell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from bot.blocks.render import unescape
from bot.errors import safe

# Everything Slack might read as markup, and what breaks layouts: broadcasts, mentions, channel
# and link references, escapes (raw and pre-escaped), formatting marks, a quote at line start,
# line breaks, bidi overrides and zero-width characters, and a very long string.
HOSTILE = (
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U1>",
    "<@U1|boss>",
    "<#C1>",
    "<#C1|general>",
    "<http://x|y>",
    "<https://evil.example|Open Noko>",
    "<mailto:a@b.c|a@b.c>",
    "<!subteam^S1>",
    "<!date^0^{date}|x>",
    "R&D",
    "&",
    "&amp;",
    "&lt;!channel&gt;",
    "a < b > c",
    "*bold*",
    "_it_",
    "~gone~",
    "`code`",
    "```block```",
    "> quoted",
    "line one\n> line two",
    "\u202eevil\u202c",
    "zero\u200bwidth\u200d\ufeff",
    "<",
    ">",
    "x" * 400,
    "R&D <!here> " * 300,
)

hostile_texts: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(HOSTILE),
    st.lists(st.sampled_from(HOSTILE), min_size=2, max_size=3).map(" ".join),
    st.tuples(st.text(min_size=1, max_size=12), st.sampled_from(HOSTILE)).map("".join),
)


@dataclass(frozen=True)
class Legit:
    """What the bot itself may link to: Slack users it mentions, channels, URLs it links; None
    lets any well-formed one through (``WELL_FORMED``, the net under every test's payloads)."""

    users: frozenset[str] | None = frozenset()
    channels: frozenset[str] | None = frozenset()
    urls: frozenset[str] | None = frozenset()

    @classmethod
    def of(
        cls, users: Iterable[str] = (), channels: Iterable[str] = (), urls: Iterable[str] = ()
    ) -> Legit:
        return cls(frozenset(users), frozenset(channels), frozenset(urls))


WELL_FORMED = Legit(None, None, None)
_SEQUENCE = re.compile(r"<([^<>]*)>")
_USER = re.compile(r"@([UW][A-Z0-9]+)")
_CHANNEL = re.compile(r"#([CG][A-Z0-9]+)")
_LINK = re.compile(r"(https?://[^|<>\s]+)\|[^|<>]+")
_BARE_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")
_ENTITY = re.compile(r"&(?:amp|lt|gt);")
# Keys whose strings Slack never shows as text (ids, values, metadata).
_HIDDEN = frozenset(
    {"value", "block_id", "action_id", "callback_id", "private_metadata", "trigger_id",
     "view_id", "channel", "user", "response_type", "hash", "external_id", "url", "ts",
     "thread_ts", "initial_conversation", "initial_time", "initial_date", "type", "style"}
)  # fmt: skip


def control_problems(payload: Any, hostile: Iterable[str], legit: Legit = Legit()) -> list[str]:
    """Every place in ``payload`` where text from ``hostile`` could act on Slack, or where text
    is escaped the wrong number of times; empty when the payload is inert."""
    strings = [h for h in hostile if h]
    problems: list[str] = []
    for where, kind, text in _texts(payload, "$"):
        check = _mrkdwn_problems if kind == "mrkdwn" else _plain_problems
        problems += [f"{where} ({kind}): {p}: {text[:300]!r}" for p in check(text, strings, legit)]
    return problems


def assert_inert(payload: Any, hostile: Iterable[str], legit: Legit = Legit()) -> None:
    problems = control_problems(payload, hostile, legit)
    assert not problems, "\n".join(problems)


def _texts(node: Any, where: str) -> Iterator[tuple[str, str, str]]:
    """(path, "mrkdwn" or "plain_text", text) for every text Slack shows in ``node``."""
    if isinstance(node, list | tuple):
        for i, item in enumerate(node):
            yield from _texts(item, f"{where}[{i}]")
        return
    if not isinstance(node, Mapping):
        return
    kind = node.get("type")
    for key, value in node.items():
        here = f"{where}.{key}"
        if key == "text" and isinstance(value, str):
            # A text object's text, or a message's top-level text (read as mrkdwn by Slack).
            yield here, "plain_text" if kind == "plain_text" else "mrkdwn", value
        elif key == "initial_value" and isinstance(value, str):
            yield here, "plain_text", value
        elif key == "errors" and isinstance(value, Mapping):  # a view's inline errors
            yield from ((f"{here}.{k}", "plain_text", str(v)) for k, v in value.items())
        elif key not in _HIDDEN:
            yield from _texts(value, here)


def _mrkdwn_problems(text: str, hostile: list[str], legit: Legit) -> list[str]:
    problems = []
    rest = _SEQUENCE.sub(lambda m: "" if _built(m.group(1), legit) else m.group(0), text)
    for sequence in dict.fromkeys(m.group(0) for m in _SEQUENCE.finditer(rest)):
        problems.append(f"control sequence {sequence!r} the bot did not build")
    if "<" in _SEQUENCE.sub("", rest) or ">" in _SEQUENCE.sub("", rest):
        problems.append("unescaped < or >")
    if _BARE_AMPERSAND.search(text):
        problems.append("unescaped &")
    shown = unescape(rest)
    problems += [f"{e!r} escaped twice" for e in _escaped_forms(hostile) if e in shown]
    return problems


def _plain_problems(text: str, hostile: list[str], legit: Legit) -> list[str]:
    problems = [f"{e!r} escaped in plain text" for e in _escaped_forms(hostile) if e in text]
    allowed = {e for h in hostile for e in _ENTITY.findall(h)}
    problems += [
        f"entity {e!r} in plain text" for e in set(_ENTITY.findall(text)) if e not in allowed
    ]
    return problems


def _escaped_forms(hostile: list[str]) -> list[str]:
    """``safe(h)`` for each hostile ``h`` that escaping changes, unless some hostile string
    contains it as typed (then seeing it is no sign of escaping)."""
    forms = {safe(h) for h in hostile if safe(h) != h}
    return [f for f in forms if not any(f in h for h in hostile)]


def _built(inner: str, legit: Legit) -> bool:
    """Whether ``<inner>`` is one of the forms the bot builds, tied to a legitimate id."""
    for pattern, allowed in ((_USER, legit.users), (_CHANNEL, legit.channels), (_LINK, legit.urls)):
        if match := pattern.fullmatch(inner):
            return allowed is None or match.group(1) in allowed
    return False
