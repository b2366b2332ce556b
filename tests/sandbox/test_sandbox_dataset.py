"""build_dataset: deterministic, realistic and big enough to need paging."""

from __future__ import annotations

import datetime as dt
import re

from noko_core.sandbox import Dataset, build_dataset

TODAY = dt.date(2026, 11, 27)


def test_build_dataset_is_deterministic_for_seed_and_today() -> None:
    first = build_dataset(today=TODAY, seed=7)
    second = build_dataset(today=TODAY, seed=7)

    assert first == second


def test_build_dataset_differs_between_seeds() -> None:
    assert build_dataset(today=TODAY, seed=1).entries != build_dataset(today=TODAY, seed=2).entries


def test_build_dataset_default_sizes(dataset: Dataset) -> None:
    assert len(dataset.users) == 40
    assert len(dataset.teams) == 6
    assert len(dataset.projects) == 25
    assert len(dataset.tags) == 15


def test_build_dataset_team_names_include_space_and_shared_prefix(dataset: Dataset) -> None:
    names = [t.name for t in dataset.teams]

    assert "Engineering" in names and "Engineering Ops" in names
    assert any(" " in name for name in names)
    assert len(set(names)) == len(names)


def test_build_dataset_big_team_needs_several_pages_at_1000(dataset: Dataset) -> None:
    big = dataset.team_named("Engineering")
    members = set(big.user_ids)

    count = sum(1 for e in dataset.entries if e.user_id in members)

    assert len(big.user_ids) == 14
    assert count == 14 * 60 * 3 > 2000


def test_build_dataset_bench_size_has_20000_big_team_entries() -> None:
    bench = build_dataset(today=TODAY, big_team_size=40, entries_per_member_day=9)
    members = set(bench.team_named("Engineering").user_ids)

    count = sum(1 for e in bench.entries if e.user_id in members)

    assert count == 40 * 60 * 9 >= 20_000


def test_build_dataset_users_are_realistic(dataset: Dataset) -> None:
    roles = [u.role for u in dataset.users]
    states = {u.state for u in dataset.users}

    assert 1 <= roles.count("supervisor") <= 2
    assert roles.count("leader") >= 2 and roles.count("contractor") >= 2
    assert roles.count("coworker") > len(roles) / 2
    assert {"active", "pending", "disabled", "suspended"} <= states
    for user in dataset.users:
        assert user.email == f"{user.first_name}.{user.last_name}@example.com".lower().replace(
            "'", ""
        )
    assert len({u.email for u in dataset.users}) == len(dataset.users)


def test_build_dataset_current_user_is_supervising_account_owner(dataset: Dataset) -> None:
    owner = next(u for u in dataset.users if u.id == dataset.current_user_id)

    assert dataset.account.owner_id == owner.id
    assert owner.role == "supervisor" and owner.state == "active"
    assert dataset.settings.week_start == "monday"


def test_build_dataset_entries_fall_on_weekdays_within_the_period(dataset: Dataset) -> None:
    assert dataset.today == TODAY
    start = TODAY - dt.timedelta(days=12 * 7 - 1)

    assert all(start <= e.date <= TODAY and e.date.weekday() < 5 for e in dataset.entries)
    assert max(e.date for e in dataset.entries) == TODAY
    assert [e.id for e in dataset.entries] == list(range(1, len(dataset.entries) + 1))


def test_build_dataset_entry_minutes_are_quarter_hours(dataset: Dataset) -> None:
    assert all(e.minutes > 0 and e.minutes % 15 == 0 for e in dataset.entries)


def test_build_dataset_hashtags_map_to_entry_tags(dataset: Dataset) -> None:
    tag_names = {t.id: t.name for t in dataset.tags}

    for entry in dataset.entries[:500]:
        hashtags = set(re.findall(r"#(\w+)", entry.description))
        assert hashtags == {tag_names[t] for t in entry.tag_ids}


def test_build_dataset_has_billable_approved_invoiced_mix(dataset: Dataset) -> None:
    entries = dataset.entries

    assert 0 < sum(e.billable for e in entries) < len(entries)
    approved = [e for e in entries if e.approved_at is not None]
    assert approved and all(e.approved_by_id is not None for e in approved)
    assert any(e.invoice_id is not None for e in entries)
    assert any(e.import_id is not None for e in entries)
    assert any(e.updated_at > e.created_at for e in entries)
