"""Test helpers: a throw-away PostgreSQL schema per test, so parallel suites never collide."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from bot.settings import normalise_database_url


class DatabaseUnavailableError(RuntimeError):
    """The test database URL is set but the server cannot be reached."""


@contextmanager
def temporary_schema(database_url: str) -> Iterator[str]:
    """Yield a URL whose connections use a fresh schema; drop the schema afterwards."""
    url = normalise_database_url(database_url)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        admin.dispose()
        raise DatabaseUnavailableError(str(exc).splitlines()[0]) from exc
    joiner = "&" if "?" in url else "?"
    try:
        yield f"{url}{joiner}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
