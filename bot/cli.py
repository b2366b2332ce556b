"""The `noko-bot` command: web, socket, clock, db upgrade, digest preview, check, the mirror's
sync and webhooks, and the demo."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from pydantic import ValidationError

from bot.settings import Mode, Settings, check_required, describe_validation_error

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.deps import Deps
    from bot.scheduler.cli import TeamAndPeriod
    from bot.services.reads import NokoReads

EXIT_CONFIG = 2
DEFAULT_HOST = "0.0.0.0"  # all IPv4 interfaces: Heroku's router reaches the dyno there


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="noko-bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    web = sub.add_parser("web", help="serve /slack/events and /healthz with gunicorn on $PORT")
    web.add_argument(
        "--connections", type=int, default=1000, help="open connections one worker serves at once"
    )
    web.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST}: all)"
    )
    socket = sub.add_parser("socket", help="run in Socket Mode (needs SLACK_APP_TOKEN)")
    socket.add_argument("--with-clock", action="store_true", help="also run the digest scheduler")
    sub.add_parser("clock", help="run the digest scheduler (one per deployment)")
    sub.add_parser(
        "check",
        help="try the database, Slack's and Noko's tokens and Redis; one line each, exit 1 on "
        "any failure",
    )
    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    digest = sub.add_parser("digest", help="digest tools")
    digest_sub = digest.add_subparsers(dest="digest_command", required=True)
    preview = digest_sub.add_parser(
        "preview",
        help="print a team's digest without posting it",
        usage="noko-bot digest preview TEAM [PERIOD]",
    )
    preview.add_argument(
        "words",
        nargs="+",
        metavar="TEAM [PERIOD]",
        help="read as /noko-team digest reads them: Design last month, 2 2026-11-02..2026-11-08; "
        "the period defaults to last week",
    )
    sync = sub.add_parser("sync", help="sync the mirror with Noko (first sync, then changes)")
    sync.add_argument("--status", action="store_true", help="print the mirror's state and exit")
    sync.add_argument(
        "--reread", action="store_true", help="re-read the recent window to catch deletions"
    )
    webhooks = sub.add_parser("webhooks", help="Noko webhooks feeding the mirror")
    webhooks_sub = webhooks.add_subparsers(dest="webhooks_command", required=True)
    install = webhooks_sub.add_parser("install", help="register this bot's webhook in Noko")
    install.add_argument(
        "public_url", help="the bot's public base URL, e.g. https://bot.example.com"
    )
    webhooks_sub.add_parser(
        "uninstall", help="delete this bot's webhook in Noko and forget its secret"
    )
    demo = sub.add_parser("demo", help="the no-account walk-through: sandbox + local Slack")
    demo.add_argument(
        "--fast", action="store_true", help="turn off the sandbox's rate limit and the bot's pacing"
    )
    return parser


def load_settings() -> Settings | None:
    """Read the environment; print one line per problem instead of a traceback."""
    try:
        return Settings()
    except ValidationError as exc:
        for line in describe_validation_error(exc):
            print(f"noko-bot: {line}", file=sys.stderr)
        return None


def _require(settings: Settings, mode: Mode) -> bool:
    problems = check_required(settings, mode=mode)
    for problem in problems:
        print(f"noko-bot: {problem}", file=sys.stderr)
    return not problems


def gunicorn_argv(bind: str, connections: int = 1000, workers: int = 1) -> list[str]:
    """gunicorn serving the app with the gevent worker: a slow client (one byte every few
    seconds) holds a greenlet, not one of a few threads, so acks keep flowing past it (with
    gthread, 10 slow sockets stalled every command for 40 s; see docs/benchmarks.md)."""
    gunicorn = shutil.which("gunicorn") or os.path.join(os.path.dirname(sys.executable), "gunicorn")
    return [
        gunicorn,
        "--bind",
        bind,
        "--workers",
        # WEB_WORKERS (default 1): each has its own work queue and caches; the Noko pace is shared
        str(workers),
        "--worker-class",
        "gevent",
        "--worker-connections",
        str(connections),
        "--timeout",
        "60",
        "bot.web:create_wsgi()",
    ]


def bind_address(host: str, port: int) -> str:
    """gunicorn's ``--bind``: an IPv6 address goes in brackets."""
    host = host.strip()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{host}:{port}"


def _run_web(settings: Settings, connections: int, host: str) -> int:
    argv = gunicorn_argv(bind_address(host, settings.port), connections, settings.web_workers)
    gunicorn = argv[0]
    os.execv(gunicorn, argv)
    return 0  # pragma: no cover - execv does not return


