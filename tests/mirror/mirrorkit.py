"""Helpers of the mirror's tests: a mirror on a fresh database, changes made in the sandbox,
signed webhook deliveries, live reads over the sandbox, and the figures Noko's data sums to."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import replace
from typing import Any

from flask.testing import FlaskClient

from bot.deps import Deps
from bot.mirror import MirrorStore, Syncer, SyncOptions
from bot.scheduler.clock import RunningClock
from bot.services.cache import NokoCache
from bot.services.periods import week_start_from_noko
from bot.services.reads import EntryGroup, Freshness, Span
from bot.settings import Settings
from bot.storage import Repository, open_repository
from bot.web import create_web_app
from noko_core import Entry, NokoClient, Project, Team, User
from noko_core.sandbox import Entry as SandboxEntry
from noko_core.sandbox import Sandbox
from noko_core.webhooks import sign_payload as sign
from tests.days import DEMO_TODAY

SECRET = "whsec-test-0123456789abcdef"
_ids = itertools.count(9_000_000)


def make_deps(noko: NokoClient, repo: Repository, store: MirrorStore) -> Deps:
    """The web app's deps, on the mirror's clock; ``reads`` are live reads of the sandbox."""
    cache = NokoCache(noko)
    return Deps(noko=noko, repo=repo, cache=cache, reads=LiveReads(noko), clock=store.clock)


def web_app(
    database_url: str, noko: NokoClient, clock: Callable[[], dt.datetime] | None = None
) -> tuple[Repository, FlaskClient]:
    """The web app (POST /noko/webhooks) over ``database_url``; close the repository after."""
    settings = Settings(
        _env_file=None,
        slack_bot_token="xoxb-test",
        slack_signing_secret="signing-secret",
        noko_access_token="unused",
        slack_api_url="http://127.0.0.1:9/api/",
        database_url=database_url,
    )
    repo, store = open_mirror(database_url)
    deps = make_deps(noko, repo, store)
    if clock is not None:
        deps.clock = clock
    return repo, create_web_app(settings, deps).test_client()


def open_mirror(database_url: str) -> tuple[Repository, MirrorStore]:
    """The bot's database and its mirror, on one clock running from the evening of the demo
    sandbox's last day, after its data was stamped (up to 20:00): the mirror's window and its
    cursor are counted from it, whatever the machine's date."""
    clock = RunningClock(dt.datetime.combine(DEMO_TODAY, dt.time(21), tzinfo=dt.UTC))
    repo = open_repository(database_url, clock=clock)
    return repo, MirrorStore(repo.engine, clock=clock)


def client(sandbox: Sandbox, *, retries: int = 0) -> NokoClient:
    return NokoClient(
        sandbox.token, base_url=sandbox.base_url, requests_per_second=None, max_retries=retries
    )


def syncer(store: MirrorStore, noko: NokoClient, **options: Any) -> Syncer:
    return Syncer(store, noko, options=SyncOptions(**options))


def entry_requests(sandbox: Sandbox) -> list[Any]:
    return [r for r in sandbox.requests if r.path == "/v2/entries"]


# -- changes in "Noko" (the sandbox's store, under its lock) ----------------------------------
def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _resort(sandbox: Sandbox) -> None:
    store = sandbox.store
    store.entries = sorted(store.entries_by_id.values(), key=lambda e: (e.date, e.id), reverse=True)


def change_entry(sandbox: Sandbox, entry_id: int, **changes: Any) -> SandboxEntry:
    """Edit an entry in Noko (a new object: the dataset's own stay as built for reset)."""
    with sandbox.store.lock:
        entry = replace(sandbox.store.entries_by_id[entry_id], updated_at=_now(), **changes)
        sandbox.store.entries_by_id[entry_id] = entry
        _resort(sandbox)
        return entry


def add_entry(sandbox: Sandbox, user_id: int, day: dt.date, minutes: int) -> SandboxEntry:
    with sandbox.store.lock:
        template = next(iter(sandbox.store.entries_by_id.values()))
        entry = replace(
            template,
            id=next(_ids),
            user_id=user_id,
            date=day,
            minutes=minutes,
            created_at=_now(),
            updated_at=_now(),
            approved_at=None,
            approved_by_id=None,
        )
        sandbox.store.entries_by_id[entry.id] = entry
        _resort(sandbox)
        return entry


