"""The entry write endpoints (Noko API docs, "Entries"): create, edit, delete.

Rules the docs give: `date` and `minutes` are required on create; `user_id` defaults to the
token's user; `project_id` wins over `project_name`, and a missing named project is created;
`#hashtags` in the description become tags (created when missing); minutes are rounded up to the
project's billing increment; approved entries cannot be edited or deleted (`approved_and_locked`),
invoiced ones cannot be deleted (`invoiced`), nor entries of archived projects (`archived_project`).

Choices where the docs are silent (UNCONFIRMED on the real API):
- `minutes` must be a positive JSON integer and `date` a `YYYY-MM-DD` string, else `invalid`;
  `user_id`/`project_id` must be JSON integers (`invalid`) of existing records (`missing`).
- An edit with JSON `null` for a key leaves that key alone; an edit that changes nothing keeps
  `updated_at` and sends no event; an edit that changes the project re-rounds the minutes to
  the new project's increment. Invoiced entries cannot be edited
  either (`invoiced`), and no entry may be logged to an archived project (`archived_project`).
- An entry without a project is not billable; otherwise it is billable when its project is and
  none of its tags is unbillable (the rule the demo data follows).
- Every write sets `updated_at` to the current second (UTC; see `Store.now`) and emits
  `entry.created`, `entry.updated` (with `changes`) or `entry.deleted` (the entry as it was) to
  the webhooks, after `project.created`/`tag.created` for a project or tags it created.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any

from noko_core.sandbox.context import Call
from noko_core.sandbox.dataset import Entry
from noko_core.sandbox.endpoints import entry_of
from noko_core.sandbox.events import changes
from noko_core.sandbox.responses import ApiError, Response, json_response, no_content
from noko_core.sandbox.responses import validation_failed as failed
from noko_core.sandbox.store import Store

Errors = list[tuple[str, str]]
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _is_int(raw: object) -> bool:
    return isinstance(raw, int) and not isinstance(raw, bool)


def _date(raw: object, errors: Errors) -> dt.date | None:
    if isinstance(raw, str) and _DATE.fullmatch(raw):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    errors.append(("date", "invalid"))
    return None


def _minutes(raw: object, errors: Errors) -> int | None:
    if _is_int(raw) and isinstance(raw, int) and raw > 0:
        return raw
    errors.append(("minutes", "invalid"))
    return None


def _record_id(raw: object, table: dict[int, Any], field: str, errors: Errors) -> int | None:
    if not _is_int(raw) or not isinstance(raw, int):
        errors.append((field, "invalid"))
    elif raw not in table:
        errors.append((field, "missing"))
    else:
        return raw
    return None


def _text(raw: object, field: str, errors: Errors) -> str | None:
    if isinstance(raw, str):
        return raw
    errors.append((field, "invalid"))
    return None


def _fields(call: Call, *, creating: bool) -> tuple[dict[str, Any], Errors]:
    """The body's keys, checked and converted (absent or null keys are left out)."""
    body, store, errors = call.body, call.store, []
    given = {k: v for k, v in body.items() if v is not None}
    out: dict[str, Any] = {}
    for required in ("date", "minutes"):
        if creating and required not in given:
            errors.append((required, "missing_field"))
    if "date" in given:
        out["date"] = _date(given["date"], errors)
    if "minutes" in given:
        out["minutes"] = _minutes(given["minutes"], errors)
    if "user_id" in given:
        out["user_id"] = _record_id(given["user_id"], store.users, "user_id", errors)
    if "project_id" in given:
        out["project_id"] = _record_id(given["project_id"], store.projects, "project_id", errors)
    elif "project_name" in given:
        name = _text(given["project_name"], "project_name", errors)
        if name is not None and not name.strip():
            errors.append(("project_name", "missing_field"))
        out["project_name"] = name
    for key in ("description", "source_url"):
        if key in given:
            out[key] = _text(given[key], key, errors)
    return out, errors


def _check(errors: Errors) -> None:
    if errors:
        raise ApiError(failed("Entry", errors))


