"""Property: hostile team, people and project names, e-mails, typed filters and periods go through
every Block Kit builder, and no payload carries a control sequence the bot did not build (see
tests/hostile.py for what counts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.blocks.common import Reply
from bot.blocks.digest import digest_messages
from bot.blocks.help import help_reply
from bot.blocks.home import home_view
from bot.blocks.hours import hours_reply
from bot.blocks.modals import (
    create_team_modal,
    members_modal,
    result_view,
    team_option,
    user_option,
)
from bot.blocks.subscriptions import (
    digest_preview_modal,
    digest_preview_reply,
    home_digests_section,
    paused_reply,
    posted_reply,
    subscribe_modal,
    subscribed_reply,
    subscriptions_reply,
    unsubscribed_reply,
)
from bot.blocks.teams import (
    audit_text,
    change_reply,
    check_reply,
    confirm_reply,
    team_detail_reply,
    team_list_reply,
)
from bot.errors import (
    AmbiguousTeamError,
    BotError,
    TeamNotFoundError,
    UsageError,
    noko_error_message,
)
from bot.ids import ActionId, BlockId
from bot.listeners.commands.registry import help_for, load_registry, unknown_subcommand
from bot.listeners.commands.subcommands.digests import SubscribeArgs
from bot.listeners.commands.subcommands.teams_read import HoursArgs
from bot.listeners.views.subscribe import subscribe_form
from bot.services.change_check import ChangeCheck, CheckTarget
from bot.services.digest import NOKO_URL, build_digest
from bot.services.hours import TeamHours
from bot.services.inputs import clean_member_words
from bot.services.periods import PeriodError, parse_period, week_period
from bot.services.schedule import NextPost
from bot.services.subscriptions import ScheduledDigest
from bot.services.summary import MemberHours, ProjectHours, TeamSummary
from bot.services.team_changes import ChangeOutcome
from bot.services.teams import TeamDetail, TeamRow
from bot.storage.records import Subscription
from noko_core.errors import NokoInputError, NokoValidationError
from tests.hostile import Legit, assert_inert, hostile_texts

MENTIONED = "UALICE"  # the one Slack user the digest mentions (her Noko e-mail maps to her)
CHANNEL = "C0DESIGN"
LEGIT = Legit.of(users=[MENTIONED], channels=[CHANNEL], urls=[NOKO_URL])
PERIOD = week_period(dt.date(2026, 11, 9), 0)
NOW = dt.datetime(2026, 11, 12, 8, tzinfo=dt.UTC)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass(frozen=True)
class Hostile:
    """One example's hostile strings, and the records a builder is fed with them."""

    team: str
    person: str
    email: str
    project: str
    typed: str

    @property
    def strings(self) -> list[str]:
        return [self.team, self.person, self.email, self.project, self.typed]

    def user(self, user_id: int = 7, state: str = "active") -> dict[str, Any]:
        return {"id": user_id, "first_name": self.person, "last_name": self.typed,
                "email": self.email, "role": self.typed, "state": state}  # fmt: skip

    def users(self) -> list[dict[str, Any]]:
        return [self.user(7), self.user(8, "suspended"), self.user(9, self.typed)]

    def summary(self) -> TeamSummary:
        alice = MemberHours(1, self.person, "alice@example.com", 300, 120)
        idle = (
            MemberHours(2, self.typed, self.email, 0, 0),
            MemberHours(3, self.person, "alice@example.com", 0, 0),  # mentioned, as <@UALICE>
        )
        projects = (ProjectHours(1, self.project, 240), ProjectHours(None, self.typed, 60))
        return TeamSummary(PERIOD, 300, 120, 4, 60, (alice,), projects, idle)

    def digest_replies(self) -> list[Reply]:
        digest = build_digest(
            self.summary(),
            self.summary(),
            team_name=self.team,
            period=PERIOD,
            slack_ids_by_email={"alice@example.com": MENTIONED},
            options={"top_projects": 1},
        )
        return digest_messages(digest)

    def subscription(self, paused: bool = False) -> ScheduledDigest:
        sub = Subscription(
            id=3, team_id=1, team_name=self.team, channel_id=CHANNEL, cadence="weekly",
            weekday=0, day_of_month=None, local_time="09:00", timezone="Europe/Berlin",
            created_by=MENTIONED, paused=paused, created_at=NOW, updated_at=NOW,
        )  # fmt: skip
        return ScheduledDigest(sub, None if paused else NextPost(NOW, PERIOD))


names = st.builds(
    Hostile, hostile_texts, hostile_texts, hostile_texts, hostile_texts, hostile_texts
)
EVERY_DEFECT = Hostile(
    "R&D <!channel>", "<@U1> & co", "a<!here>@b.c", "<http://x|y>", "2024-<!channel>"
)


def _message(reply: Reply) -> dict[str, Any]:
    return {"text": reply.text, "blocks": reply.blocks}


def _check(h: Hostile, *payloads: Any) -> None:
    for payload in payloads:
        assert_inert(_message(payload) if isinstance(payload, Reply) else payload, h.strings, LEGIT)


@SETTINGS
@given(h=names)
@example(h=EVERY_DEFECT)
def test_team_messages_are_inert(h: Hostile) -> None:
    rows = [TeamRow(1, h.team, 2), TeamRow(2, h.project, 0)]
    detail = TeamDetail(1, h.team, h.users(), filters=("coworker",))
    _check(
        h,
        team_list_reply(rows, h.typed),
        team_list_reply(rows),
        team_list_reply([], h.typed),
        team_detail_reply(detail),
        team_detail_reply(TeamDetail(1, h.team)),
        confirm_reply("delete", 1, h.team, 3),
        confirm_reply("clear", 1, h.team, 3),
    )