def _run_socket(settings: Settings, with_clock: bool) -> int:
    import threading

    from bot.deps import build_deps
    from bot.scheduler.cli import run_clock, stop_on_signals

    deps = build_deps(settings)
    stop = stop_on_signals()  # the main thread owns the signals; the clock thread gets the event
    # Connect first: when Slack can't be reached the process says so in one line and exits,
    # before a clock has started (and logged) for nothing.
    handler = _connect_socket(settings, deps)
    if handler is None:
        return EXIT_CONFIG
    clock = None
    if with_clock:
        clock = threading.Thread(
            target=run_clock,
            args=(settings,),
            kwargs={"stop": stop, "cache": deps.cache, "reads": deps.reads},
            name="clock",
        )
        clock.start()
    try:
        stop.wait()
        handler.close()  # type: ignore[no-untyped-call]  # slack_bolt leaves it unannotated
        return 0
    finally:
        stop.set()
        if clock is not None:
            clock.join()  # the clock finishes its in-flight post first


def _connect_socket(settings: Settings, deps: Deps) -> SocketModeHandler | None:
    """The connected handler, or None after one line saying why Slack wasn't reached."""
    from slack_sdk.errors import SlackApiError

    from bot.app import connect_socket_mode

    try:
        with _quiet_logger("slack_sdk.web.base_client"):  # its retry lines, then the traceback
            return connect_socket_mode(settings, deps)
    except OSError as error:  # refused, unresolvable, timed out (urllib's URLError is one)
        reason = getattr(error, "reason", None) or error
        print(
            f"noko-bot: cannot reach Slack at {settings.slack_api_url} to open the Socket Mode "
            f"connection ({reason}); exiting with code {EXIT_CONFIG}",
            file=sys.stderr,
        )
    except SlackApiError as error:
        reason = error.response.get("error") if error.response is not None else None
        print(
            f"noko-bot: Slack refused the Socket Mode connection ({reason}): check "
            "SLACK_APP_TOKEN (xapp-…, scope connections:write) and that Socket Mode is on",
            file=sys.stderr,
        )
    return None


@contextlib.contextmanager
def _quiet_logger(name: str) -> Iterator[None]:
    logger = logging.getLogger(name)
    saved = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(saved)


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "web":
        if not _require(settings, "http"):
            return EXIT_CONFIG
        return _run_web(settings, args.connections, args.host)
    if args.command == "socket":
        ok = _require(settings, "socket")
        return _run_socket(settings, args.with_clock) if ok else EXIT_CONFIG
    if args.command == "check":
        from bot.check import run_check

        return run_check(settings, sys.stdout)
    if args.command in ("sync", "webhooks"):
        return _mirror_command(args, settings)
    from bot.scheduler import cli as scheduler_cli

    if args.command == "clock":
        return scheduler_cli.run_clock(settings) if _require(settings, "clock") else EXIT_CONFIG
    if args.command == "db":
        return scheduler_cli.db_upgrade(settings)
    if args.command == "digest":
        if not _require(settings, "noko"):
            return EXIT_CONFIG
        return scheduler_cli.preview_digest_of(settings, _digest_words(args.words))
    raise AssertionError(args.command)


def _digest_words(argv: Sequence[str]) -> TeamAndPeriod:
    """The words of `digest preview` read by `/noko-team digest`'s own rule. An argument the
    shell kept whole ("Customer Success") is what quotes are in Slack: one name."""
    from bot.errors import UsageError
    from bot.listeners.commands.subcommands.digests import DigestArgs
    from bot.services.command_text import Quoted
    from bot.services.teams import choose_reading

    words = [Quoted(w.strip()) if len(w.split()) > 1 else w.strip() for w in argv]
    words = [w for w in words if w]

    def read(reads: NokoReads) -> tuple[str, str | None]:
        try:
            args = choose_reading(reads, "digest", DigestArgs.readings(words))
        except ValidationError as error:  # a team name over 200 characters
            item = error.errors()[0]
            raise UsageError(f"{'.'.join(map(str, item['loc']))}: {item['msg']}.") from None
        return args.team, args.period

    return read


def _mirror_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.mirror import cli as mirror_cli

    if args.command == "sync":
        if not args.status and not _require(settings, "noko"):
            return EXIT_CONFIG
        return mirror_cli.run_sync(settings, status=args.status, reread=args.reread)
    if not _require(settings, "noko"):
        return EXIT_CONFIG
    if args.webhooks_command == "uninstall":
        return mirror_cli.uninstall_webhook(settings)
    return mirror_cli.install_webhook(settings, args.public_url)


def main(argv: Sequence[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Alembic announces each of its plugins at INFO on every start-up: noise in Heroku's logs.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    if args.command == "demo":
        from bot.demo import run_demo

        return run_demo(fast=args.fast)
    settings = load_settings()
    if settings is None:
        return EXIT_CONFIG
    return _dispatch(args, settings)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
