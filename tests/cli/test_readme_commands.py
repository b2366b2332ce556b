"""Every `noko-bot …` command README.md tells a self-hoster to run exists, as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import _build_parser

README = Path(__file__).resolve().parents[2] / "README.md"
_COMMAND = re.compile(r"`noko-bot ([a-z][^`…]*)")
PLACEHOLDERS = {"<team>": "Design", "<public-url>": "https://bot.example.com"}
_OPTIONAL = re.compile(r"\[[^]]*\]")


def _section(title: str) -> str:
    text = README.read_text()
    section = text[text.index(f"## {title}") :]
    return section[: section.index("\n## ", 1)]


def _documented() -> list[list[str]]:
    """The install steps' commands, and each of the Commands synopsis (`a | b [--x N] | …`)."""
    text = " ".join((_section("Install in your workspace") + _section("Deploying")).split())
    found = set()
    for match in _COMMAND.finditer(text):
        for alternative in _OPTIONAL.sub("", match.group(1)).split("|"):
            found.add(tuple(alternative.split()))
    return [list(words) for words in sorted(found) if words]


def test_readme_install_section_names_the_commands_in_order() -> None:
    section = _section("Install in your workspace")
    steps = ["manifest.yml", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN",
             "NOKO_ACCESS_TOKEN", "app.json", "Procfile", "`noko-bot db upgrade`",
             "`noko-bot check`", "`noko-bot sync`", "`noko-bot webhooks install",
             "`/noko-team help`"]  # fmt: skip
    places = [section.find(step) for step in steps]
    assert -1 not in places, [s for s, at in zip(steps, places, strict=True) if at < 0]
    assert places == sorted(places), "the steps are out of order"


@pytest.mark.parametrize("words", _documented(), ids=" ".join)
def test_readme_command_parses(words: list[str]) -> None:
    parser = _build_parser()
    # Placeholders (a team, a URL) are accepted as they are; --help would exit before checking.
    argv = [PLACEHOLDERS.get(w, w) for w in words]
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        raise AssertionError(f"README's `noko-bot {' '.join(words)}` does not parse") from exit_
    assert args.command == argv[0]
