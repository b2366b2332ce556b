"""Configuration read from the environment (or a .env file), validated once at start-up."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_NOKO_API_URL = "https://api.nokotime.com/v2"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///noko_bot.db"
# DIGEST_MAX_MENTIONS: a digest pings at most this many people (a 300-member team with no time
# once made one message with 300 mentions).
DEFAULT_MAX_MENTIONS = 10


def normalise_database_url(url: str) -> str:
    """Heroku hands out ``postgres://``; SQLAlchemy wants ``postgresql+psycopg://``."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Settings(BaseSettings):
    """Every setting the bot reads. Names are the environment variables users set on Heroku."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    noko_access_token: SecretStr | None = None
    noko_api_url: str = DEFAULT_NOKO_API_URL
    # The bot's pace against Noko. Noko allows 2 requests/second per IP; only a local sandbox
    # may take more. NOKO_LIMITER=shared (default) makes it the pace of every process of the
    # deployment (bot/services/noko.py): through Redis when REDIS_URL is set, else through a
    # state file every process of the machine shares (NOKO_LIMITER_FILE, default in the temp
    # directory, one per Noko URL); "process" paces each process alone (one process per IP only).
    noko_requests_per_second: float = Field(default=2.0, gt=0, le=1000)
    noko_limiter: Literal["shared", "process"] = "shared"
    noko_limiter_file: Path | None = None
    redis_url: SecretStr | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    port: int = Field(default=3000, ge=1, le=65535)
    noko_bot_admins: Annotated[frozenset[str], NoDecode] = frozenset()
    audit_channel: str | None = None
    # Whose time people may read: "noko" follows Noko's permission levels (bot.services.access);
    # "everyone" lets every Slack user read every team's time (small, trusting teams).
    read_access: Literal["noko", "everyone"] = "noko"
    # Listener work runs after the ack on this many threads, with at most SLACK_QUEUE_LIMIT
    # more waiting; past that, people are told "busy, try again" (bot/listeners/work.py).
    slack_listener_threads: int = Field(default=32, ge=1, le=512)
    slack_queue_limit: int = Field(default=100, ge=0, le=10_000)
    # gunicorn worker processes of `noko-bot web`; more than one needs the shared Noko pace.
    web_workers: int = Field(default=1, ge=1, le=32)
    # Digest scheduling (see bot/scheduler): how late a missed period may still be posted.
    digest_catch_up_hours: float = Field(default=6.0, ge=0)
    digest_poll_seconds: float = Field(default=30.0, gt=0)
    # How many people one digest may @-mention; the others are named without a ping.
    digest_max_mentions: int = Field(default=DEFAULT_MAX_MENTIONS, ge=0, le=1000)
    # A post Slack may or may not have made (a timeout) that its channel's history doesn't show
    # after this long is posted again, once, marked late.
    digest_unknown_grace_minutes: float = Field(default=10.0, ge=0)
    # The mirror (bot/mirror): the bot's own copy of the Noko account, read instead of Noko once
    # its first sync has finished ("off": every read goes to Noko live). It keeps entries dated
    # within the last NOKO_MIRROR_WINDOW_DAYS, syncs changes every NOKO_MIRROR_SYNC_SECONDS, and
    # re-reads the last NOKO_MIRROR_REREAD_DAYS nightly at NOKO_MIRROR_REREAD_HOUR (UTC) to
    # catch deletions a webhook missed.
    noko_mirror: Literal["on", "off"] = "on"
    noko_mirror_window_days: int = Field(default=400, ge=1, le=3660)
    noko_mirror_sync_seconds: float = Field(default=60.0, ge=5, le=86_400)
    noko_mirror_reread_days: int = Field(default=35, ge=1, le=3660)
    noko_mirror_reread_hour: int = Field(default=3, ge=0, le=23)

    @field_validator("noko_bot_admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return value

    # Python reads "nan" and "inf" as floats, and nan fails every bound with a misleading
    # message ("less than or equal to 1000"); an interval of inf crashed the clock.
    @field_validator(
        "noko_requests_per_second", "digest_poll_seconds", "noko_mirror_sync_seconds", mode="before"
    )
    @classmethod
    def _finite_positive(cls, value: object) -> object:
        return _finite(value, "must be a finite positive number")

    @field_validator("digest_catch_up_hours", "digest_unknown_grace_minutes", mode="before")
    @classmethod
    def _finite_or_zero(cls, value: object) -> object:
        return _finite(value, "must be a finite number, 0 or more")

    @field_validator("noko_api_url", "slack_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @field_validator("redis_url", "noko_limiter_file", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        if isinstance(value, str | SecretStr) and not _secret_text(value).strip():
            return None
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().strip().startswith(
            ("redis://", "rediss://")
        ):
            raise ValueError("must be a redis:// or rediss:// URL")
        return value

    @field_validator("noko_limiter_file")
    @classmethod
    def _limiter_file(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        if value.is_dir():
            raise ValueError("must be a file path, not a directory")
        if not value.parent.is_dir():
            raise ValueError("its directory does not exist")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        value = normalise_database_url(value.strip())
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must be a sqlite:// or postgres:// URL")
        return value

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None


Mode = Literal["http", "socket", "clock", "noko"]


def check_required(settings: Settings, *, mode: Mode) -> list[str]:
    """One line per missing or malformed secret for this mode, naming the variable.

    http: the web process; socket: Socket Mode; clock: the digest scheduler (posts to Slack);
    noko: commands that only talk to Noko.
    """
    missing = f"is not set (needed to run '{mode}')"
    problems: list[str] = []
    bot_token = _secret(settings.slack_bot_token)
    if mode != "noko" and not bot_token:
        problems.append(f"SLACK_BOT_TOKEN {missing}")
    elif bot_token and not bot_token.startswith("xox"):
        problems.append("SLACK_BOT_TOKEN must be a bot token (xoxb-…)")
    if mode == "http" and not _secret(settings.slack_signing_secret):
        problems.append(f"SLACK_SIGNING_SECRET {missing}")
    app_token = _secret(settings.slack_app_token)
    if mode == "socket" and not app_token:
        problems.append(f"SLACK_APP_TOKEN {missing}")
    elif mode == "socket" and not app_token.startswith("xapp-"):
        problems.append("SLACK_APP_TOKEN must be an app-level token (xapp-…)")
    if not _secret(settings.noko_access_token):
        problems.append(f"NOKO_ACCESS_TOKEN {missing}")
    return problems


def describe_validation_error(error: ValidationError) -> list[str]:
    """Pydantic's errors as one line per variable, without the offending value (may be secret)."""
    lines = []
    for item in error.errors():
        name = "_".join(str(part) for part in item["loc"]).upper() or "SETTINGS"
        message = item["msg"].removeprefix("Value error, ")
        lines.append(f"{name} is invalid: {message}")
    return lines


def _finite(value: object, message: str) -> object:
    """``value`` for pydantic to parse, unless it is a number that isn't finite (nan, inf)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return value  # pydantic names what it expected ("a valid number")
    if not math.isfinite(number):
        raise ValueError(message)
    return value


def _secret_text(value: str | SecretStr) -> str:
    return value.get_secret_value() if isinstance(value, SecretStr) else value


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value().strip() if value is not None else ""