@SETTINGS
@given(h=names, action=st.sampled_from(["add", "remove", "create", "rename", "delete", "clear"]),
       result=st.sampled_from(["ok", "unknown"]), nobody=st.booleans())  # fmt: skip
def test_change_replies_audit_posts_and_checks_are_inert(
    h: Hostile, action: str, result: str, nobody: bool
) -> None:
    changed = [] if nobody else h.users()
    outcome = ChangeOutcome(action, 1, h.team, changed, h.users(), h.project, result)
    target = CheckTarget.of(outcome)
    team = {"id": 1, "name": h.project, "users": changed}
    _check(
        h,
        change_reply(outcome),
        Reply(audit_text(outcome, MENTIONED)),
        check_reply(ChangeCheck(target, team, True, changed, h.users())),
        check_reply(ChangeCheck(target, None, False)),
    )


@SETTINGS
@given(h=names)
@example(h=EVERY_DEFECT)
def test_hours_and_digests_are_inert(h: Hostile) -> None:
    replies = h.digest_replies()
    _check(
        h,
        hours_reply(TeamHours(1, h.team, h.summary())),
        *replies,
        digest_preview_reply(replies, '{"t":1}'),
        digest_preview_modal(replies, "Posted on Mondays."),
    )


@SETTINGS
@given(h=names)
@example(h=EVERY_DEFECT)
def test_subscription_replies_and_home_are_inert(h: Hostile) -> None:
    rows = [h.subscription(), h.subscription(paused=True)]
    _check(
        h,
        subscriptions_reply(rows, h.typed),
        subscriptions_reply(rows),
        subscriptions_reply([], h.typed),
        subscribed_reply(rows[0], True),
        unsubscribed_reply([r.subscription for r in rows]),
        paused_reply(rows[1]),
        posted_reply(CHANNEL, h.typed),
        home_view([TeamRow(1, h.team, 3)] * 120, [home_digests_section(rows * 15)]),
        home_view([], [home_digests_section([])]),
    )


@SETTINGS
@given(h=names)
@example(h=EVERY_DEFECT)
def test_modals_and_picker_options_are_inert(h: Hostile) -> None:
    detail = TeamDetail(1, h.team, h.users())
    typed = tuple(h.typed.split()) or ("x",)
    problems = [TeamNotFoundError(h.team).user_message, *SubscribeArgs.from_words(typed).problems]
    _check(
        h,
        members_modal("add", private_metadata="{}", team=detail, initial_users=h.users()),
        members_modal("remove", private_metadata="{}"),
        create_team_modal(private_metadata="{}", name=h.team),
        user_option(h.user(), in_team=True),
        team_option(1, h.team, 4),
        subscribe_modal(
            private_metadata="{}",
            team=(1, h.team),
            channel_id=CHANNEL,
            cadence="weekly",
            day="w0",
            local_time="09:00",
            timezone="Europe/Berlin",
            problems=problems,
        ),
        result_view("add", TeamNotFoundError(h.typed).user_message),
        {"errors": _subscribe_form_errors(h.typed)},
    )


def _subscribe_form_errors(zone: str) -> dict[str, str]:
    """The inline errors (plain text) of a subscribe form whose time zone is ``zone``."""
    chosen = {"selected_option": {"value": zone}}
    view = {"state": {"values": {BlockId.SUB_TIMEZONE: {ActionId.SUB_TIMEZONE: chosen}}}}
    return subscribe_form(view)[1]


@SETTINGS
@given(h=names)
@example(h=EVERY_DEFECT)
def test_errors_that_echo_what_was_typed_or_what_noko_said_are_inert(h: Hostile) -> None:
    messages = [
        TeamNotFoundError(h.typed, [h.team, h.project]).user_message,
        TeamNotFoundError(h.typed).user_message,
        AmbiguousTeamError(h.typed, [h.team, h.project]).user_message,
        noko_error_message(NokoValidationError(422, h.team, [{"message": h.project}])),
        noko_error_message(NokoValidationError(422, h.team, [])),
        noko_error_message(NokoInputError("create_team", [{"param": "name", "message": h.typed}])),
    ]
    for typed in (h.typed, f"Design {h.typed}", f"Design 2024-01-01..{h.typed}"):
        messages.append(_period_problem(typed))
    messages.append(_raised(lambda: clean_member_words([h.typed + "x" * 400])))
    for message in messages:
        _check(h, Reply(message))


def _period_problem(typed: str) -> str:
    """What `hours` says about ``typed`` (the team and period words), when it says anything."""
    try:
        HoursArgs.from_words(typed.split())
        parse_period(typed, today=dt.date(2026, 11, 9), week_start=0)
    except (BotError, PeriodError) as error:
        return str(getattr(error, "user_message", error))
    except ValidationError:  # a team name too long: the registry's message, checked elsewhere
        pass
    return "read"


def _raised(action: Any) -> str:
    with pytest.raises(BotError) as raised:
        action()
    return raised.value.user_message


@SETTINGS
@given(h=names)
@example(h=EVERY_DEFECT)
def test_help_usage_and_unknown_subcommands_are_inert(h: Hostile) -> None:
    registry = load_registry()
    usages = [UsageError("Which team?", sub.usage).user_message for sub in registry.values()]
    _check(
        h,
        help_for(registry),
        help_for(registry, h.typed and TeamNotFoundError(h.typed).user_message),
        help_reply([(sub.usage, sub.summary) for sub in registry.values()]),
        unknown_subcommand(registry, h.typed),
        unknown_subcommand(registry, "lst"),
        *(Reply(u) for u in usages),
    )
