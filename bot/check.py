"""`noko-bot check`: what a deployment needs, each tried for real and reported on one line."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from bot.services.authz import MANAGER_ROLES
from bot.services.noko import make_noko_client
from bot.settings import Mode, Settings, check_required
from bot.storage import DatabaseUnavailableError, missing_sqlite_file, safe_url, schema_state
from noko_core import NokoError, NokoHTTPError

# Seconds each remote check may take: a wrong host must not hang the command.
TIMEOUT_SECONDS = 10
PASS, FAIL, SKIP = "✓", "✗", "·"


@dataclass(frozen=True)
class Outcome:
    """One line of the report: passed (✓), failed (✗) or not applicable (·)."""

    mark: str
    what: str
    detail: str

    @property
    def failed(self) -> bool:
        return self.mark == FAIL

    def line(self) -> str:
        return f"{self.mark} {self.what}: {self.detail}"


def run_check(settings: Settings, out: TextIO) -> int:
    """Print one line per check as it finishes; 0 when none failed, else 1."""
    mode: Mode = "socket" if settings.socket_mode else "http"
    missing = check_required(settings, mode=mode)
    checks: list[Callable[[Settings, list[str]], Outcome]] = [
        check_database,
        check_slack_bot_token,
        check_slack_app_token if mode == "socket" else check_signing_secret,
        check_noko_token,
        check_redis,
    ]
    failed = 0
    for check in checks:
        outcome = check(settings, missing)
        failed += outcome.failed
        print(outcome.line(), file=out, flush=True)
    if failed:
        print(f"{failed} of {len(checks)} checks failed.", file=out)
        return 1
    print(f"All {len(checks)} checks passed ({mode} mode).", file=out)
    return 0


def check_database(settings: Settings, _missing: list[str]) -> Outcome:
    url = settings.database_url
    what = f"database {safe_url(url)}"
    try:
        schema = schema_state(url)
    except DatabaseUnavailableError as error:
        hint = " (`noko-bot db upgrade` creates it)" if missing_sqlite_file(url) else ""
        return Outcome(FAIL, what, f"{error}{hint}")
    if not schema.at_head:
        newest = ", ".join(schema.heads)
        return Outcome(
            FAIL,
            what,
            f"schema {schema.current_label}, the code needs {newest}: run `noko-bot db upgrade`",
        )
    return Outcome(PASS, what, f"connects, schema migrated to the newest ({schema.current_label})")


def check_slack_bot_token(settings: Settings, missing: list[str]) -> Outcome:
    what = "Slack bot token"
    problem = _problem_with("SLACK_BOT_TOKEN", missing)
    if problem:
        return Outcome(FAIL, what, problem)
    answer, failure = _slack_call(settings, _secret(settings.slack_bot_token), "auth.test")
    if failure:
        return Outcome(FAIL, what, failure)
    if not answer.get("bot_id"):
        return Outcome(FAIL, what, "auth.test answered, but for a user token: use the xoxb-… one")
    team = _named(answer.get("team"), answer.get("team_id"))
    bot = _named(answer.get("user"), answer.get("user_id"))
    return Outcome(PASS, what, f"auth.test ok: workspace {team}, bot user {bot}")


def check_slack_app_token(settings: Settings, missing: list[str]) -> Outcome:
    what = "Slack app token (Socket Mode)"
    problem = _problem_with("SLACK_APP_TOKEN", missing)
    if problem:
        return Outcome(FAIL, what, problem)
    # The URL it hands out is never used: Slack lets an unused one expire.
    _answer, failure = _slack_call(
        settings, _secret(settings.slack_app_token), "apps.connections.open"
    )
    if failure.startswith("apps.connections.open"):  # Slack answered, and refused
        failure += " (is Socket Mode on, and the token's scope connections:write?)"
    if failure:
        return Outcome(FAIL, what, failure)
    return Outcome(PASS, what, "apps.connections.open ok: Socket Mode can connect")


def check_signing_secret(settings: Settings, missing: list[str]) -> Outcome:
    what = "Slack signing secret"
    problem = _problem_with("SLACK_SIGNING_SECRET", missing)
    if problem:
        return Outcome(FAIL, what, problem)
    return Outcome(PASS, what, "set (only Slack's own requests can prove it right)")


def check_noko_token(settings: Settings, missing: list[str]) -> Outcome:
    what = "Noko token"
    problem = _problem_with("NOKO_ACCESS_TOKEN", missing)
    if problem:
        return Outcome(FAIL, what, problem)
    try:
        with make_noko_client(settings) as noko:
            me = noko.get_current_user()
    except NokoError as error:
        return Outcome(FAIL, what, _noko_failure(error, settings.noko_api_url))
    name = " ".join(p for p in (me.get("first_name"), me.get("last_name")) if p) or "?"
    who = f"current_user is {name} <{me.get('email') or '?'}>, a {me.get('role') or '?'}"
    if me.get("state", "active") != "active":
        return Outcome(FAIL, what, f"{who}, {me.get('state')} in Noko")
    if me.get("role") not in MANAGER_ROLES:
        return Outcome(FAIL, what, f"{who}: changing teams needs a supervisor's or leader's token")
    return Outcome(PASS, what, f"{who}: may change teams")


def check_redis(settings: Settings, _missing: list[str]) -> Outcome:
    what = "Redis"
    url = _secret(settings.redis_url)
    if not url:
        return Outcome(SKIP, what, "REDIS_URL not set: processes of this machine share the pace")
    import redis

    try:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
        )
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError) as error:
        # Its messages name host and port, never the URL's password.
        return Outcome(FAIL, what, f"REDIS_URL does not answer PING: {error}")
    return Outcome(PASS, what, "REDIS_URL answers PING: the Noko pace is shared there")


def _slack_call(settings: Settings, token: str, method: str) -> tuple[dict[str, Any], str]:
    """Slack's answer, or why there is none (no token in it)."""
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    # No retries and no log lines of slack_sdk's own: the outcome is this command's one line.
    quiet = logging.getLogger("bot.check.slack_sdk")
    quiet.setLevel(logging.CRITICAL)
    client = WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=TIMEOUT_SECONDS,
        logger=quiet,
        retry_handlers=[],
    )
    try:
        response = client.api_call(method)
    except SlackApiError as error:
        return {}, f"{method} answered {error.response.get('error') or 'an error'}"
    except OSError as error:  # refused, unresolvable, timed out (urllib's URLError is one)
        reason = getattr(error, "reason", None) or error
        return {}, f"cannot reach Slack at {settings.slack_api_url}: {reason}"
    return dict(response.data) if isinstance(response.data, dict) else {}, ""


def _noko_failure(error: NokoError, api_url: str) -> str:
    if isinstance(error, NokoHTTPError):
        if error.status == 401:
            return "Noko refused the token (401): copy it again from Noko's API settings"
        return f"GET current_user answered HTTP {error.status}"
    return f"cannot reach Noko at {api_url}: {str(error).splitlines()[0] if str(error) else ''}"


def _named(name: object, ident: object) -> str:
    return f"{name} ({ident})" if name else str(ident or "?")


def _problem_with(variable: str, missing: list[str]) -> str:
    return next((line for line in missing if line.startswith(variable + " ")), "")


def _secret(value: Any) -> str:
    return value.get_secret_value().strip() if value is not None else ""
