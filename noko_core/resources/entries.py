"""Entries: list (with every filter) and read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from noko_core.models import Entry
from noko_core.params import EntryFilterParams, parse, parse_id, to_query
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
