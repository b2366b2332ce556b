"""The README's main job: the no-account walk-through answers every step, on any day.

One walk-through is pinned to a Monday morning and checked line by line; the other plays at the
machine's own moment and checks only what must hold on every day (`.ci/run` runs it under
faketime at a Sunday night, New Year's Eve, a leap day, the DST changes…)."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re

import pytest

from bot.demo import run_demo

MONDAY_MORNING = dt.datetime(2026, 11, 9, 8, 0, tzinfo=dt.UTC)


def _minutes(duration: str) -> int:
    """ "36h 30m" -> 2190 (the bot's own way of writing a duration)."""
    found = re.fullmatch(r"(?:([0-9,]+)h)?\s*(?:([0-9]+)m)?", duration.strip())
    assert found and duration.strip(), duration
    return int((found.group(1) or "0").replace(",", "")) * 60 + int(found.group(2) or 0)


def _today_before_after(text: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """(minutes, entries) of `hours Design today` before and after the entry logged in Noko."""
    line = re.search(r"Design today: (.+?) in ([0-9,]+) entr\w+ → (.+?) in ([0-9,]+) entr", text)
    assert line, "the demo did not show hours before and after the entry was logged"
    before = (_minutes(line.group(1)), int(line.group(2).replace(",", "")))
    after = (_minutes(line.group(3)), int(line.group(4).replace(",", "")))
    return before, after


def _play(caplog: pytest.LogCaptureFixture, now: dt.datetime | None) -> str:
    out = io.StringIO()
    with caplog.at_level(logging.WARNING):
        code = run_demo(fast=True, out=out, now=now)
    assert code == 0
    return out.getvalue()


def _holds_on_any_day(text: str, caplog: pytest.LogCaptureFixture) -> None:
    assert "no reply arrived" not in text
    assert "\033[" not in text  # not a terminal: no escape codes
    alarming = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert alarming == []  # e.g. no "refused a Noko webhook" while the demo installs it
    # The clock's tick posts a digest over a period that holds the sandbox's time.
    scheduled = text.split("the clock process ▸ ticks", 1)[1].split("first sync", 1)[0]
    assert "digests posted: 1, to <#CDESIGN>" in scheduled
    total = re.search(r"Total: ([^·\n]+)", scheduled)
    assert total and _minutes(total.group(1)) > 0, scheduled
    assert "Hours per member" in scheduled
    # "logs 1h 30m" changes the answer that follows by exactly that entry.
    (minutes, entries), (minutes_after, entries_after) = _today_before_after(text)
    assert (minutes_after - minutes, entries_after - entries) == (90, 1)


def test_demo_walk_through_shows_answers_modal_and_result(caplog) -> None:
    text = _play(caplog, MONDAY_MORNING)

    _holds_on_any_day(text, caplog)
    assert "Noko teams: 6" in text
    assert "modal: Add members (filled in once Noko answered)" in text
    assert "modal: Add members (the result)" in text
    assert "to Design." in text
    assert "Design: 7 members" in text  # the two people picked were really added in Noko
    assert "→ ok" in text  # and the change was audited
    assert "I don't know the subcommand" in text
    # The digest steps: a preview, a subscription, and a digest posted by the real scheduler.
    assert "/noko-team digest Design last-week" in text and "[ Post to channel ]" in text
    assert "Subscribed #CDESIGN to Design" in text and "weekly on Monday at 09:00" in text
    assert "`#1` Design → #CDESIGN" in text
    scheduled = text.split("the clock process ▸", 1)[1]
    assert "ticks at Mon 16 Nov 2026 08:00:30 UTC" in scheduled  # 09:00 in Berlin
    assert "Design · Week of 9 Nov 2026" in scheduled and "Hours per member" in scheduled
    assert "subscribe Design () → ok" in text
    # The mirror: synced, fed by a signed webhook, and `hours` shows the entry logged in Noko.
    mirror = text.split("first sync of the mirror", 1)[1]
    assert "first sync:" in mirror and "commands now read the mirror" in mirror
    assert "logs 1h 30m in Noko for Mon 09 Nov" in mirror
    assert "signed webhook delivered and applied" in mirror


def test_demo_tells_a_true_story_at_the_machines_moment(caplog) -> None:
    """Whatever the machine's date, time and zone: nothing here names a day."""
    _holds_on_any_day(_play(caplog, None), caplog)
