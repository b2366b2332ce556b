"""The README's main job: the no-account walk-through answers every step."""

from __future__ import annotations

import io

from bot.demo import run_demo


def test_demo_walk_through_shows_answers_modal_and_result() -> None:
    out = io.StringIO()

    code = run_demo(fast=True, out=out)

    text = out.getvalue()
    assert code == 0
    assert "no reply arrived" not in text
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
    assert "digests posted: 1, to <#CDESIGN>" in scheduled
    assert "Design · Week of" in scheduled and "Hours per member" in scheduled
    assert "subscribe Design () → ok" in text
    # The mirror: synced, fed by a signed webhook, and `hours` shows the entry logged in Noko.
    mirror = text.split("first sync of the mirror", 1)[1]
    assert "first sync:" in mirror and "commands now read the mirror" in mirror
    before, after = mirror.split("logs 1h 30m in Noko", 1)
    assert "Total: 0h in 0 entries" in before
    assert "signed webhook delivered and applied" in after
    assert "Total: 1h 30m in 1 entry" in after
