"""Entry points behind `noko-bot sync` (first or incremental, `--status`, `--reread`) and
`noko-bot webhooks install <public-url>`."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from typing import TextIO
from urllib.parse import urlsplit

from tqdm import tqdm

from bot.mirror.storage import MirrorStore
from bot.mirror.sync import Progress, Syncer, SyncOptions
from bot.mirror.webhooks import EVENTS
from bot.services.noko import NokoTokenMissingError, make_noko_client
from bot.settings import Settings
from bot.storage import (
    DatabaseUnavailableError,
    missing_sqlite_file,
    open_repository,
    safe_url,
    schema_state,
)
from noko_core import (
    NokoClient,
    NokoError,
    NokoNotFoundError,
    NokoOutcomeUnknownError,
    Webhook,
)

WEBHOOK_NAME = "noko-team-bot mirror"
WEBHOOK_PATH = "/noko/webhooks"
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class _Bar:
    """A terminal progress bar of the entries stored (their total is not known in advance)."""

    def __init__(self, what: str) -> None:
        self._bar = tqdm(desc=what, unit=" entries", unit_scale=True, dynamic_ncols=True)

    def advance(self, rows: int) -> None:
        self._bar.update(rows)

    def close(self) -> None:
        self._bar.close()


def _bar(what: str) -> Progress:
    return _Bar(what)


def options_from(settings: Settings) -> SyncOptions:
    return SyncOptions(
        window_days=settings.noko_mirror_window_days,
        reread_days=settings.noko_mirror_reread_days,
    )


def run_sync(
    settings: Settings, *, status: bool = False, reread: bool = False, out: TextIO | None = None
) -> int:
    out = out or sys.stdout
    if status:
        return show_status(settings, out)
    repo = open_repository(settings.database_url)
    try:
        store = MirrorStore(repo.engine)
        try:
            noko = make_noko_client(settings)
        except NokoTokenMissingError as error:
            print(f"noko-bot: {error}", file=sys.stderr)
            return 2
        progress = _bar if out.isatty() else None
        syncer = Syncer(store, noko, options=options_from(settings), progress=progress)
        try:
            result = syncer.reread() if reread else syncer.sync()
        except NokoError as error:
            print(f"noko-bot: the sync stopped: {type(error).__name__}: {error}", file=sys.stderr)
            print("noko-bot: run `noko-bot sync` again to resume", file=sys.stderr)
            return 1
        if result.kind == "busy":
            print("Another process is syncing the mirror; nothing done.", file=out)
            return 0
        print(
            f"{result.kind} sync done: {result.requests} Noko requests, "
            f"{result.upserted} rows stored, {result.deleted} deleted.",
            file=out,
        )
        return 0
    finally:
        repo.close()


def show_status(settings: Settings, out: TextIO) -> int:
    """`sync --status` only reads: a database that doesn't exist or isn't migrated is said so,
    never created or upgraded."""
    missing = missing_sqlite_file(settings.database_url)
    if missing is not None:
        print(
            f"noko-bot: the database file {missing} does not exist, so nothing is synced yet: "
            "`noko-bot db upgrade` creates it, then `noko-bot sync` fills it",
            file=sys.stderr,
        )
        return 1
    try:
        schema = schema_state(settings.database_url)
    except DatabaseUnavailableError as error:
        print(f"noko-bot: cannot read {safe_url(settings.database_url)}: {error}", file=sys.stderr)
        return 1
    if not schema.at_head:
        print(
            f"noko-bot: the database's schema is {schema.current_label}, not "
            f"{', '.join(schema.heads)}: run `noko-bot db upgrade` first",
            file=sys.stderr,
        )
        return 1
    repo = open_repository(settings.database_url, migrate=False)
    try:
        print_status(MirrorStore(repo.engine), out)
    finally:
        repo.close()
    return 0


def _when(value: dt.datetime | None, now: dt.datetime) -> str:
    if value is None:
        return "never"
    return f"{value:%Y-%m-%d %H:%M:%S} UTC ({int((now - value).total_seconds())} s ago)"


def print_status(store: MirrorStore, out: TextIO) -> None:
    now = store.clock()
    state = store.state()
    if state.first_done_at is not None:
        print(f"first sync: finished {_when(state.first_done_at, now)}", file=out)
    elif state.first_started_at is not None:
        print(
            f"first sync: in progress, {state.first_pages_done} pages of entries stored", file=out
        )
    else:
        print("first sync: not started (run `noko-bot sync`)", file=out)
    counts = store.counts()
    print("rows: " + ", ".join(f"{name} {count}" for name, count in counts.items()), file=out)
    for entry in store.log(limit=20):
        if entry.kind == "webhook":
            continue
        outcome = f"error: {entry.error}" if entry.error else "ok"
        print(
            f"last sync: {entry.kind} {_when(entry.started_at, now)}, {entry.requests} requests, "
            f"{entry.rows_upserted} stored, {entry.rows_deleted} deleted, {outcome}",
            file=out,
        )
        break
    print(f"last successful sync: {_when(state.last_success_at, now)}", file=out)
    print(f"last webhook: {_when(state.last_webhook_at, now)}", file=out)
    print(f"last re-read: {_when(state.last_reread_at, now)}", file=out)
    stamps = [t for t in (state.last_success_at, state.last_webhook_at) if t is not None]
    lag = f"{int((now - max(stamps)).total_seconds())} s" if stamps else "unknown (not synced)"
    print(f"lag: {lag}", file=out)
    hook = f"installed (id {state.webhook_id})" if state.has_secret else "not installed"
    print(f"webhook: {hook}", file=out)


def url_problem(url: str) -> str | None:
    """Why Noko must not be told to deliver to ``url``, or None."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "the public URL must look like https://bot.example.com"
    if parts.scheme == "http" and parts.hostname not in _LOCAL_HOSTS:
        return "the public URL must use https (http is accepted for localhost only)"
    if parts.query or parts.fragment or parts.username or parts.password:
        return "the public URL must not carry a query, a fragment or credentials"
    return None


