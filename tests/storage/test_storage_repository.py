"""Repository behaviour on real SQLite and PostgreSQL databases."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import pytest
from sqlalchemy import inspect

from bot.storage import Repository, SubscriptionError, open_repository, upgrade


def _weekly(repo: Repository, **overrides: object):
    fields = dict(
        team_id=7,
        team_name="R&D",
        channel_id="C1",
        cadence="weekly",
        weekday=0,
        local_time="09:00",
        timezone="Europe/Berlin",
        created_by="U1",
    )
    fields.update(overrides)
    return repo.create_subscription(**fields)


def test_open_repository_migrates_all_tables(repo: Repository) -> None:
    tables = set(inspect(repo.engine).get_table_names())
    assert {"audit_log", "digest_subscriptions", "digest_runs", "alembic_version"} <= tables


def test_upgrade_is_idempotent(database_url: str) -> None:
    upgrade(database_url)
    upgrade(database_url)
    repo = open_repository(database_url, migrate=False)
    assert repo.list_subscriptions() == []
    repo.close()


def test_open_repository_accepts_heroku_postgres_url(database_url: str) -> None:
    if not database_url.startswith("postgresql+psycopg://"):
        pytest.skip("only meaningful for PostgreSQL URLs")
    heroku = "postgres://" + database_url.removeprefix("postgresql+psycopg://")
    repo = open_repository(heroku)
    assert repo.engine.dialect.name == "postgresql"
    assert repo.engine.dialect.driver == "psycopg"
    repo.close()


def test_record_audit_lists_newest_first_in_utc(repo: Repository, clock) -> None:
    repo.record_audit(
        slack_user_id="U1",
        action="add",
        team_id=3,
        team_name="Ops",
        noko_user_ids=[5, 6],
        result="ok",
    )
    clock.advance(minutes=1)
    repo.record_audit(
        slack_user_id="U2",
        action="remove",
        team_id=None,
        team_name=None,
        noko_user_ids=[],
        result="denied",
        detail="not an admin",
    )
    newest, oldest = repo.list_audit()
    assert (newest.action, newest.result, newest.detail) == ("remove", "denied", "not an admin")
    assert oldest.noko_user_ids == (5, 6)
    assert oldest.at == dt.datetime(2026, 11, 9, 8, 0, tzinfo=dt.UTC)
    assert len(repo.list_audit(limit=1)) == 1


def test_create_subscription_round_trips(repo: Repository) -> None:
    created = _weekly(repo, options={"top_projects": 5})
    assert repo.get_subscription(created.id) == created
    assert created.options == {"top_projects": 5}
    assert created.time_of_day == dt.time(9, 0)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"cadence": "hourly"}, "cadence"),
        ({"weekday": 7}, "weekday"),
        ({"cadence": "monthly", "day_of_month": 32}, "day_of_month"),
        ({"local_time": "9:00"}, "local_time"),
        ({"timezone": "Mars/Olympus"}, "time zone"),
    ],
)
def test_create_subscription_rejects_invalid_fields(repo, overrides, message) -> None:
    with pytest.raises(SubscriptionError, match=message):
        _weekly(repo, **overrides)
    assert repo.list_subscriptions() == []


def test_list_subscriptions_filters(repo: Repository) -> None:
    a = _weekly(repo)
    b = _weekly(repo, team_id=8, channel_id="C2")
    repo.set_paused(b.id, True)
    assert [s.id for s in repo.list_subscriptions(team_id=8)] == [b.id]
    assert [s.id for s in repo.list_subscriptions(channel_id="C1")] == [a.id]
    assert [s.id for s in repo.list_subscriptions(include_paused=False)] == [a.id]


def test_update_subscription_changes_fields_and_timestamp(repo: Repository, clock) -> None:
    sub = _weekly(repo)
    clock.advance(hours=1)
    changed = repo.update_subscription(sub.id, local_time="10:30", weekday=4)
    assert changed is not None
    assert (changed.local_time, changed.weekday) == ("10:30", 4)
    assert changed.updated_at == sub.updated_at + dt.timedelta(hours=1)
    assert repo.get_subscription(sub.id) == changed


def test_update_subscription_rejects_invalid_change(repo: Repository) -> None:
    sub = _weekly(repo)
    with pytest.raises(SubscriptionError):
        repo.update_subscription(sub.id, cadence="monthly")  # no day_of_month
    with pytest.raises(SubscriptionError):
        repo.update_subscription(sub.id, id=99)  # not a field anyone edits
    assert repo.get_subscription(sub.id) == sub


def test_update_missing_subscription_returns_none(repo: Repository) -> None:
    assert repo.update_subscription(999, paused=True) is None


def test_delete_subscription_cascades_runs(repo: Repository) -> None:
    sub = _weekly(repo)
    repo.claim_run(sub.id, "weekly:2026-W45", late=False)
    assert repo.delete_subscription(sub.id) is True
    assert repo.runs_for(sub.id) == []
    assert repo.delete_subscription(sub.id) is False


def test_claim_run_is_unique_per_period(repo: Repository) -> None:
    sub = _weekly(repo)
    first = repo.claim_run(sub.id, "weekly:2026-W45", late=True)
    assert first is not None and first.state == "claimed" and first.late
    assert repo.claim_run(sub.id, "weekly:2026-W45", late=False) is None
    assert repo.claim_run(sub.id, "weekly:2026-W46", late=False) is not None


def test_claim_run_race_has_one_winner(repo: Repository) -> None:
    sub = _weekly(repo)
    barrier = threading.Barrier(8)
    results: list[object] = []

    def claim() -> None:
        barrier.wait()
        results.append(repo.claim_run(sub.id, "weekly:2026-W45", late=False))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r is not None for r in results) == 1
    assert len(repo.runs_for(sub.id)) == 1


def test_mark_states(repo: Repository, clock) -> None:
    sub = _weekly(repo)
    runs = [repo.claim_run(sub.id, f"k{i}", late=False) for i in range(3)]
    clock.advance(seconds=5)
    repo.mark_posted(runs[0].id, "123.456")
    repo.mark_failed(runs[1].id, "not_in_channel")
    repo.mark_unknown(runs[2].id, "timeout")
    assert repo.mark_missed(sub.id, "k3") is True
    assert repo.mark_missed(sub.id, "k0") is False
    states = {r.period_key: (r.state, r.slack_ts, r.error) for r in repo.runs_for(sub.id)}
    assert states == {
        "k0": ("posted", "123.456", None),
        "k1": ("failed", None, "not_in_channel"),
        "k2": ("unknown", None, "timeout"),
        "k3": ("missed", None, None),
    }
    assert repo.get_run(runs[0].id).finished_at == clock.now


def test_flag_stale_claims_only_touches_old_claims(repo: Repository, clock) -> None:
    sub = _weekly(repo)
    old = repo.claim_run(sub.id, "old", late=False)
    clock.advance(minutes=30)
    fresh = repo.claim_run(sub.id, "fresh", late=False)
    flagged = repo.flag_stale_claims(clock.now - dt.timedelta(minutes=10))
    assert [r.id for r in flagged] == [old.id]
    assert repo.get_run(old.id).state == "unknown"
    assert repo.get_run(fresh.id).state == "claimed"


def test_period_keys_since(repo: Repository, clock) -> None:
    sub = _weekly(repo)
    repo.claim_run(sub.id, "a", late=False)
    clock.advance(days=2)
    repo.mark_missed(sub.id, "b")
    assert repo.period_keys_since(clock.now - dt.timedelta(days=1)) == {sub.id: {"b"}}


def test_records_are_frozen(repo: Repository) -> None:
    sub = _weekly(repo)
    with pytest.raises(dataclasses.FrozenInstanceError):
        sub.paused = True  # type: ignore[misc]


def test_scheduler_lock_has_one_holder(database_url: str) -> None:
    first = open_repository(database_url)
    second = open_repository(database_url, migrate=False)
    try:
        assert first.try_scheduler_lock() is True
        expected_second = first.engine.dialect.name != "postgresql"
        assert second.try_scheduler_lock() is expected_second
        first.release_scheduler_lock()
        assert second.try_scheduler_lock() is True
    finally:
        first.close()
        second.close()


def test_migrations_match_models(repo: Repository) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.storage.models import Base

    with repo.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_migrations_ship_in_the_wheel() -> None:
    import tomllib
    from pathlib import Path, PurePosixPath

    root = Path(__file__).resolve().parents[2]
    globs = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["bot"]
    migrations = root / "bot" / "storage" / "migrations"
    files = [
        p.relative_to(root / "bot").as_posix()
        for p in migrations.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ]
    assert files

    def shipped(name: str) -> bool:  # setuptools globs: "*" stays inside one folder
        path = PurePosixPath(name)
        return any(len(path.parts) == len(PurePosixPath(g).parts) and path.match(g) for g in globs)

    unshipped = [f for f in files if not shipped(f)]
    assert unshipped == []
