"""Tags: list and read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from noko_core.models import Tag
from noko_core.params import TagFilterParams, parse, parse_id, to_query
from noko_core.resources.base import Resource


class TagsMixin(Resource):
    def iter_tags(self, **kwargs: Any) -> Iterator[Tag]:
        """Lazily list tags; filters ``name``, ``billable``, ``per_page``."""
        params = parse(TagFilterParams, "list_tags", kwargs)
        return self._pages("tags", to_query(params))

    def list_tags(self, **kwargs: Any) -> list[Tag]:
        """All tags; filters ``name``, ``billable``, ``per_page``."""
        return list(self.iter_tags(**kwargs))

    def get_single_tag(self, tag_id: int | str) -> Tag:
        """One tag by id."""
        tid = parse_id("get_single_tag", "tag_id", tag_id)
        tag: Tag = self._send("GET", f"tags/{tid}")
        return tag
