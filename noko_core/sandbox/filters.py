"""Query-string filters of the list endpoints: strict parsing (400 on junk) and match predicates.

Blank values (`user_ids=`) count as absent. A repeated parameter uses its last value. Unknown
parameters are ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from noko_core.sandbox.dataset import BILLING_INCREMENTS, ROLES, STATES, Entry

Query = dict[str, list[str]]
Predicate = Callable[[Any], bool]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_ID = re.compile(r"\s*[0-9]+\s*")


class QueryError(Exception):
    """A malformed filter value; becomes a 400 Validation Failed on `field`."""

    def __init__(self, field: str, code: str = "invalid") -> None:
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code


def value(query: Query, name: str) -> str | None:
    values = query.get(name)
    if not values or not values[-1].strip():
        return None
    return values[-1]


def ids(query: Query, name: str) -> set[int] | None:
    raw = value(query, name)
    if raw is None:
        return None
    parts = raw.split(",")
    if not all(_ID.fullmatch(part) for part in parts):
        raise QueryError(name)
    return {int(part) for part in parts}


def date(query: Query, name: str) -> dt.date | None:
    raw = value(query, name)
    if raw is None:
        return None
    try:
        if not _DATE.fullmatch(raw):
            raise ValueError(raw)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise QueryError(name) from None


def timestamp(query: Query, name: str) -> dt.datetime | None:
    raw = value(query, name)
    if raw is None:
        return None
    try:
        if not _TIMESTAMP.fullmatch(raw):
            raise ValueError(raw)
        return dt.datetime.strptime(raw, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        raise QueryError(name) from None


def boolean(query: Query, name: str) -> bool | None:
    raw = value(query, name)
    if raw is None:
        return None
    if raw not in ("true", "false"):
        raise QueryError(name)
    return raw == "true"


def choice(query: Query, name: str, choices: tuple[str, ...]) -> str | None:
    raw = value(query, name)
    if raw is not None and raw not in choices:
        raise QueryError(name)
    return raw


def text_in(query: Query, name: str, get: Callable[[Any], str]) -> list[Predicate]:
    """A "contains this text" filter: case-insensitive substring, as Noko's docs describe."""
    needle = value(query, name)
    if needle is None:
        return []
    folded = needle.casefold()
    return [lambda obj: folded in get(obj).casefold()]


def _is(query: Query, name: str, get: Callable[[Any], object]) -> list[Predicate]:
    """A true/false filter."""
    wanted = boolean(query, name)
    return [] if wanted is None else [lambda obj: get(obj) == wanted]


def _one_of(
    query: Query, name: str, allowed: tuple[str, ...], get: Callable[[Any], object]
) -> list[Predicate]:
    wanted = choice(query, name, allowed)
    return [] if wanted is None else [lambda obj: str(get(obj)) == wanted]


def _day(stamp: dt.datetime | None) -> dt.date | None:
    return None if stamp is None else stamp.date()


def _date_range(
    query: Query, low: str, high: str, get: Callable[[Entry], dt.date | None]
) -> list[Predicate]:
    preds: list[Predicate] = []
    start, end = date(query, low), date(query, high)
    if start is not None:
        preds.append(lambda e: (d := get(e)) is not None and d >= start)
    if end is not None:
        preds.append(lambda e: (d := get(e)) is not None and d <= end)
    return preds


def _id_in(query: Query, name: str, get: Callable[[Any], int | None]) -> list[Predicate]:
    wanted = ids(query, name)
    return [] if wanted is None else [lambda obj: get(obj) in wanted]


def entry_predicates(query: Query) -> list[Predicate]:
    """Every entry list filter, combined with AND."""
    preds: list[Predicate] = []
    preds += _id_in(query, "user_ids", lambda e: e.user_id)
    preds += _id_in(query, "project_ids", lambda e: e.project_id)
    preds += _id_in(query, "invoice_ids", lambda e: e.invoice_id)
    preds += _id_in(query, "import_ids", lambda e: e.import_id)
    preds += _id_in(query, "approved_by_ids", lambda e: e.approved_by_id)
    preds += text_in(query, "description", lambda e: e.description)
    preds += _tags(query)
    preds += _date_range(query, "from", "to", lambda e: e.date)
    preds += _date_range(query, "invoiced_at_from", "invoiced_at_to", lambda e: _day(e.invoiced_at))
    preds += _date_range(query, "approved_at_from", "approved_at_to", lambda e: _day(e.approved_at))
    preds += _is(query, "invoiced", lambda e: e.invoice_id is not None)
    preds += _is(query, "billable", lambda e: e.billable)
    updated_from = timestamp(query, "updated_from")
    if updated_from is not None:
        preds.append(lambda e: e.updated_at >= updated_from)
    updated_to = timestamp(query, "updated_to")
    if updated_to is not None:
        preds.append(lambda e: e.updated_at <= updated_to)
    return preds


def _tags(query: Query) -> list[Predicate]:
    mode = choice(query, "tag_filter_type", ("and", "combination of")) or "and"
    tag_ids = ids(query, "tag_ids")
    if tag_ids is None:
        return []
    if mode == "and":
        return [lambda e: tag_ids.issubset(e.tag_ids)]
    return [lambda e: not tag_ids.isdisjoint(e.tag_ids)]


def user_predicates(query: Query) -> list[Predicate]:
    return [
        *text_in(query, "name", lambda u: u.full_name),
        *text_in(query, "email", lambda u: u.email),
        *_one_of(query, "role", ROLES, lambda u: u.role),
        *_one_of(query, "state", STATES, lambda u: u.state),
    ]


def team_predicates(query: Query) -> list[Predicate]:
    preds = text_in(query, "name", lambda t: t.name)
    members = ids(query, "user_ids")
    if members is not None:
        preds.append(lambda t: not members.isdisjoint(t.user_ids))
    return preds


def project_predicates(query: Query) -> list[Predicate]:
    increments = tuple(str(i) for i in BILLING_INCREMENTS)
    return [
        *text_in(query, "name", lambda p: p.name),
        *_id_in(query, "project_group_ids", lambda p: p.group_id),
        *_one_of(query, "billing_increment", increments, lambda p: p.billing_increment),
        *_is(query, "enabled", lambda p: p.enabled),
        *_is(query, "billable", lambda p: p.billable),
    ]


def tag_predicates(query: Query) -> list[Predicate]:
    return [
        *text_in(query, "name", lambda t: t.name),
        *_is(query, "billable", lambda t: t.billable),
    ]
