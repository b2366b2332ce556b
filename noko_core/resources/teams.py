"""Teams: the seed's ten methods, plus lazy iter_* twins of its listings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from noko_core.models import Entry, Team, User
from noko_core.params import (
    EntryFilterParams,
    TeamCreateParams,
    TeamEditParams,
    TeamListParams,
    UserFilterParams,
    UserIdsParams,
    parse,
    parse_id,
    to_body,
    to_query,
)
from noko_core.resources.base import Resource


class TeamsMixin(Resource):
    def iter_teams(self, **kwargs: Any) -> Iterator[Team]:
        """Lazily list teams; filters ``name``, ``user_ids``, ``per_page`` (default 1000)."""
        params = parse(TeamListParams, "list_teams", kwargs)
        return self._pages("teams", to_query(params))

    def list_teams(self, **kwargs: Any) -> list[Team]:
        """All teams (every page); filters ``name``, ``user_ids``, ``per_page``."""
        return list(self.iter_teams(**kwargs))

    def create_team(self, **kwargs: Any) -> Team:
        """Create a team from ``name`` (required) and ``user_ids`` (default: none); returns it."""
        params = parse(TeamCreateParams, "create_team", kwargs)
        team: Team = self._send("POST", "teams", body=to_body(params))
        return team

    def get_single_team(self, team_id: int | str) -> Team:
        """One team by id."""
        tid = parse_id("get_single_team", "team_id", team_id)
        team: Team = self._send("GET", f"teams/{tid}")
        return team

    def edit_team(self, team_id: int | str, name: str) -> Team:
        """Rename a team; returns the edited team."""
        tid = parse_id("edit_team", "team_id", team_id)
        params = parse(TeamEditParams, "edit_team", {"name": name})
        team: Team = self._send("PUT", f"teams/{tid}", body=to_body(params))
        return team

    def delete_team(self, team_id: int | str) -> None:
        """Delete a team (its users are not deleted)."""
        tid = parse_id("delete_team", "team_id", team_id)
        self._send("DELETE", f"teams/{tid}")

    def iter_entries_for_users_in_team(self, team_id: int | str, **kwargs: Any) -> Iterator[Entry]:
        """Lazily list a team's entries; takes every entry filter (see ``list_entries``)."""
        method = "get_entries_for_users_in_team"
        tid = parse_id(method, "team_id", team_id)
        params = parse(EntryFilterParams, method, kwargs)
        return self._pages(f"teams/{tid}/entries", to_query(params))

    def get_entries_for_users_in_team(self, team_id: int | str, **kwargs: Any) -> list[Entry]:
        """All entries of a team's users; takes every entry filter (see ``list_entries``)."""
        return list(self.iter_entries_for_users_in_team(team_id, **kwargs))

    def iter_users_in_team(self, team_id: int | str, **kwargs: Any) -> Iterator[User]:
        """Lazily list a team's users; filters ``name``, ``email``, ``role``, ``state``."""
        tid = parse_id("get_users_in_team", "team_id", team_id)
        params = parse(UserFilterParams, "get_users_in_team", kwargs)
        return self._pages(f"teams/{tid}/users", to_query(params))

    def get_users_in_team(self, team_id: int | str, **kwargs: Any) -> list[User]:
        """All users of a team; filters ``name``, ``email``, ``role``, ``state``, ``per_page``."""
        return list(self.iter_users_in_team(team_id, **kwargs))

    def add_users_to_team(self, team_id: int | str, user_ids: Any) -> list[User]:
        """Add users (ids as int, comma string or list); returns the users Noko lists back."""
        tid = parse_id("add_users_to_team", "team_id", team_id)
        params = parse(UserIdsParams, "add_users_to_team", {"user_ids": user_ids})
        users: list[User] = self._send("POST", f"teams/{tid}/add_users", body=to_body(params))
        return users

    def remove_users_from_team(self, team_id: int | str, user_ids: Any) -> None:
        """Remove users (ids as int, comma string or list) from a team."""
        tid = parse_id("remove_users_from_team", "team_id", team_id)
        params = parse(UserIdsParams, "remove_users_from_team", {"user_ids": user_ids})
        self._send("PUT", f"teams/{tid}/remove_users", body=to_body(params))

    def remove_all_users_from_team(self, team_id: int | str) -> None:
        """Remove every user from a team (sent without a body)."""
        tid = parse_id("remove_all_users_from_team", "team_id", team_id)
        self._send("PUT", f"teams/{tid}/remove_all_users")
