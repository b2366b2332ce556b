"""Noko's JSON objects turned into mirror rows (plain dicts of column values) and back.

The one place that decides what of Noko's data the database can hold: text PostgreSQL refuses
(NUL, lone surrogates, which SQLite's UTF-8 refuses too) is stored with U+FFFD in its place, and
an object whose ids, numbers or dates no column can hold is refused whole (``RefusedRowError``),
so that the mirror keeps its previous copy and one bad object never stops a sync or a delivery.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from noko_core import SimpleProject, SimpleUser

Row = dict[str, Any]

log = logging.getLogger(__name__)

MAX_ID = 2**63 - 1  # BIGINT (and SQLite's INTEGER)
MAX_NUMBER = 2**31 - 1  # the INTEGER columns that are not ids: minutes, billing increment
SHORT = 32  # role and state: String(32)
COLOR = 16
# NUL, and surrogate code points (json.loads keeps a lone "\ud800"; a pair arrives combined).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class RefusedRowError(ValueError):
    """A Noko object no mirror row can hold as it is (an id, a number or a date out of range)."""


def text(value: object, limit: int | None = None) -> str:
    """Any text Noko sends, storable: unstorable characters become U+FFFD, cut to ``limit``."""
    if isinstance(value, str):
        found = value
    elif value is None:
        found = ""
    elif isinstance(value, int | float):
        found = str(value)
    else:
        raise RefusedRowError(f"{type(value).__name__} where text belongs")
    cleaned = _UNSTORABLE.sub("\ufffd", found)
    return cleaned[:limit] if limit is not None else cleaned


def _optional_text(value: object, limit: int | None = None) -> str | None:
    return None if value is None else text(value, limit)


def noko_id(value: object, what: str = "id") -> int:
    """A Noko id a BIGINT holds (1..2^63-1), else the object is refused."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise RefusedRowError(f"{what} {_shown(value)} is not an id the mirror can hold")
    return value


def listed_ids(objects: Iterable[object]) -> set[int]:
    """The ids a full read listed (whatever their range: a refused object's old copy stays)."""
    found = (obj.get("id") for obj in objects if isinstance(obj, Mapping))
    return {i for i in found if isinstance(i, int) and not isinstance(i, bool)}


