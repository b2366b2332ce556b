"""The splits of a command's words into a team and the rest that its grammar allows; which one
is meant is ``bot.services.teams.choose_reading``'s rule."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from pydantic import ValidationError

from bot.errors import UsageError
from bot.services.teams import Reading

A = TypeVar("A")

Readings = tuple[Reading[A], ...]


def readings_at(
    words: Sequence[str],
    cuts: Sequence[int],
    make: Callable[[Sequence[str], Sequence[str]], A],
    clean: Callable[[A], bool] = lambda _: True,
) -> Readings[A]:
    """``words`` cut at each of ``cuts`` (the usual cut first) into the team's words and the
    rest, each made into the command's arguments by ``make(team_words, rest)``. The usual cut
    must make sense (its error is the command's); any other that doesn't is no reading."""
    usual, *others = cuts
    found = [_reading(words, usual, make, clean)]
    for cut in others:
        try:
            found.append(_reading(words, cut, make, clean))
        except (UsageError, ValidationError):
            continue
    return tuple(found)


def _reading(
    words: Sequence[str],
    cut: int,
    make: Callable[[Sequence[str], Sequence[str]], A],
    clean: Callable[[A], bool],
) -> Reading[A]:
    team, rest = tuple(words[:cut]), tuple(words[cut:])
    args = make(team, rest)
    return Reading(team, rest, args, clean(args))
