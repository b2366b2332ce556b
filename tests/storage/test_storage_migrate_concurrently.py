"""`noko-bot db upgrade` run by several processes at once on a fresh database: all succeed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.exc import OperationalError

from bot.settings import normalise_database_url
from bot.storage.db import make_engine

PROCESSES = 4
TABLES = {"alembic_version", "audit_log", "digest_subscriptions", "digest_runs"}


# `noko-bot db upgrade` (bot.cli.main), imported first and then started together by one byte on
# stdin: a second of import time per process would otherwise spread the starts and hide the race.
LAUNCH = """
import sys
import alembic.command, sqlalchemy, bot.cli, bot.scheduler.cli, bot.storage.migrations
print("imported", flush=True)
sys.stdin.read(1)
raise SystemExit(bot.cli.main(["db", "upgrade"]))
"""


def _upgrade_concurrently(database_url: str) -> list[subprocess.CompletedProcess[str]]:
    env = {**os.environ, "DATABASE_URL": database_url}
    pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    running = [
        subprocess.Popen([sys.executable, "-c", LAUNCH], env=env, text=True, **pipes)
        for _ in range(PROCESSES)
    ]
    for process in running:  # wait until every process has imported and waits on stdin
        assert process.stdout is not None
        assert process.stdout.readline() == "imported\n", process.stderr and process.stderr.read()
    for process in running:
        assert process.stdin is not None
        process.stdin.write("g")
        process.stdin.flush()
    done = [(p, *p.communicate(timeout=120)) for p in running]
    return [subprocess.CompletedProcess(p.args, p.returncode, out, err) for p, out, err in done]


def _assert_all_migrated(database_url: str, results: list[subprocess.CompletedProcess[str]]):
    failures = [r.stderr.strip().splitlines()[-6:] for r in results if r.returncode != 0]
    assert failures == []
    engine = create_engine(normalise_database_url(database_url))
    try:
        assert set(inspect(engine).get_table_names()) >= TABLES
        with engine.connect() as conn:
            assert len(conn.execute(text("SELECT version_num FROM alembic_version")).all()) == 1
    finally:
        engine.dispose()


def test_db_upgrade_in_four_processes_on_a_fresh_sqlite_file(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    _assert_all_migrated(url, _upgrade_concurrently(url))


@contextmanager
def _fresh_database(base_url: str) -> Iterator[str]:
    url = make_url(normalise_database_url(base_url))
    name = f"t_migrate_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL at TEST_DATABASE_URL is unreachable: {exc}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_db_upgrade_in_four_processes_on_a_fresh_postgres_database():
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL to test against")
    with _fresh_database(base) as url:
        _assert_all_migrated(url, _upgrade_concurrently(url))


def test_opening_a_file_that_another_process_is_writing_waits_instead_of_failing(tmp_path: Path):
    """The switch to WAL needs the file to itself, and SQLite refuses it at once (no busy wait)
    while another connection holds a write lock: the race that made one of four `db upgrade`s
    fail now and then. Opening waits for the writer, then the file is in WAL."""
    path = tmp_path / "busy.db"
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    writer.execute("CREATE TABLE t (x INTEGER)")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO t VALUES (1)")
    release = threading.Timer(0.3, lambda: writer.execute("COMMIT"))
    release.start()
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 1
    finally:
        release.join()
        engine.dispose()
        writer.close()
