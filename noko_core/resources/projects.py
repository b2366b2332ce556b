"""Projects: list and read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from noko_core.models import Project
from noko_core.params import ProjectFilterParams, parse, parse_id, to_query
from noko_core.resources.base import Resource


class ProjectsMixin(Resource):
    def iter_projects(self, **kwargs: Any) -> Iterator[Project]:
        """Lazily list projects; filters ``name``, ``project_group_ids``, ``billing_increment``,
        ``enabled``, ``billable``, ``per_page``."""
        params = parse(ProjectFilterParams, "list_projects", kwargs)
        return self._pages("projects", to_query(params))

    def list_projects(self, **kwargs: Any) -> list[Project]:
        """All projects matching the filters described in ``iter_projects``."""
        return list(self.iter_projects(**kwargs))

    def get_single_project(self, project_id: int | str) -> Project:
        """One project by id."""
        pid = parse_id("get_single_project", "project_id", project_id)
        project: Project = self._send("GET", f"projects/{pid}")
        return project
