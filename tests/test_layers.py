"""The layering (edges → services → storage, noko_core), checked on every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _violations(package: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in _modules(package):
        for name in _imports(path):
            if _is_prefix(name, forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


def _is_prefix(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        # noko_core knows nothing of Slack, the bot, databases or schedulers.
        ("noko_core", ("bot", "slack_bolt", "slack_sdk", "sqlalchemy", "alembic", "apscheduler")),
        # Services hold the logic; they never talk to Slack or reach up into edges.
        (
            "bot/services",
            ("slack_bolt", "slack_sdk", "bot.slack", "bot.listeners", "bot.scheduler", "flask"),
        ),
        # The Slack Web API adapters both edges share: slack_sdk and services only, so the
        # scheduler reaches them without Bolt and neither edge's code leaks into the other.
        (
            "bot/slack",
            (
                *("bot.listeners", "bot.scheduler", "bot.blocks", "bot.storage"),
                *("slack_bolt", "sqlalchemy", "noko_core"),
            ),
        ),
        # Block Kit builders are pure: no I/O layers (plain records of bot.storage.records are
        # data, not I/O).
        (
            "bot/blocks",
            (
                *("bot.listeners", "bot.scheduler", "bot.slack", "noko_core", "requests"),
                *("bot.storage.repository", "bot.storage.db", "bot.storage.models"),
            ),
        ),
        # Listeners are an edge like the scheduler: neither imports the other.
        ("bot/listeners", ("bot.scheduler", "sqlalchemy", "alembic")),
        ("bot/scheduler", ("bot.listeners", "slack_bolt")),
    ],
)
def test_layers_forbidden_imports(package: str, forbidden: tuple[str, ...]) -> None:
    assert _violations(package, forbidden) == []


def test_layers_slack_adapters_import_only_services_of_the_bot() -> None:
    found = [
        f"{p.relative_to(ROOT)} imports {name}"
        for p in _modules("bot/slack")
        for name in _imports(p)
        if _is_prefix(name, ("bot",)) and not _is_prefix(name, ("bot.slack", "bot.services"))
    ]
    assert _modules("bot/slack") and found == []


def test_layers_edges_share_the_slack_adapters() -> None:
    # One SlackPoster and one SlackDirectory: both edges import them, neither keeps its own.
    users = {
        package: {name for p in _modules(package) for name in _imports(p)}
        for package in ("bot/listeners", "bot/scheduler")
    }
    assert "bot.slack.posting" in users["bot/listeners"] & users["bot/scheduler"]
    assert "bot.slack.directory" in users["bot/listeners"] & users["bot/scheduler"]


def test_layers_blocks_import_storage_records_only() -> None:
    found = [
        f"{p.relative_to(ROOT)} imports {name}"
        for p in _modules("bot/blocks")
        for name in _imports(p)
        if name == "bot.storage"
    ]
    assert found == []


def test_layers_only_storage_imports_sqlalchemy() -> None:
    outside = [p for p in _modules("bot") if "storage" not in p.relative_to(ROOT / "bot").parts]
    found = [
        f"{p.relative_to(ROOT)} imports {name}"
        for p in outside
        for name in _imports(p)
        if _is_prefix(name, ("sqlalchemy", "alembic"))
    ]
    assert found == []


def test_layers_checker_sees_a_violation(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("import sqlalchemy.orm\nfrom slack_sdk import WebClient\n")

    assert _imports(module) == {"sqlalchemy.orm", "slack_sdk"}
    assert _is_prefix("sqlalchemy.orm", ("sqlalchemy",))
    assert not _is_prefix("sqlalchemyx", ("sqlalchemy",))