def _round_up(minutes: int, increment: int) -> int:
    return -(-minutes // increment) * increment


def _publish_created(call: Call, projects: set[int], tags: set[int]) -> None:
    """Webhook events for the projects and tags a write created (ids not in the given sets)."""
    for pid in sorted(set(call.store.projects) - projects):
        call.events.publish("project.created", call.shapes.project(call.store.projects[pid]), {})
    for tid in sorted(set(call.store.tags) - tags):
        call.events.publish("tag.created", call.shapes.tag(call.store.tags[tid]), {})


def _settle(store: Store, entry: Entry) -> Entry:
    """Derived fields: project (from a name), rounded minutes, tags, billable, archived check."""
    project = None if entry.project_id is None else store.projects[entry.project_id]
    if project is not None and not project.enabled:
        raise ApiError(failed("Entry", [("project_id", "archived_project")]))
    increment = project.billing_increment if project is not None else 1
    tag_ids = store.hashtag_ids(entry.description)
    unbillable = any(not store.tags[t].billable for t in tag_ids)
    billable = project is not None and project.billable and not unbillable
    minutes = _round_up(entry.minutes, increment)
    return replace(entry, minutes=minutes, tag_ids=tag_ids, billable=billable)


def _project_id(store: Store, fields: dict[str, Any]) -> int | None:
    if "project_id" in fields:
        pid: int | None = fields["project_id"]
        return pid
    name = fields.get("project_name")
    return None if name is None else store.project_named(name).id


def _locked(entry: Entry) -> None:
    if entry.approved_at is not None:
        raise ApiError(failed("Entry", [("base", "approved_and_locked")]))
    if entry.invoice_id is not None:
        raise ApiError(failed("Entry", [("base", "invoiced")]))


def create_entry(call: Call) -> Response:
    fields, errors = _fields(call, creating=True)
    _check(errors)
    store = call.store
    known = (set(store.projects), set(store.tags))
    stamp = store.now()
    draft = Entry(
        id=0,
        date=fields["date"],
        user_id=fields.get("user_id") or store.current_user_id,
        minutes=fields["minutes"],
        description=fields.get("description") or "",
        project_id=_project_id(store, fields),
        tag_ids=(),
        billable=False,
        created_at=stamp,
        updated_at=stamp,
        source_url=fields.get("source_url"),
    )
    entry = store.add_entry(_settle(store, draft))
    shaped = call.shapes.entry(entry)
    _publish_created(call, *known)
    call.events.publish("entry.created", shaped, {})
    location = f"{call.base_url}/entries/{entry.id}"
    return json_response(201, shaped, [("Location", location)])


def edit_entry(call: Call) -> Response:
    old = entry_of(call)
    fields, errors = _fields(call, creating=False)
    _check(errors)
    _locked(old)
    store = call.store
    known = (set(store.projects), set(store.tags))
    updates: dict[str, Any] = {
        k: fields[k] for k in ("date", "minutes", "user_id", "description", "source_url")
        if k in fields
    }  # fmt: skip
    if "project_id" in fields or "project_name" in fields:
        updates["project_id"] = _project_id(store, fields)
    new = _settle(store, replace(old, **updates))
    before = call.shapes.entry(old)
    _publish_created(call, *known)
    if new == old:
        return json_response(200, before)  # nothing changed: no new stamp, no event
    new.updated_at = store.now()
    store.replace_entry(old, new)
    after = call.shapes.entry(new)
    call.events.publish("entry.updated", after, changes(before, after))
    return json_response(200, after)


def delete_entry(call: Call) -> Response:
    entry = entry_of(call)
    _locked(entry)
    project = None if entry.project_id is None else call.store.projects[entry.project_id]
    if project is not None and not project.enabled:
        raise ApiError(failed("Entry", [("base", "archived_project")]))
    shaped = call.shapes.entry(entry)
    call.store.remove_entry(entry)
    call.events.publish("entry.deleted", shaped, {})
    return no_content()
