"""Settings read from the environment: Heroku-style values are accepted as users set them."""

from __future__ import annotations

import pytest

from bot.settings import Settings, check_required


def test_settings_heroku_postgres_url_is_normalised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example.com:5432/d1")

    assert (
        Settings(_env_file=None).database_url == "postgresql+psycopg://u:p@db.example.com:5432/d1"
    )


def test_settings_admins_are_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOKO_BOT_ADMINS", "U1, U2,,U3 ")

    assert Settings(_env_file=None).noko_bot_admins == frozenset({"U1", "U2", "U3"})


def test_settings_defaults_need_no_account() -> None:
    settings = Settings(_env_file=None)

    assert settings.database_url.startswith("sqlite:///")
    assert settings.noko_api_url == "https://api.nokotime.com/v2"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.noko_requests_per_second == 2.0  # Noko's own limit per IP
    assert not settings.socket_mode


def test_settings_secrets_never_appear_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    monkeypatch.setenv("NOKO_ACCESS_TOKEN", "noko-very-secret")

    text = repr(Settings(_env_file=None)) + str(Settings(_env_file=None))

    assert "very-secret" not in text


def test_check_required_blank_token_counts_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOKO_ACCESS_TOKEN", "  ")

    assert check_required(Settings(_env_file=None), mode="noko") == [
        "NOKO_ACCESS_TOKEN is not set (needed to run 'noko')"
    ]


def test_web_workers_reach_gunicorn_and_a_bad_count_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pydantic import ValidationError

    from bot.cli import gunicorn_argv
    from bot.settings import describe_validation_error

    monkeypatch.setenv("WEB_WORKERS", "3")
    argv = gunicorn_argv("127.0.0.1:0", 10, Settings(_env_file=None).web_workers)
    assert argv[argv.index("--workers") + 1] == "3"
    assert gunicorn_argv("127.0.0.1:0")[argv.index("--workers") + 1] == "1"  # the default
    monkeypatch.setenv("WEB_WORKERS", "0")
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=None)
    assert any("WEB_WORKERS" in line for line in describe_validation_error(raised.value))
