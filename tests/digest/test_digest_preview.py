"""`noko-bot digest preview`: the rendered digest of a team, printed, nothing posted."""

from __future__ import annotations

import io

import pytest

from bot.scheduler.cli import digest_preview
from bot.settings import Settings


@pytest.fixture
def settings(sandbox, tmp_path, monkeypatch) -> Settings:
    monkeypatch.chdir(tmp_path)  # no developer .env leaks in
    return Settings(
        noko_access_token=sandbox.token,
        noko_api_url=sandbox.base_url,
        slack_api_url="http://127.0.0.1:9/api/",
        noko_requests_per_second=1000,
    )


def test_digest_preview_by_name_prints_text(settings) -> None:
    out = io.StringIO()
    assert digest_preview(settings, "engineering", "2026-11-02..2026-11-08", out=out) == 0
    text = out.getvalue()
    assert text.startswith("Engineering · 2\u20138 Nov 2026\n")
    assert "Total: " in text and "Hours per member" in text
    assert "<@" not in text and "*" not in text  # rendered, not raw mrkdwn


def test_digest_preview_by_id(settings) -> None:
    out = io.StringIO()
    assert digest_preview(settings, "2", "2026-11-02..2026-11-08", out=out) == 0
    assert out.getvalue().startswith("Design · ")


@pytest.mark.parametrize(
    ("team", "period", "message"),
    [
        ("no such team", None, "no Noko team matches"),
        ("engineering", "2026-11-08..2026-11-01", "ends before it starts"),
        ("424242", None, "error"),
    ],
)
def test_digest_preview_errors(settings, capsys, team, period, message) -> None:
    assert digest_preview(settings, team, period, out=io.StringIO()) == 2
    assert message in capsys.readouterr().err
