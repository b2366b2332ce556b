"""Whose time a person may read: the one rule, after Noko's permission levels.

Noko's levels (help article "Setting permissions"): supervisors and leaders see everyone's time;
coworkers see their own time and the time logged in the projects they are assigned to (a project's
``participants``); contractors see only their own time. A Slack user maps to a Noko user by
e-mail; one with no active Noko user sees no time. ``READ_ACCESS=everyone`` opens reading to every
Slack user (small, trusting teams).

Team names and membership are not time: anyone with an active Noko user may read them, and so may
anyone allowed to change teams (they need to see what they change). A Slack user with neither sees
team names and member counts only (``list``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.errors import NotAllowedError
from bot.services.authz import MANAGER_ROLES
from bot.services.people import Directory, SlackProfile, user_by_email
from bot.services.reads import EntryGroup, NokoReads
from noko_core import Entry, Project, User

ReadAccess = Literal["noko", "everyone"]
Level = Literal["all", "projects", "own", "none"]

# Wider first: a subscription pauses when its creator's level falls below the one it was made with.
LEVELS: tuple[Level, ...] = ("all", "projects", "own", "none")
# Noko's roles, least to most (a supervisor also manages the account).
ROLES: tuple[str, ...] = ("contractor", "coworker", "leader", "supervisor")


def role_raised(before: str | None, after: str | None) -> bool:
    """Whether ``after`` is a higher Noko role than ``before`` (none or an unknown one: lowest)."""

    def rank(role: str | None) -> int:
        return ROLES.index(role) if role in ROLES else -1

    return rank(after) > rank(before)


class NotVisibleError(NotAllowedError):
    """The caller may not read what they asked for; the message says why (audited "denied"
    when it stops a change, such as a subscription that would post nothing)."""

    def __init__(self, user_message: str, reason: str | None = None) -> None:
        super().__init__(user_message, reason or user_message)


@dataclass(frozen=True)
class Sight:
    """What one person may read. ``why`` names the level ("Noko coworker") or, with no level,
    says why in words that fit after "I can't show you anyone's time:"."""

    level: Level
    why: str
    user_id: int | None = None
    project_ids: frozenset[int] = frozenset()
    # Slack couldn't answer who this is (a passing failure): "none" for now, not for good.
    unknown: bool = False

    @property
    def complete(self) -> bool:
        """Sees every entry: nothing is ever withheld."""
        return self.level == "all"

    def sees(self, group: EntryGroup) -> bool:
        """Whether this person may read a group of entries (all one user's, in one project)."""
        return self.sees_time(group.user["id"], group.project["id"] if group.project else None)

    def sees_entry(self, entry: Entry) -> bool:
        """Whether this person may read one entry (one person's details)."""
        project = entry.get("project")
        return self.sees_time(entry["user"]["id"], project["id"] if project else None)

    def sees_time(self, user_id: int, project_id: int | None) -> bool:
        """The rule: time logged by ``user_id`` in ``project_id`` (None: no project)."""
        if self.level == "all":
            return True
        if self.user_id is not None and user_id == self.user_id:
            return True
        return (
            self.level == "projects" and project_id is not None and project_id in self.project_ids
        )

    def narrower_than(self, level: str | None) -> bool:
        """Sees less than ``level`` (None: a subscription made before levels were recorded,
        when reading was open to all)."""
        recorded = level if level in LEVELS else "all"
        return LEVELS.index(self.level) > LEVELS.index(recorded)

    def require_time(self) -> None:
        """Raise NotVisibleError when this person may see no time at all."""
        if self.level == "none":
            raise NotVisibleError(f"I can't show you anyone's time: {self.why}.")


EVERYONE = Sight("all", "reading is open to everyone (READ_ACCESS=everyone)")


def sight_of(
    profile: SlackProfile | None,
    users: Sequence[User],
    projects: Callable[[], Iterable[Project]],
) -> Sight:
    """The Sight of a Slack user, from their Slack profile and Noko's users; ``projects`` is
    called only for a coworker (whose sight is their assigned projects)."""
    if profile is None:
        return Sight("none", "Slack didn't tell me who that is", unknown=True)
    if profile.deleted:
        return Sight("none", "no longer in this Slack workspace")
    user = user_by_email(users, profile.email)
    if user is None:
        return Sight("none", "no Noko user has that Slack e-mail address")
    if user.get("state") != "active":
        return Sight("none", f"that Noko user is {user.get('state') or 'not active'}")
    role = str(user.get("role") or "")
    if role in MANAGER_ROLES:
        return Sight("all", f"Noko {role}", user["id"])
    if role == "coworker":
        assigned = frozenset(
            p["id"]
            for p in projects()
            if any(member["id"] == user["id"] for member in p.get("participants") or ())
        )
        return Sight("projects", "Noko coworker", user["id"], assigned)
    if role == "contractor":
        return Sight("own", "Noko contractor", user["id"])
    return Sight("none", f"the Noko role “{role}” is not one I know")


@dataclass(frozen=True)
class Reader:
    """Looks up Sights for Slack users: through the reads (users and projects), so a role or
    assignment change in Noko takes effect as soon as they know it."""

    reads: NokoReads
    directory: Directory
    read_access: ReadAccess = "noko"

    def sight(self, slack_user_id: str) -> Sight:
        if self.read_access == "everyone":
            return EVERYONE
        profile = self.directory.profile(slack_user_id)
        if profile is None or profile.deleted or not profile.email:
            return sight_of(profile, [], list)
        return sight_of(profile, self.reads.users(), self.reads.projects)


@dataclass
class Withheld:
    """What a Sight left out of a summary, counted so the reply can say so."""

    entries: int = 0
    minutes: int = 0
    projects: set[int | None] = field(default_factory=set)
    people: set[int] = field(default_factory=set)

    def count(self, group: EntryGroup) -> None:
        self.entries += group.entries
        self.minutes += group.minutes
        self.projects.add(group.project["id"] if group.project else None)
        self.people.add(group.user["id"])


def withheld_note(sight: Sight, withheld: Withheld, viewer: str | None = None) -> str | None:
    """One sentence saying whose view this is and what it left out, or None when nothing could
    have been. ``viewer``: the Slack user whose view a channel reads (the sentence names them,
    "As @carl can see it in Noko"); None when the reply goes to that person alone ("You see…")."""
    if sight.complete:
        return None
    level = sight.why.removeprefix("Noko ")
    if viewer is None:
        head = f"You see what Noko shows a {level}"
    else:
        head = f"As <@{viewer}> can see it in Noko (a {level})"
    parts: list[str] = []
    if sight.level == "projects":
        named = sorted(p for p in withheld.projects if p is not None)
        if named:
            count = len(named)
            whose = "you aren't" if viewer is None else "they aren't"
            parts.append(
                f"{count} project{'s' if count != 1 else ''} {whose} assigned to "
                f"{'are' if count != 1 else 'is'} not shown"
            )
        if None in withheld.projects:
            parts.append("other people's time without a project is not shown")
    elif withheld.people:
        count = len(withheld.people)
        parts.append(
            f"the time of {count} other {'people' if count != 1 else 'person'} is not shown"
        )
    parts.append("who logged no time is not shown")
    return f"{head}: {'; '.join(parts)}."


def partial_mark(sight: Sight, user_id: int, viewer: str | None = None) -> str:
    """What follows a member's hours when they may be only part of that member's time (a
    coworker reads others' time in their own projects only): " (only projects @carl can see)"
    for a channel reading ``viewer``'s view, " (only projects you can see)" for them alone."""
    if sight.level != "projects" or user_id == sight.user_id:
        return ""
    return f" (only projects {'you' if viewer is None else f'<@{viewer}>'} can see)"
