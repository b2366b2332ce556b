"""Deterministic demo data for the sandbox: `build_dataset()` (same seed and today, same data).

Sizes: every user who is not pending logs `entries_per_member_day` entries on every weekday of the
`weeks * 7` days ending on `today` (disabled and suspended users stop 4 weeks before today). The
big team ("Engineering") holds only active users, so its entry count is exactly
`big_team_size * weeks * 5 * entries_per_member_day`: 2,520 by default and 21,600 for
`build_dataset(big_team_size=40, entries_per_member_day=9)`.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re

from noko_core.sandbox import names
from noko_core.sandbox.dataset import (
    Account,
    Dataset,
    Entry,
    Invoice,
    Project,
    ProjectGroup,
    Tag,
    Team,
    User,
)

BASE_USERS = 40
INACTIVE_STATES = ("pending", "pending", "disabled", "suspended")
CONTRACTORS = 4
LEADERS = 6
IMPORT_ID = 77


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC) + dt.timedelta(minutes=minute)


def _email(first: str, last: str) -> str:
    def clean(part: str) -> str:
        return re.sub(r"[^a-z]", "", part.lower())

    return f"{clean(first)}.{clean(last)}@example.com"


def _users(n: int, today: dt.date, rng: random.Random) -> list[User]:
    firsts, lasts = list(names.FIRST_NAMES), list(names.LAST_NAMES)
    rng.shuffle(firsts)
    rng.shuffle(lasts)
    users: list[User] = []
    for i in range(n):
        first, last = firsts[i % len(firsts)], lasts[(i + i // len(lasts)) % len(lasts)]
        uid = i + 1
        from_end = n - i  # 1 for the last user
        inactive = from_end <= len(INACTIVE_STATES)
        state = INACTIVE_STATES[from_end - 1] if inactive else "active"
        if uid <= 2:
            role = "supervisor"
        elif uid <= 2 + LEADERS:
            role = "leader"
        elif len(INACTIVE_STATES) < from_end <= len(INACTIVE_STATES) + CONTRACTORS:
            role = "contractor"
        else:
            role = "coworker"
        created = _at(today - dt.timedelta(days=700 - 5 * i), 9, 30)
        users.append(
            User(uid, _email(first, last), first, last, role, state, uid % 3 != 0, created, created)
        )
    return users


def _teams(users: list[User], big_size: int, today: dt.date, rng: random.Random) -> list[Team]:
    active = [u.id for u in users if u.state == "active"]
    big = active[:big_size]
    rest = [u.id for u in users if u.id not in set(big)]
    big_created = _at(today - dt.timedelta(days=400), 10)
    teams = [Team(1, names.BIG_TEAM, big, big_created, big_created)]
    for index, (name, size) in enumerate(names.OTHER_TEAMS, start=2):
        if name.startswith(names.BIG_TEAM):  # overlaps the big team on purpose
            members = rng.sample(big, min(2, len(big))) + rng.sample(rest, min(2, len(rest)))
        else:
            pool = rest if len(rest) >= size else [u.id for u in users]
            members = rng.sample(pool, size)
        created = _at(today - dt.timedelta(days=400 - 20 * index), 10)
        teams.append(Team(index, name, sorted(set(members)), created, created))
    return teams


def _projects(users: list[User], today: dt.date, rng: random.Random) -> list[Project]:
    projects: list[Project] = []
    for pid, (name, group, billable, increment, enabled) in enumerate(names.PROJECTS, start=1):
        created = _at(today - dt.timedelta(days=500 - 10 * pid), 11)
        budget = rng.choice((None, 6000, 12000, 30000)) if billable else None
        participants = sorted(rng.sample([u.id for u in users], 6))
        color = names.COLORS[pid % len(names.COLORS)]
        group_id = None if group is None else group + 1
        description = f"Work for {name}"
        projects.append(
            Project(
                pid,
                name,
                increment,
                enabled,
                billable,
                color,
                group_id,
                description,
                budget,
                participants,
                created,
                created,
            )
        )
    return projects


def _tags(today: dt.date) -> list[Tag]:
    created = _at(today - dt.timedelta(days=450), 12)
    return [
        Tag(tid, name, billable, created, created)
        for tid, (name, billable) in enumerate(names.TAGS, start=1)
    ]


def _invoices(today: dt.date, weeks: int) -> dict[tuple[int, int], Invoice]:
    """One invoice per month that ended at least six weeks before today (within the period)."""
    start = today - dt.timedelta(days=weeks * 7 - 1)
    cutoff = today - dt.timedelta(days=42)
    invoices: dict[tuple[int, int], Invoice] = {}
    month = dt.date(start.year, start.month, 1)
    while month <= cutoff:
        nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        invoice_date = min(nxt, cutoff)
        state = "paid" if len(invoices) % 2 == 0 else "unpaid"
        ref = f"INV-{month:%Y-%m}"
        invoice = Invoice(5001 + len(invoices), ref, invoice_date, state, 1000.0)
        invoices[(month.year, month.month)] = invoice
        month = nxt
    return invoices


def _minutes(rng: random.Random, increment: int) -> int:
    step = 15 * increment // math.gcd(15, increment)  # multiples of 15 that need no rounding up
    return step * rng.randint(1, max(1, 240 // step))


def _entries(
    users: list[User],
    projects: list[Project],
    tags: list[Tag],
    by_month: dict[tuple[int, int], Invoice],
    start: dt.date,
    today: dt.date,
    per_day: int,
    rng: random.Random,
) -> list[Entry]:
    tag_ids = {t.name: t.id for t in tags}
    unbillable_tags = {t.id for t in tags if not t.billable}
    approvers = [u.id for u in users if u.role in ("supervisor", "leader")][:4]
    loggers = [u for u in users if u.state != "pending"]
    stop_early = {u.id for u in users if u.state in ("disabled", "suspended")}
    recent = today - dt.timedelta(days=28)
    entries: list[Entry] = []
    day = start
    while day <= today:
        if day.weekday() < 5:
            usable = [p for p in projects if p.enabled or day < today - dt.timedelta(days=42)]
            for user in loggers:
                if user.id in stop_early and day >= recent:
                    continue
                for _ in range(per_day):
                    entries.append(_entry(len(entries) + 1, day, user.id, usable, rng, tag_ids))
        day += dt.timedelta(days=1)
    for entry in entries:
        _decorate(entry, today, start, rng, unbillable_tags, approvers, by_month)
    return entries


def _entry(
    eid: int,
    day: dt.date,
    user_id: int,
    projects: list[Project],
    rng: random.Random,
    tag_ids: dict[str, int],
) -> Entry:
    project = projects[(user_id * 7 + rng.randrange(6)) % len(projects)]
    text, hashtags = names.PHRASES[rng.randrange(len(names.PHRASES))]
    description = " ".join([text, *(f"#{tag}" for tag in hashtags)])
    created = _at(day, 16, rng.randrange(0, 180, 3))
    minutes = _minutes(rng, project.billing_increment)
    ids = tuple(sorted(tag_ids[tag] for tag in hashtags))
    return Entry(
        eid, day, user_id, minutes, description, project.id, ids, project.billable, created, created
    )


def _decorate(
    entry: Entry,
    today: dt.date,
    start: dt.date,
    rng: random.Random,
    unbillable_tags: set[int],
    approvers: list[int],
    by_month: dict[tuple[int, int], Invoice],
) -> None:
    """Billable flag, edits, approvals, invoices, imports and source URLs."""
    entry.billable = entry.billable and not unbillable_tags.intersection(entry.tag_ids)
    if rng.random() < 0.1:
        later = entry.created_at + dt.timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 5))
        entry.updated_at = min(later, _at(today, 20))
    age = (today - entry.date).days
    if age >= 14 and rng.random() < 0.7:
        entry.approved_at = max(_at(entry.date + dt.timedelta(days=3), 9), entry.updated_at)
        entry.approved_by_id = approvers[entry.id % len(approvers)]
        entry.updated_at = entry.approved_at
    invoice = by_month.get((entry.date.year, entry.date.month))
    if invoice and entry.billable and entry.date < invoice.invoice_date and rng.random() < 0.8:
        entry.invoice_id = invoice.id
        entry.invoiced_at = max(_at(invoice.invoice_date, 10), entry.updated_at)
        entry.updated_at = entry.invoiced_at
    if (entry.date - start).days < 7 and entry.user_id == 3:
        entry.import_id = IMPORT_ID
    if "review" in entry.description and entry.id % 4 == 0:
        entry.source_url = f"https://github.com/example/app/pull/{entry.id}"


def build_dataset(
    *,
    today: dt.date | None = None,
    seed: int = 0,
    weeks: int = 12,
    big_team_size: int = 14,
    entries_per_member_day: int = 3,
) -> Dataset:
    """A deterministic demo account; the big team is "Engineering" (team id 1)."""
    today = today or dt.date.today()
    rng = random.Random(seed)
    start = today - dt.timedelta(days=weeks * 7 - 1)
    users = _users(max(BASE_USERS, big_team_size + len(INACTIVE_STATES)), today, rng)
    teams = _teams(users, big_team_size, today, rng)
    projects = _projects(users, today, rng)
    tags = _tags(today)
    invoices = _invoices(today, weeks)
    entries = _entries(users, projects, tags, invoices, start, today, entries_per_member_day, rng)
    owner = users[0]
    account = Account(1, "Example Studio", True, owner.id, owner.created_at, owner.created_at)
    groups = [ProjectGroup(i, n) for i, n in enumerate(names.PROJECT_GROUPS, start=1)]
    return Dataset(
        today=today,
        users=users,
        teams=teams,
        project_groups=groups,
        projects=projects,
        tags=tags,
        invoices=list(invoices.values()),
        entries=entries,
        account=account,
        current_user_id=owner.id,
    )