def payload_uri_of(public_url: str) -> str:
    return public_url.strip().rstrip("/") + WEBHOOK_PATH


class WebhookInstallError(Exception):
    """The webhook could not be installed; the message says why (no secret in it)."""


def register_webhook(store: MirrorStore, noko: NokoClient, public_url: str) -> Webhook:
    """Register the mirror's webhook with Noko for ``public_url`` and store its secret (Noko
    shows it only in this answer). Raises WebhookInstallError, or NokoOutcomeUnknownError when
    Noko's answer was lost (the webhook may exist)."""
    problem = url_problem(public_url)
    if problem is not None:
        raise WebhookInstallError(problem)
    state = store.state()
    if state.has_secret:
        raise WebhookInstallError(
            f"a webhook is already installed (id {state.webhook_id}); "
            "`noko-bot webhooks uninstall` removes it before installing another"
        )
    try:
        hook = noko.create_webhook(
            name=WEBHOOK_NAME, payload_uri=payload_uri_of(public_url), events=list(EVENTS)
        )
    except NokoOutcomeUnknownError:
        raise
    except NokoError as error:
        raise WebhookInstallError(f"Noko refused the webhook: {error}") from None
    secret = str(hook.get("secret") or "")
    if not secret:
        raise WebhookInstallError("Noko's answer carried no webhook secret")
    store.update_state(webhook_id=int(hook["id"]), webhook_secret=secret)
    return hook


def install_webhook(settings: Settings, public_url: str, *, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    problem = url_problem(public_url)
    if problem is not None:
        print(f"noko-bot: {problem}", file=sys.stderr)
        return 2
    repo = open_repository(settings.database_url)
    try:
        noko = make_noko_client(settings)
        hook = register_webhook(MirrorStore(repo.engine), noko, public_url)
    except NokoTokenMissingError as error:
        print(f"noko-bot: {error}", file=sys.stderr)
        return 2
    except WebhookInstallError as error:
        print(f"noko-bot: {error}", file=sys.stderr)
        return 1
    except NokoOutcomeUnknownError:
        print(
            "noko-bot: Noko's answer was lost, so whether the webhook was created is unknown; "
            "look for “" + WEBHOOK_NAME + "” in Noko's webhooks before installing again "
            "(its secret is shown only at creation: delete it there if it exists)",
            file=sys.stderr,
        )
        return 1
    finally:
        repo.close()
    print(
        f"Webhook {hook['id']} installed: Noko delivers to {payload_uri_of(public_url)}.", file=out
    )
    print("Its secret is stored in the database (Noko shows it only once).", file=out)
    return 0


def unregister_webhook(store: MirrorStore, noko: NokoClient) -> int | None:
    """Delete the installed webhook in Noko (already gone counts as deleted) and forget its id
    and secret; the id removed, or None when none was installed. A lost answer raises
    NokoOutcomeUnknownError and keeps both, so the command can be run again."""
    state = store.state()
    if state.webhook_id is None and not state.has_secret:
        return None
    if state.webhook_id is not None:
        with contextlib.suppress(NokoNotFoundError):
            noko.delete_webhook(state.webhook_id)
    store.update_state(webhook_id=None, webhook_secret=None)
    return state.webhook_id


def uninstall_webhook(settings: Settings, *, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    repo = open_repository(settings.database_url)
    try:
        removed = unregister_webhook(MirrorStore(repo.engine), make_noko_client(settings))
    except NokoTokenMissingError as error:
        print(f"noko-bot: {error}", file=sys.stderr)
        return 2
    except NokoOutcomeUnknownError:
        print(
            "noko-bot: Noko's answer was lost, so whether the webhook was deleted is unknown; "
            "the secret is kept: run `noko-bot webhooks uninstall` again",
            file=sys.stderr,
        )
        return 1
    except NokoError as error:
        print(f"noko-bot: Noko refused to delete the webhook: {error}", file=sys.stderr)
        return 1
    finally:
        repo.close()
    if removed is None:
        print("No webhook is installed; nothing to do.", file=out)
    else:
        print(f"Webhook {removed} deleted in Noko; its secret is forgotten.", file=out)
    return 0
