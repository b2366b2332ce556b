"""One schedule rule: the command, the modal and the repository give every schedule one verdict."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import ValidationError

from bot.ids import ActionId, BlockId, CallbackId
from bot.listeners.commands.subcommands.digests import SubscribeArgs
from bot.listeners.views.subscribe import SubscribeDraft, subscribe_form
from bot.storage import Repository, Schedule, SubscriptionError, open_repository
from bot.storage.records import WEEKDAYS, schedule_problems


@dataclass(frozen=True)
class Case:
    """A schedule and the problems it has (none: valid). ``typed``: the command can say it
    (not when a default fills the gap, or no word means it); ``picked``: the modal can."""

    id: str
    cadence: str
    weekday: int | None = None
    day: int | None = None
    time: str = "09:00"
    zone: str = "Europe/Berlin"
    problems: tuple[str, ...] = ()
    typed: bool = True
    picked: bool = True

    @property
    def fields(self) -> dict[str, Any]:
        return dict(
            cadence=self.cadence,
            weekday=self.weekday,
            day_of_month=self.day,
            local_time=self.time,
            timezone=self.zone,
        )


def _time(text: str) -> str:
    return f"“{text}” is not a time (HH:MM)."


def _zone(text: str) -> str:
    return f"“{text}” is not a time zone I know (e.g. Europe/Berlin)."


def _day(text: str) -> str:
    return f"“{text}” is not a day of the month (1-31)."


CASES = [
    Case("daily", "daily"),
    Case("weekly-monday", "weekly", weekday=0),
    Case(
        "weekly-sunday-late",
        "weekly",
        weekday=6,
        time="23:59",
        zone="America/Argentina/Buenos_Aires",
    ),
    Case("monthly-first-midnight", "monthly", day=1, time="00:00", zone="UTC"),
    Case("monthly-31st", "monthly", day=31),
    Case(
        "weekday-on-daily",
        "daily",
        weekday=2,
        problems=("A daily digest has no weekday.",),
        picked=False,
    ),
    Case(
        "day-on-daily",
        "daily",
        day=15,
        problems=("A daily digest has no day of the month.",),
        picked=False,
    ),
    Case(
        "weekday-on-monthly",
        "monthly",
        weekday=2,
        day=15,
        problems=("A monthly digest has no weekday.",),
        picked=False,
    ),
    Case(
        "day-on-weekly",
        "weekly",
        weekday=0,
        day=15,
        problems=("A weekly digest has no day of the month.",),
        picked=False,
    ),
    Case(
        "weekly-without-weekday",
        "weekly",
        problems=("A weekly digest needs a weekday.",),
        typed=False,
    ),
    Case(
        "monthly-without-day",
        "monthly",
        problems=("A monthly digest needs a day of the month (1-31).",),
        typed=False,
    ),
    Case("day-0", "monthly", day=0, problems=(_day("0"),)),
    Case("day-32", "monthly", day=32, problems=(_day("32"),)),
    Case(
        "weekday-7",
        "weekly",
        weekday=7,
        problems=("“7” is not a weekday (0 Monday to 6 Sunday).",),
        typed=False,
    ),
    Case("24:00", "daily", time="24:00", problems=(_time("24:00"),)),
    Case("9:5", "daily", time="9:5", problems=(_time("9:5"),)),
    Case("12:60", "daily", time="12:60", problems=(_time("12:60"),)),
    Case("noon", "daily", time="noon", problems=(_time("noon"),), typed=False),
    Case("Mars/Olympus", "daily", zone="Mars/Olympus", problems=(_zone("Mars/Olympus"),)),
    Case("zone-lowercase", "daily", zone="europe/berlin", problems=(_zone("europe/berlin"),)),
    Case("zone-path", "daily", zone="../../etc/passwd", problems=(_zone("../../etc/passwd"),)),
    Case("zone-directory", "daily", zone="America", problems=(_zone("America"),), typed=False),
    Case("hourly", "hourly", problems=("“hourly” is not daily, weekly or monthly.",), typed=False),
    Case(
        "three-problems",
        "monthly",
        day=32,
        time="24:00",
        zone="Mars/Olympus",
        problems=(_day("32"), _time("24:00"), _zone("Mars/Olympus")),
    ),
]


def _id(case: Case) -> str:
    return case.id


# -- the three entries, each fed the case as its users would give it -----------------------------
def _words(case: Case) -> list[str]:
    words = ["Design", "<#C0DESIGN|design>", case.cadence]
    words += [WEEKDAYS[case.weekday]] if case.weekday is not None else []
    words += [str(case.day)] if case.day is not None else []
    return [*words, case.time, case.zone]


def _chosen(value: str) -> dict[str, Any]:
    return {"selected_option": {"text": {"type": "plain_text", "text": value}, "value": value}}


def _submitted(case: Case) -> dict[str, Any]:
    day = f"w{case.weekday}" if case.weekday is not None else None
    day = f"m{case.day}" if case.day is not None else day
    values = {
        BlockId.TEAM: {ActionId.TEAM_SELECT: _chosen("12")},
        BlockId.SUB_CHANNEL: {ActionId.SUB_CHANNEL: {"selected_conversation": "C0DESIGN"}},
        BlockId.SUB_CADENCE: {ActionId.SUB_CADENCE: _chosen(case.cadence)},
        BlockId.SUB_DAY: {
            ActionId.SUB_DAY: {"selected_option": _chosen(day)["selected_option"] if day else None}
        },
        BlockId.SUB_TIME: {ActionId.SUB_TIME: {"selected_time": case.time}},
        BlockId.SUB_TIMEZONE: {ActionId.SUB_TIMEZONE: _chosen(case.zone)},
    }
    return {
        "callback_id": CallbackId.SUBSCRIBE,
        "private_metadata": SubscribeDraft().metadata(),
        "state": {"values": values},
    }


@pytest.fixture
def repo(database_url: str) -> Iterator[Repository]:
    repository = open_repository(database_url)
    yield repository
    repository.close()


def _create(repo: Repository, case: Case) -> Any:
    return repo.create_subscription(
        team_id=1, team_name="Design", channel_id="C1", created_by="U1", **case.fields
    )


# -- one verdict ---------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=_id)
def test_schedule_model_gives_the_case_its_verdict(case: Case) -> None:
    try:
        schedule = Schedule.model_validate(case.fields)
    except ValidationError as error:
        assert tuple(p.text for p in schedule_problems(error)) == case.problems
    else:
        assert case.problems == () and schedule.model_dump() == case.fields


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_schedule_repository_gives_the_same_verdict(repo: Repository, case: Case) -> None:
    if case.problems:
        with pytest.raises(SubscriptionError) as refused:
            _create(repo, case)
        assert tuple(p.text for p in refused.value.problems) == case.problems
        assert repo.list_subscriptions() == []
    else:
        stored = repo.get_subscription(_create(repo, case).id)
        assert stored is not None and stored.schedule == Schedule(**case.fields)


@pytest.mark.parametrize("case", [c for c in CASES if c.typed], ids=_id)
def test_schedule_command_gives_the_same_verdict(case: Case) -> None:
    args = SubscribeArgs.from_words(_words(case))
    assert args.problems == case.problems
    if not case.problems:
        assert args.spec("C0GENERAL", "UTC").schedule == Schedule(**case.fields)


@pytest.mark.parametrize("case", [c for c in CASES if c.picked], ids=_id)
def test_schedule_modal_gives_the_same_verdict(case: Case) -> None:
    form, errors = subscribe_form(_submitted(case))
    assert sorted(errors.values()) == sorted(case.problems)
    if not case.problems:
        assert form is not None and form.schedule == Schedule(**case.fields)


def test_schedule_table_reaches_every_entry_with_valid_and_invalid_cases() -> None:
    # The table must keep exercising each entry with both verdicts, or a skip could hide a gap.
    for entry in ("typed", "picked"):
        reached = [c for c in CASES if getattr(c, entry)]
        assert any(c.problems for c in reached) and any(not c.problems for c in reached)


# -- where an entry reads its input its own way --------------------------------------------------
def test_schedule_modal_daily_ignores_the_day_select_it_cannot_empty() -> None:
    # The day select comes pre-filled and Slack gives users no way to empty it.
    form, errors = subscribe_form(_submitted(Case("daily", "daily", weekday=2)))
    assert errors == {} and form is not None
    assert (form.schedule.weekday, form.schedule.day_of_month) == (None, None)


def test_schedule_modal_keys_each_problem_by_its_block() -> None:
    weekly_on_a_date = Case("x", "weekly", day=3)  # picked "Day 3" for a weekly digest
    assert subscribe_form(_submitted(weekly_on_a_date))[1] == {
        BlockId.SUB_DAY: "A weekly digest needs a weekday."
    }
    three = next(c for c in CASES if c.id == "three-problems")
    assert subscribe_form(_submitted(three))[1] == {
        BlockId.SUB_DAY: _day("32"),
        BlockId.SUB_TIME: _time("24:00"),
        BlockId.SUB_TIMEZONE: _zone("Mars/Olympus"),
    }


@pytest.mark.parametrize("case", [c for c in CASES if not c.problems], ids=_id)
def test_schedule_as_words_is_what_the_command_reads_back(case: Case) -> None:
    schedule = Schedule(**case.fields)
    args = SubscribeArgs.from_words(["Design", *schedule.as_words().split()])
    assert args.problems == () and args.spec("C1", "Asia/Tokyo").schedule == schedule


def test_schedule_command_defaults_and_short_hours() -> None:
    spec = SubscribeArgs.from_words(["Design", "monthly", "8:30"]).spec("C1", "Asia/Tokyo")
    assert spec.schedule == Schedule(
        cadence="monthly", day_of_month=1, local_time="08:30", timezone="Asia/Tokyo"
    )
    inferred = SubscribeArgs.from_words(["Design", "UTC", "15"]).spec("C1", "Asia/Tokyo")
    assert (inferred.schedule.cadence, inferred.schedule.day_of_month) == ("monthly", 15)


def test_schedule_command_form_is_prefilled_only_with_what_the_rule_accepted() -> None:
    args = SubscribeArgs.from_words(["Design", "monthly", "32", "25:00", "Mars/Olympus"])
    draft = args.draft("C0GENERAL")
    assert args.problems == (_day("32"), _time("25:00"), _zone("Mars/Olympus"))
    assert (draft.cadence, draft.day, draft.local_time, draft.timezone) == (
        "monthly",
        "m1",
        "09:00",
        None,
    )
    assert draft.problems == args.problems and draft.channel_id == "C0GENERAL"


def test_schedule_command_word_problems_come_before_schedule_problems() -> None:
    args = SubscribeArgs.from_words(["Design", "daily", "weekly", "friday", "soon"])
    assert args.problems == (
        "“weekly”: the cadence is given twice.",
        "I don't understand “soon” here.",
        "A daily digest has no weekday.",
    )


# -- the repository's own inputs -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"cadence": "weekly", "weekday": "3"}, "weekday"),
        ({"cadence": "weekly", "weekday": True}, "weekday"),
        ({"cadence": "monthly", "day_of_month": 1.0}, "day_of_month"),
        ({"cadence": "daily", "local_time": None}, "local_time"),
        ({"cadence": "daily", "local_time": "09:00\n"}, "local_time"),
        ({"cadence": "daily", "local_time": "0٩:00"}, "local_time"),
        ({"cadence": None}, "cadence"),
        ({"cadence": "daily", "timezone": "x\x00" * 300}, "timezone"),
    ],
)
def test_schedule_repository_refuses_odd_values_naming_the_field(
    repo: Repository, fields: dict[str, Any], field: str
) -> None:
    values = {"weekday": None, "local_time": "09:00", "timezone": "UTC", **fields}
    with pytest.raises(SubscriptionError) as refused:
        repo.create_subscription(
            team_id=1, team_name="D", channel_id="C1", created_by="U1", **values
        )
    ((blamed, text),) = refused.value.problems
    assert blamed == field and str(refused.value).startswith(f"{field}: ")
    assert len(text) < 120 and "\x00" not in text and "\n" not in text


def test_schedule_repository_checks_a_change_against_the_whole_row(repo: Repository) -> None:
    weekly = _create(repo, Case("w", "weekly", weekday=4))
    with pytest.raises(SubscriptionError, match="weekday: A daily digest has no weekday"):
        repo.update_subscription(weekly.id, cadence="daily")
    daily = repo.update_subscription(weekly.id, cadence="daily", weekday=None)
    assert daily is not None and daily.schedule.describe() == "daily at 09:00 (Europe/Berlin)"


def test_schedule_of_a_stored_row_is_read_without_judging_it_again(repo: Repository) -> None:
    sub = _create(repo, Case("m", "monthly", day=15, zone="UTC"))
    gone = type(sub)(**{**sub.__dict__, "timezone": "Atlantis/Capital"})  # a zone the OS dropped
    assert gone.schedule.timezone == "Atlantis/Capital"
    assert gone.schedule.describe() == "monthly on day 15 at 09:00 (Atlantis/Capital)"
    assert sub.schedule.as_words() == "monthly 15 09:00 UTC"
