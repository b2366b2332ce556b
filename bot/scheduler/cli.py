"""Entry points behind `noko-bot clock`, `noko-bot db upgrade` and `noko-bot digest preview`."""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Mapping
from typing import Any, TextIO

from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]

from bot.blocks.digest import digest_messages
from bot.blocks.render import render_messages
from bot.scheduler.clock import Clock, FileClock, SystemClock
from bot.scheduler.plan import CatchUpPolicy
from bot.scheduler.runner import Runner
from bot.services.digest import build_digest, team_summaries
from bot.services.fetch import TeamRequest, fetch_teams, fetch_week_start
from bot.services.numbers import parse_id
from bot.services.periods import PeriodError, parse_period
from bot.settings import Settings
from bot.slack.directory import NoDirectory, SlackDirectory
from bot.slack.posting import SlackPoster, slack_client
from bot.storage import Repository, open_repository, upgrade
from noko_core import NokoError

log = logging.getLogger(__name__)

# Test-only switches, read here at the edge: drive a subprocess's clock from a file and make it
# stall between claim and post (to test kill -9 there). Never set them in production.
CLOCK_FILE_ENV = "NOKO_BOT_TEST_CLOCK_FILE"
STALL_ENV = "NOKO_BOT_TEST_STALL_AFTER_CLAIM"
NO_LOCK_ENV = "NOKO_BOT_TEST_WITHOUT_LOCK"  # proves the unique run row alone prevents duplicates


def db_upgrade(settings: Settings) -> int:
    upgrade(settings.database_url)
    print("Database schema is up to date.")
    return 0


def clock_from_env(environ: Mapping[str, str]) -> Clock:
    path = environ.get(CLOCK_FILE_ENV)
    return FileClock(path) if path else SystemClock()


def make_noko(settings: Settings) -> Any:
    from noko_core import NokoClient  # the client module is heavy; only the edges need it

    token = settings.noko_access_token.get_secret_value() if settings.noko_access_token else ""
    if not token:
        raise SystemExit("NOKO_ACCESS_TOKEN is not set")
    return NokoClient(token, base_url=settings.noko_api_url)


def build_runner(
    settings: Settings, repo: Repository, clock: Clock, noko: Any, stop: threading.Event
) -> Runner:
    """The runner the clock process ticks; a Socket Mode worker may build and tick one too."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    slack = slack_client(token, settings.slack_api_url)
    policy = CatchUpPolicy.from_settings(
        settings.digest_catch_up_hours, settings.digest_poll_seconds
    )
    return Runner(repo=repo, noko=noko, poster=SlackPoster(slack), directory=SlackDirectory(slack),
                  clock=clock, policy=policy, stop=stop)  # fmt: skip


def start_scheduler(runner: Runner, poll_seconds: float) -> BackgroundScheduler:
    """APScheduler only paces ticks; its in-memory job store holds nothing worth keeping."""
    scheduler = BackgroundScheduler(timezone=dt.UTC)
    scheduler.add_job(
        runner.tick, "interval", seconds=poll_seconds, id="digest-tick",
        next_run_time=dt.datetime.now(dt.UTC), max_instances=1, coalesce=True,
        misfire_grace_time=None,
    )  # fmt: skip
    scheduler.start()
    return scheduler


def run_clock(
    settings: Settings,
    *,
    environ: Mapping[str, str] | None = None,
    stop: threading.Event | None = None,
) -> int:
    """The `clock` process: tick until SIGTERM/SIGINT, finish the in-flight post, exit 0.

    Run in a thread (`noko-bot socket --with-clock`), it stops when ``stop`` is set: signal
    handlers can only be installed by the main thread, which then owns them."""
    environ = os.environ if environ is None else environ
    if settings.slack_bot_token is None:
        raise SystemExit("SLACK_BOT_TOKEN is not set: the clock cannot post digests")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    clock = clock_from_env(environ)
    if stop is None:
        stop = stop_on_signals()
    repo = open_repository(settings.database_url, clock=clock.now)
    runner = build_runner(settings, repo, clock, make_noko(settings), stop)
    stall = float(environ.get(STALL_ENV) or 0)
    if stall:
        runner.after_claim = lambda run: time.sleep(stall)
    runner.single_active = environ.get(NO_LOCK_ENV) != "1"
    scheduler = start_scheduler(runner, settings.digest_poll_seconds)
    log.info("digest clock started (poll every %ss)", settings.digest_poll_seconds)
    while not stop.wait(0.5):
        pass
    log.info("stopping: no new claims; waiting for the in-flight post")
    scheduler.shutdown(wait=True)
    repo.close()
    return 0


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM (Heroku's stop) or SIGINT; call from the main thread."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def digest_preview(
    settings: Settings, team: str, period: str | None, *, out: TextIO | None = None
) -> int:
    """Print a team's digest as text, built from live Noko data; nothing is posted."""
    out = out or sys.stdout
    try:
        noko = make_noko(settings)
        week_start = fetch_week_start(noko)
        today = dt.datetime.now(dt.UTC).date()
        chosen = parse_period(period, today=today, week_start=week_start)
        found = _find_team(noko, team)
        data = fetch_teams(noko, [TeamRequest(int(found["id"]), chosen)])
        result = next(iter(data.values()))
        if isinstance(result, Exception):
            raise result
    except (PeriodError, LookupError, NokoError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    current, previous = team_summaries(result)
    digest = build_digest(current, previous, team_name=result.team_name, period=chosen,
                          slack_ids_by_email=NoDirectory().slack_ids([]))  # fmt: skip
    out.write(render_messages(digest_messages(digest)))
    return 0


def _find_team(noko: Any, query: str) -> dict[str, Any]:
    """A team by id, or by name: exact (case-insensitive) first, then a unique substring."""
    wanted = query.strip()
    team_id = parse_id(wanted)
    if team_id is not None:
        return dict(noko.get_single_team(team_id))
    teams = list(noko.list_teams())
    exact = [t for t in teams if str(t["name"]).casefold() == wanted.casefold()]
    partial = exact or [t for t in teams if wanted.casefold() in str(t["name"]).casefold()]
    if len(partial) == 1:
        return dict(partial[0])
    if not partial:
        raise LookupError(f"no Noko team matches {query!r}")
    names = ", ".join(sorted(str(t["name"]) for t in partial)[:10])
    raise LookupError(f"{query!r} matches several teams: {names}")
