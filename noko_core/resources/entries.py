"""Entries: list (with every filter), read, create, edit and delete."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from noko_core.models import Entry
from noko_core.params import (
    EntryCreateParams,
    EntryEditParams,
    EntryFilterParams,
    exclusive,
    parse,
    parse_id,
    require_some,
    to_body,
    to_query,
)
from noko_core.resources.base import Resource


class EntriesMixin(Resource):
    def iter_entries(self, **kwargs: Any) -> Iterator[Entry]:
        """Lazily list entries, most recent date first.

        Filters: ``user_ids``, ``project_ids``, ``tag_ids``, ``invoice_ids``, ``import_ids``,
        ``approved_by_ids`` (an int, a comma string or a list); ``description``;
        ``tag_filter_type`` ("and" | "combination of"); ``from`` (or ``from_``), ``to``,
        ``invoiced_at_from/to``, ``approved_at_from/to`` (date, datetime or "YYYY-MM-DD");
        ``updated_from/to`` (timestamps: aware datetimes are converted to UTC, naive ones and
        zone-less strings are taken as UTC); ``invoiced``, ``billable`` (bool or "true"/"false");
        ``per_page`` (1..1000, default 1000).
        """
        params = parse(EntryFilterParams, "list_entries", kwargs)
        return self._pages("entries", to_query(params))

    def list_entries(self, **kwargs: Any) -> list[Entry]:
        """All entries matching the filters described in ``iter_entries``."""
        return list(self.iter_entries(**kwargs))

    def get_single_entry(self, entry_id: int | str) -> Entry:
        """One entry by id."""
        eid = parse_id("get_single_entry", "entry_id", entry_id)
        entry: Entry = self._send("GET", f"entries/{eid}")
        return entry

    def create_entry(
        self,
        date: dt.date | str,
        minutes: int | str,
        user_id: int | str | None = None,
        project_id: int | str | None = None,
        project_name: str | None = None,
        description: str | None = None,
        source_url: str | None = None,
    ) -> Entry:
        """Log time; returns the new entry.

        ``date`` is a date or "YYYY-MM-DD"; ``minutes`` a positive int (Noko rounds it up to the
        project's billing increment); ``user_id`` defaults to the token's user; ``project_id``
        or ``project_name`` (Noko creates a missing named project), not both; ``#hashtags`` in
        ``description`` become tags; ``source_url`` an absolute http(s) URL.
        """
        values = {
            "date": date, "minutes": minutes, "user_id": user_id, "project_id": project_id,
            "project_name": project_name, "description": description, "source_url": source_url,
        }  # fmt: skip
        params = parse(EntryCreateParams, "create_entry", values)
        exclusive("create_entry", params, "project_id", "project_name")
        entry: Entry = self._send("POST", "entries", body=to_body(params))
        return entry

    def edit_entry(
        self,
        entry_id: int | str,
        *,
        date: dt.date | str | None = None,
        minutes: int | str | None = None,
        user_id: int | str | None = None,
        project_id: int | str | None = None,
        project_name: str | None = None,
        description: str | None = None,
        source_url: str | None = None,
    ) -> Entry:
        """Change an entry; ``create_entry``'s keys, each optional (None: leave as is), at
        least one. Noko refuses approved entries (``approved_and_locked``)."""
        eid = parse_id("edit_entry", "entry_id", entry_id)
        values = {
            "date": date, "minutes": minutes, "user_id": user_id, "project_id": project_id,
            "project_name": project_name, "description": description, "source_url": source_url,
        }  # fmt: skip
        params = parse(EntryEditParams, "edit_entry", values)
        require_some("edit_entry", params, list(values))
        exclusive("edit_entry", params, "project_id", "project_name")
        entry: Entry = self._send("PUT", f"entries/{eid}", body=to_body(params))
        return entry

    def delete_entry(self, entry_id: int | str) -> None:
        """Delete an entry (Noko refuses approved or invoiced ones)."""
        eid = parse_id("delete_entry", "entry_id", entry_id)
        self._send("DELETE", f"entries/{eid}")