def _number(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_NUMBER:
        raise RefusedRowError(f"{what} {_shown(value)} is out of range (0..{MAX_NUMBER})")
    return value


def _optional_number(value: object, what: str) -> int | None:
    return None if value is None else _number(value, what)


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _date(value: object) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RefusedRowError(f"date {_shown(value)} is not a date") from None


def _shown(value: object) -> str:
    """A value for a log line: short, on one line."""
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def timestamp(value: object) -> dt.datetime | None:
    """Noko's ``YYYY-MM-DDTHH:MM:SSZ`` (or any ISO 8601 with a zone) as aware UTC; None if absent
    or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError):  # OverflowError: year 9999 with a zone west of UTC
        return None


# -- builders: one Noko object, its rows (or RefusedRowError) -----------------------------------
def simple_user_row(user: Mapping[str, Any], seen_at: dt.datetime) -> Row:
    return {
        "id": noko_id(user["id"], "user id"),
        "email": text(user.get("email")),
        "first_name": text(user.get("first_name")),
        "last_name": text(user.get("last_name")),
        "profile_image_url": _optional_text(user.get("profile_image_url")),
        "seen_at": seen_at,
    }


def user_row(user: Mapping[str, Any], seen_at: dt.datetime) -> Row:
    return {
        **simple_user_row(user, seen_at),
        "role": _optional_text(user.get("role"), SHORT),
        "state": _optional_text(user.get("state"), SHORT),
        "updated_at": timestamp(user.get("updated_at")),
        "deleted": False,
    }


def simple_project_row(project: Mapping[str, Any], seen_at: dt.datetime) -> Row:
    return {
        "id": noko_id(project["id"], "project id"),
        "name": text(project.get("name")),
        "billing_increment": _optional_number(
            project.get("billing_increment"), "billing increment"
        ),
        "enabled": _flag(project.get("enabled")),
        "billable": _flag(project.get("billable")),
        "color": _optional_text(project.get("color"), COLOR),
        "seen_at": seen_at,
    }


def project_rows(project: Mapping[str, Any], seen_at: dt.datetime) -> tuple[Row, list[Row]]:
    """The project's row and its participants' (simple user) rows."""
    row = {
        **simple_project_row(project, seen_at),
        "updated_at": timestamp(project.get("updated_at")),
        "deleted": False,
    }
    return row, [simple_user_row(u, seen_at) for u in project.get("participants") or []]


def team_rows(team: Mapping[str, Any], seen_at: dt.datetime) -> tuple[Row, list[Row]]:
    """The team's row and its members' (simple user) rows."""
    row = {
        "id": noko_id(team["id"], "team id"),
        "name": text(team.get("name")),
        "updated_at": timestamp(team.get("updated_at")),
        "seen_at": seen_at,
    }
    return row, [simple_user_row(u, seen_at) for u in team.get("users") or []]


def entry_rows(entry: Mapping[str, Any], seen_at: dt.datetime) -> tuple[Row, Row, Row | None]:
    """The entry's row, its user's and its project's (simple) rows."""
    user = simple_user_row(entry["user"], seen_at)
    project = entry.get("project")
    project_row = simple_project_row(project, seen_at) if project else None
    approved_at = timestamp(entry.get("approved_at"))
    row = {
        "id": noko_id(entry["id"], "entry id"),
        "user_id": user["id"],
        "project_id": project_row["id"] if project_row else None,
        "date": _date(entry["date"]),
        "minutes": _number(entry["minutes"], "minutes"),
        "billable": bool(entry["billable"]),
        "approved": approved_at is not None,
        "approved_at": approved_at,
        "description": _optional_text(entry.get("description")),
        "updated_at": timestamp(entry.get("updated_at")),
        "seen_at": seen_at,
    }
    return row, user, project_row


BUILDERS: dict[str, Callable[[Mapping[str, Any], dt.datetime], Any]] = {
    "entry": entry_rows,
    "team": team_rows,
    "user": user_row,
    "project": project_rows,
}


def build(kind: str, obj: Any, seen_at: dt.datetime = _EPOCH) -> Any:
    """The rows of one Noko object of ``kind``; RefusedRowError when no row can hold it
    (missing keys and wrong types included)."""
    try:
        return BUILDERS[kind](obj, seen_at)
    except RefusedRowError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise RefusedRowError(f"unreadable ({type(error).__name__})") from None


def build_each(kind: str, objects: Iterable[Any], seen_at: dt.datetime) -> list[Any]:
    """Each object's rows; an object refused is left out with one log line."""
    built: list[Any] = []
    for obj in objects:
        try:
            built.append(build(kind, obj, seen_at))
        except RefusedRowError as error:
            refused(kind, obj, error)
    return built


def refused(kind: str, obj: object, error: RefusedRowError) -> None:
    ident = obj.get("id") if isinstance(obj, Mapping) else None
    log.warning("mirror refused Noko %s %s: %s", kind, _shown(ident), error)


def stamp(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def simple_user(row: Any) -> SimpleUser:
    user: SimpleUser = {
        "id": row.id,
        "email": row.email,
        "first_name": row.first_name,
        "last_name": row.last_name,
    }
    if row.profile_image_url is not None:
        user["profile_image_url"] = row.profile_image_url
    return user


def simple_project(row: Any) -> SimpleProject:
    project: SimpleProject = {"id": row.id, "name": row.name}
    for key in ("billing_increment", "enabled", "billable", "color"):
        value = getattr(row, key)
        if value is not None:
            project[key] = value  # type: ignore[literal-required,unused-ignore]
    return project
