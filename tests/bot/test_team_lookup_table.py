"""One table, two edges: `noko-bot digest preview` and `/noko-team digest` find the same team (or
refuse the same way) for everything a person might type, because both call ``find_team``.

They used to differ: the CLI matched substrings, Slack prefixes ("Success" found "Customer
Success" in a terminal and nothing in Slack)."""

from __future__ import annotations

import io

import pytest

from bot.blocks.render import mrkdwn_to_text
from bot.scheduler.cli import digest_preview
from bot.settings import Settings

PERIOD = "2026-11-02..2026-11-08"
# What was typed → the team found, or the start of the refusal. Teams in the sandbox:
# Engineering (1), Design (2), Engineering Ops, Customer Success, R&D, Marketing.
TABLE = [
    ("Engineering", "Engineering"),  # exact name, though "Engineering Ops" starts with it too
    ("engineering", "Engineering"),  # any case
    ("2", "Design"),  # an id
    ("des", "Design"),  # the one name starting with it
    ("Engineering O", "Engineering Ops"),
    ("Success", "Customer Success"),  # the one name containing it
    ("r&d", "R&D"),
    ("eng", "“eng” matches several teams"),  # a prefix of two names
    ("e", "“e” matches several teams"),
    ("Desing", "Team not found"),  # a typo: refused, with the closest names
    ("424242", "Team not found"),
]


@pytest.mark.parametrize(("typed", "expected"), TABLE)
def test_cli_and_slack_resolve_the_same_team(
    typed: str, expected: str, slack, people, settings: Settings, sandbox, capsys
) -> None:
    out = io.StringIO()
    cli_status = digest_preview(settings, typed, PERIOD, out=out)
    cli = out.getvalue() if cli_status == 0 else capsys.readouterr().err.removeprefix("error: ")

    in_slack = mrkdwn_to_text(slack.run(f"digest {typed} {PERIOD}", people.coworker).args["text"])

    if expected[0].isupper() and "not found" not in expected:  # a team was found
        assert cli_status == 0
        assert cli.startswith(f"{expected} · 2\u20138 Nov 2026\n")
        assert in_slack.startswith(f"{expected} · 2\u20138 Nov 2026")
    else:
        assert cli_status == 2
        assert cli.startswith(expected) and in_slack.startswith(expected)
        assert cli.strip() == in_slack.strip()  # the very same sentence
