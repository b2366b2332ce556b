"""Users: list and read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from noko_core.models import User
from noko_core.params import UserFilterParams, parse, parse_id, to_query
from noko_core.resources.base import Resource


class UsersMixin(Resource):
    def iter_users(self, **kwargs: Any) -> Iterator[User]:
        """Lazily list users; filters ``name``, ``email``, ``role``, ``state``, ``per_page``."""
        params = parse(UserFilterParams, "list_users", kwargs)
        return self._pages("users", to_query(params))

    def list_users(self, **kwargs: Any) -> list[User]:
        """All users; filters ``name``, ``email``, ``role``, ``state``, ``per_page``."""
        return list(self.iter_users(**kwargs))

    def get_single_user(self, user_id: int | str) -> User:
        """One user by id."""
        uid = parse_id("get_single_user", "user_id", user_id)
        user: User = self._send("GET", f"users/{uid}")
        return user
