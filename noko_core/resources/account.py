"""The token's own user and account."""

from __future__ import annotations

from noko_core.models import Account, CurrentUser
from noko_core.resources.base import Resource


class AccountMixin(Resource):
    def get_current_user(self) -> CurrentUser:
        """The user who owns the access token."""
        user: CurrentUser = self._send("GET", "current_user")
        return user

    def get_account(self) -> Account:
        """The account the token belongs to."""
        account: Account = self._send("GET", "account")
        return account
