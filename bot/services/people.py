"""Mapping what users type (mentions, e-mails, ids) to Noko users, and naming people."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.errors import readable, safe
from bot.services.command_text import email_of, mention_user_id
from bot.services.numbers import parse_id
from noko_core import User


@dataclass(frozen=True)
class SlackProfile:
    """What the bot needs to know about a Slack user (from users.info)."""

    user_id: str
    name: str = ""
    email: str | None = None
    is_admin: bool = False
    is_owner: bool = False
    deleted: bool = False  # no longer in the workspace (users.info ``deleted``)


@dataclass(frozen=True)
class ChannelAccess:
    """Whether the bot can post in a channel (conversations.info): ``found`` False when Slack
    hides it from the bot (a private channel or a DM without it)."""

    found: bool
    is_im: bool = False
    is_private: bool = False
    bot_member: bool = False


class Directory(Protocol):
    """Looks Slack users up; the Slack implementation is ``bot.slack.directory``."""

    def profile(self, user_id: str) -> SlackProfile | None: ...

    def timezone(self, user_id: str) -> str:
        """The user's IANA time zone ("UTC" when unknown)."""
        ...

    def channel_member(self, channel_id: str, user_id: str) -> bool | None:
        """Whether the user is in the channel; None when Slack shows the bot no member list."""
        ...

    def channel_access(self, channel_id: str) -> ChannelAccess:
        """What kind of conversation ``channel_id`` is and whether the bot is in it."""
        ...


@dataclass
class MemberResolution:
    """The Noko users found, and one line per word that could not be mapped."""

    users: list[User] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add(self, user: User) -> None:
        if all(u["id"] != user["id"] for u in self.users):
            self.users.append(user)


def display_name(user: Mapping[str, object]) -> str:
    """A Noko user's full name, else their e-mail, else "User <id>"."""
    name = f"{user.get('first_name') or ''} {user.get('last_name') or ''}".strip()
    return name or str(user.get("email") or f"User {user.get('id')}")


def not_active(users: Iterable[Mapping[str, object]]) -> dict[int, str]:
    """Noko users who can't log time, by id, with the state Noko lists them in: pending
    (invited, never joined), suspended or disabled. They are never "no time logged"."""
    return {
        int(str(u["id"])): str(u.get("state") or "")
        for u in users
        if u.get("state") and u.get("state") != "active"
    }


def names_of(users: Iterable[Mapping[str, object]]) -> str:
    return ", ".join(display_name(u) for u in users) or "nobody"


def user_by_email(users: Sequence[User], email: str | None) -> User | None:
    if not email:
        return None
    wanted = email.strip().lower()
    return next((u for u in users if str(u.get("email") or "").lower() == wanted), None)


def resolve_members(
    words: Sequence[str], noko_users: Sequence[User], directory: Directory
) -> MemberResolution:
    """Map every word; a word that cannot be mapped is reported, never dropped silently."""
    result = MemberResolution()
    by_id = {u["id"]: u for u in noko_users}
    for word in words:
        user, problem = _resolve_one(word, by_id, noko_users, directory)
        if user is not None:
            result.add(user)
        else:
            result.problems.append(problem)
    return result


def _resolve_one(
    word: str,
    by_id: dict[int, User],
    noko_users: Sequence[User],
    directory: Directory,
) -> tuple[User | None, str]:
    slack_id = mention_user_id(word)
    if slack_id:
        profile = directory.profile(slack_id)
        shown = safe(_mention_shown(word, profile))
        if profile is None or not profile.email:
            return None, f"{shown} (Slack shows me no e-mail address for them)"
        user = user_by_email(noko_users, profile.email)
        return user, f"{shown} (no Noko user has the e-mail {safe(profile.email)})"
    email = email_of(word)
    if email:
        return user_by_email(noko_users, email), f"{safe(email)} (no Noko user has this e-mail)"
    user_id = parse_id(word)
    if user_id is not None:
        return by_id.get(user_id), f"`{word}` (no Noko user has this id)"
    return (
        None,
        f"`{safe(readable(word[:80]))}` (not a Slack mention, e-mail address or Noko user id)",
    )


def _mention_shown(word: str, profile: SlackProfile | None) -> str:
    """A mention from a command as the person saw it ("@wen"), never a live mention: echoing
    ``<@U…>`` would notify whoever typed text can name. Slack's label first, else the profile."""
    if "|" not in word and profile is not None and profile.name and not profile.deleted:
        return "@" + profile.name
    return readable(word)