def remove_entry(sandbox: Sandbox, entry_id: int) -> None:
    with sandbox.store.lock:
        del sandbox.store.entries_by_id[entry_id]
        _resort(sandbox)


def noko_entry(noko: NokoClient, entry_id: int) -> Entry:
    return noko.get_single_entry(entry_id)


# -- webhook deliveries ------------------------------------------------------------------------
def delivery(
    kind: str,
    obj: dict[str, Any],
    *,
    secret: str = SECRET,
    delivery_id: str | None = None,
    created_at: dt.datetime | None = None,
) -> tuple[bytes, dict[str, str]]:
    """A signed delivery as Noko sends it; ``created_at`` (Noko's, signed) defaults to now."""
    body = json.dumps(
        {
            "webhook": {"id": 1, "name": "mirror"},
            "type": kind,
            "created_at": (created_at or _now()).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "object": obj,
        }
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Noko-Delivery": delivery_id or str(uuid.uuid4()),
        "X-Noko-Signature": sign(secret, body),
        "User-Agent": "Noko-Webhooks",
    }
    return body, headers


# -- expected figures from the sandbox's own entries -------------------------------------------
GroupKey = tuple[int, int | None, bool, bool]


def expected_groups(
    sandbox: Sandbox, user_ids: Collection[int], span: Span
) -> dict[GroupKey, tuple[int, int]]:
    sums: dict[GroupKey, list[int]] = defaultdict(lambda: [0, 0])
    with sandbox.store.lock:
        for e in sandbox.store.entries_by_id.values():
            if e.user_id in user_ids and span.start <= e.date <= span.end:
                key = (e.user_id, e.project_id, e.billable, e.approved_at is not None)
                sums[key][0] += e.minutes
                sums[key][1] += 1
    return {key: (m, n) for key, (m, n) in sums.items()}


def as_dict(groups: Sequence[EntryGroup]) -> dict[GroupKey, tuple[int, int]]:
    return {
        (g.user["id"], g.project["id"] if g.project else None, g.billable, g.approved): (
            g.minutes,
            g.entries,
        )
        for g in groups
    }


class LiveReads:
    """Straight reads of Noko (the sandbox) implementing NokoReads, to test the fallback."""

    def __init__(self, noko: NokoClient) -> None:
        self.noko = noko
        self.changed: list[int] = []
        self.deleted: list[int] = []

    def teams(self) -> list[Team]:
        return self.noko.list_teams()

    def team(self, team_id: int) -> Team:
        return self.noko.get_single_team(team_id)

    def users(self) -> list[User]:
        return self.noko.list_users()

    def projects(self) -> list[Project]:
        return self.noko.list_projects()

    def week_start(self) -> int:
        return week_start_from_noko(self.noko.get_current_user().get("week_start"))

    def entry_groups(
        self, user_ids: Collection[int], spans: Sequence[Span]
    ) -> list[list[EntryGroup]]:
        result = []
        for span in spans:
            sums: dict[GroupKey, list[Any]] = {}
            for e in self.entries(user_ids, span):
                project = e.get("project")
                key = (
                    e["user"]["id"],
                    project["id"] if project else None,
                    e["billable"],
                    e.get("approved_at") is not None,
                )
                row = sums.setdefault(key, [e["user"], project, 0, 0])
                row[2] += e["minutes"]
                row[3] += 1
            result.append([EntryGroup(u, p, k[2], k[3], m, n) for k, (u, p, m, n) in sums.items()])
        return result

    def entries(self, user_ids: Collection[int], span: Span) -> Iterator[Entry]:
        if not user_ids:
            return iter(())
        return self.noko.iter_entries(user_ids=list(user_ids), **{"from": span.start}, to=span.end)

    def freshness(self) -> Freshness:
        return Freshness()

    def team_changed(self, team: Team) -> None:
        self.changed.append(team["id"])

    def team_deleted(self, team_id: int) -> None:
        self.deleted.append(team_id)
