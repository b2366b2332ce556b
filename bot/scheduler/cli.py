"""Entry points behind `noko-bot clock`, `noko-bot db upgrade` and `noko-bot digest preview`."""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import TextIO

from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]

from bot.blocks.digest import digest_messages
from bot.blocks.render import mrkdwn_to_text, render_messages
from bot.errors import BotError, noko_error_message
from bot.mirror import MirrorStore
from bot.mirror.reads import build_reads
from bot.scheduler.charts import ChartSharer
from bot.scheduler.clock import Clock, FileClock, SystemClock
from bot.scheduler.mirror_jobs import add_mirror_jobs
from bot.scheduler.plan import CatchUpPolicy
from bot.scheduler.runner import Runner
from bot.services.access import EVERYONE
from bot.services.cache import NokoCache
from bot.services.live_reads import LiveReads
from bot.services.noko import NokoTokenMissingError, make_noko_client
from bot.services.reads import NokoReads
from bot.services.subscriptions import preview_digest
from bot.settings import Settings
from bot.slack.directory import SlackDirectory
from bot.slack.history import SlackHistory
from bot.slack.posting import SlackPoster, slack_client
from bot.storage import Repository, open_repository, upgrade
from noko_core import NokoClient, NokoError, background_requests

log = logging.getLogger(__name__)

# Test-only switches, read here at the edge: drive a subprocess's clock from a file and make it
# stall between claim and post (to test kill -9 there). Never set them in production.
CLOCK_FILE_ENV = "NOKO_BOT_TEST_CLOCK_FILE"
STALL_ENV = "NOKO_BOT_TEST_STALL_AFTER_CLAIM"
NO_LOCK_ENV = "NOKO_BOT_TEST_WITHOUT_LOCK"  # proves the unique run row alone prevents duplicates


def db_upgrade(settings: Settings) -> int:
    before, after = upgrade(settings.database_url)
    if before.current == after.current:
        print(f"Database schema is up to date ({after.current_label}).")
    else:
        print(f"Database schema upgraded: {before.current_label} -> {after.current_label}.")
    return 0


def clock_from_env(environ: Mapping[str, str]) -> Clock:
    path = environ.get(CLOCK_FILE_ENV)
    return FileClock(path) if path else SystemClock()


def make_noko(settings: Settings) -> NokoClient:
    try:
        return make_noko_client(settings)
    except NokoTokenMissingError as error:
        raise SystemExit(str(error)) from None


def build_runner(
    settings: Settings,
    repo: Repository,
    clock: Clock,
    noko: NokoClient,
    stop: threading.Event,
    cache: NokoCache | None = None,
    reads: NokoReads | None = None,
) -> Runner:
    """The runner the clock process ticks; a Socket Mode worker may build and tick one too
    (sharing its cache and reads)."""
    cache = cache if cache is not None else NokoCache(noko)
    reads = reads if reads is not None else build_reads(settings, repo, LiveReads(noko, cache))
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    slack = slack_client(token, settings.slack_api_url)
    policy = CatchUpPolicy.from_settings(
        settings.digest_catch_up_hours, settings.digest_poll_seconds
    )
    return Runner(
        repo=repo,
        noko=noko,
        poster=SlackPoster(slack),
        directory=SlackDirectory(slack),
        history=SlackHistory(slack),
        unknown_grace=dt.timedelta(minutes=settings.digest_unknown_grace_minutes),
        clock=clock,
        policy=policy,
        stop=stop,
        cache=cache,
        reads=reads,
        read_access=settings.read_access,
        audit_channel=settings.audit_channel,
        max_mentions=settings.digest_max_mentions,
        after_post=ChartSharer(reads, slack),
    )


def start_scheduler(runner: Runner, poll_seconds: float) -> BackgroundScheduler:
    """APScheduler only paces ticks; its in-memory job store holds nothing worth keeping."""
    scheduler = BackgroundScheduler(timezone=dt.UTC)
    scheduler.add_job(
        lambda: _in_background(runner.tick),
        "interval",
        seconds=poll_seconds,
        id="digest-tick",
        next_run_time=dt.datetime.now(dt.UTC),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
    )
    scheduler.start()
    return scheduler


def _in_background(tick: Callable[[], object]) -> None:
    """Digest ticks are background work: their Noko requests yield to interactive commands,
    in every process sharing the limiter (lane threads inherit the mark, bot/scheduler/lanes)."""
    with background_requests():
        tick()


def run_clock(
    settings: Settings,
    *,
    environ: Mapping[str, str] | None = None,
    stop: threading.Event | None = None,
    cache: NokoCache | None = None,
    reads: NokoReads | None = None,
) -> int:
    """The `clock` process: tick until SIGTERM/SIGINT, finish the in-flight post, exit 0.

    Run in a thread (`noko-bot socket --with-clock`), it stops when ``stop`` is set: signal
    handlers can only be installed by the main thread, which then owns them. There it shares
    the process's Noko client and cache (``cache``), so one rate limit covers the process."""
    environ = os.environ if environ is None else environ
    if settings.slack_bot_token is None:
        raise SystemExit("SLACK_BOT_TOKEN is not set: the clock cannot post digests")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    clock = clock_from_env(environ)
    if stop is None:
        stop = stop_on_signals()
    repo = open_repository(settings.database_url, clock=clock.now)
    noko = cache.noko if cache is not None else make_noko(settings)
    runner = build_runner(settings, repo, clock, noko, stop, cache, reads)
    stall = float(environ.get(STALL_ENV) or 0)
    if stall:
        runner.after_claim = lambda run: time.sleep(stall)
    runner.single_active = environ.get(NO_LOCK_ENV) != "1"
    scheduler = start_scheduler(runner, settings.digest_poll_seconds)
    add_mirror_jobs(scheduler, settings, MirrorStore(repo.engine, clock=clock.now), noko)
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


# What `digest preview` was asked for: the team and the period (None: the default), read once
# the teams can be looked at (choosing how to split a command's words needs them).
TeamAndPeriod = Callable[[NokoReads], tuple[str, str | None]]


def digest_preview(
    settings: Settings, team: str, period: str | None, *, out: TextIO | None = None
) -> int:
    """Print a team's digest as text, built from live Noko data; nothing is posted."""
    return preview_digest_of(settings, lambda _reads: (team, period), out=out)


def preview_digest_of(
    settings: Settings,
    team_and_period: TeamAndPeriod,
    *,
    out: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Print the digest ``team_and_period`` reads (as `/noko-team digest` reads its words);
    nothing is posted. Errors are one line on stderr, exit code 2."""
    out = out or sys.stdout
    try:
        noko = make_noko(settings)
        reads = LiveReads(noko, NokoCache(noko))
        team, period = team_and_period(reads)
        today = clock_from_env(os.environ if environ is None else environ).now().date()
        # The operator at a terminal holds the Noko token itself: they read what it reads.
        _, digest = preview_digest(reads, team, period, today, EVERYONE)
    except BotError as exc:
        print(f"error: {mrkdwn_to_text(exc.user_message)}", file=sys.stderr)
        return 2
    except NokoError as exc:
        print(f"error: {noko_error_message(exc)}", file=sys.stderr)
        return 2
    out.write(render_messages(digest_messages(digest)))
    return 0
