"""Live reads: the NokoReads door over Noko's API, through the short-lived ``NokoCache``.

Teams, users, projects and the week start come from the cache (stale-while-revalidate); one team
is read from Noko itself; time is one entries listing, summed into EntryGroups page by page as it
streams in, so memory does not grow with the number of entries.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence

from bot.services.cache import NokoCache
from bot.services.reads import EntryGroup, Freshness, Span
from noko_core import Entry, NokoClient, Project, SimpleProject, SimpleUser, Team, User

# (user id, project id, billable, approved): what one EntryGroup sums.
GroupKey = tuple[int, int | None, bool, bool]


class LiveReads:
    """NokoReads answered by Noko's API just now (``freshness`` is always live); also
    ``LaggingReads`` (bot.services.lagging), since its lists come from a cache."""

    def __init__(self, noko: NokoClient, cache: NokoCache) -> None:
        self.noko = noko
        self.cache = cache

    def teams(self) -> list[Team]:
        return self.cache.teams()

    def reload_teams(self) -> list[Team]:
        """The team list read again now (a typed name missed: the team may be a minute old)."""
        self.cache.invalidate_teams()
        return self.cache.teams()

    def peek_teams(self, wait: float) -> list[Team] | None:
        return self.cache.peek_teams(wait)

    def peek_users(self, wait: float) -> list[User] | None:
        return self.cache.peek_users(wait)

    def warm_in_background(self) -> None:
        self.cache.warm_in_background()

    def team(self, team_id: int) -> Team:
        return self.noko.get_single_team(team_id)

    def users(self) -> list[User]:
        return self.cache.users()

    def projects(self) -> list[Project]:
        return self.cache.projects()

    def week_start(self) -> int:
        return self.cache.week_start()

    def entry_groups(
        self, user_ids: Collection[int], spans: Sequence[Span]
    ) -> list[list[EntryGroup]]:
        if not user_ids or not spans:
            return [[] for _ in spans]
        start = min(span.start for span in spans)
        end = max(span.end for span in spans)
        entries = self.noko.iter_entries(user_ids=sorted(set(user_ids)), from_=start, to=end)
        return group_entries(entries, user_ids, spans)

    def entries(self, user_ids: Collection[int], span: Span) -> Iterator[Entry]:
        if not user_ids:
            return
        wanted = set(user_ids)
        first, last = span.start.isoformat(), span.end.isoformat()
        listing = self.noko.iter_entries(user_ids=sorted(wanted), from_=span.start, to=span.end)
        for entry in listing:
            if entry["user"]["id"] in wanted and first <= str(entry.get("date", "")) <= last:
                yield entry

    def freshness(self) -> Freshness:
        return Freshness(None)

    def team_changed(self, team: Team) -> None:
        self.cache.team_changed(team)

    def team_deleted(self, team_id: int) -> None:
        self.cache.team_deleted(team_id)


class _Sums:
    """One span's running groups: minutes and entry counts per GroupKey."""

    def __init__(self, span: Span) -> None:
        self.first, self.last = span.start.isoformat(), span.end.isoformat()
        self.counts: dict[GroupKey, list[int]] = {}


def group_entries(
    entries: Iterable[Entry], user_ids: Collection[int], spans: Sequence[Span]
) -> list[list[EntryGroup]]:
    """Fold ``entries`` (read once, never kept) into each span's groups; entries of other users
    or outside every span are skipped."""
    wanted = set(user_ids)
    sums = [_Sums(span) for span in spans]
    users: dict[int, SimpleUser] = {}
    projects: dict[int, SimpleProject] = {}
    for entry in entries:
        user = entry["user"]
        if user["id"] not in wanted:
            continue
        date = str(entry.get("date", ""))
        project = entry.get("project")
        key = (user["id"], project["id"] if project else None, bool(entry.get("billable")),
               bool(entry.get("approved_at")))  # fmt: skip
        for span in sums:
            if span.first <= date <= span.last:
                counts = span.counts.get(key)
                if counts is None:
                    counts = span.counts[key] = [0, 0]
                    users.setdefault(user["id"], user)
                    if project:
                        projects.setdefault(project["id"], project)
                counts[0] += entry["minutes"] or 0
                counts[1] += 1
    return [
        [
            EntryGroup(
                user=users[uid],
                project=projects[pid] if pid is not None else None,
                billable=billable,
                approved=approved,
                minutes=minutes,
                entries=count,
            )
            for (uid, pid, billable, approved), (minutes, count) in span.counts.items()
        ]
        for span in sums
    ]
