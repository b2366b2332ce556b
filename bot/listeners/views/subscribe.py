"""The subscribe modal: opened pre-filled from the command, its submission validated inline."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.modals import result_view
from bot.blocks.subscriptions import subscribe_modal, subscribed_reply
from bot.deps import Deps
from bot.errors import AmbiguousTeamError, TeamNotFoundError
from bot.ids import ActionId, BlockId
from bot.listeners.context import AuditChannel, caller_zone
from bot.listeners.modal_flow import fill_after_loading
from bot.services import subscriptions
from bot.services.calendar import DEFAULT_WORKDAYS
from bot.services.changes import ChangeContext, refuse_early
from bot.services.expected import MAX_HOURS_PER_DAY
from bot.services.subscriptions import SubscriptionSpec, said_options
from bot.services.teams import find_team
from bot.storage.records import Cadence, Schedule, schedule_problems

# The day select's values: w0..w6 weekdays (weekly), m1..m31 days of the month (monthly).
_DAY = re.compile(r"([wm])([0-9]{1,2})")
_BLOCKS = {
    "team_id": BlockId.TEAM, "channel_id": BlockId.SUB_CHANNEL, "cadence": BlockId.SUB_CADENCE,
    "weekday": BlockId.SUB_DAY, "day_of_month": BlockId.SUB_DAY, "local_time": BlockId.SUB_TIME,
    "timezone": BlockId.SUB_TIMEZONE,
}  # fmt: skip
_PICK = {"team_id": "Pick a team.", "channel_id": "Pick a channel."}


class SubscribeDraft(BaseModel):
    """What the modal is pre-filled with; without ``team`` and ``problems`` it is also the
    modal's private_metadata (Slack's state may omit initial values)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    team: str | None = None
    team_id: int | None = None
    channel_id: str | None = None
    cadence: Cadence = "weekly"
    day: str | None = None
    local_time: str = "09:00"
    timezone: str | None = None
    # Workdays typed in the command (0=Monday); None: none typed.
    workdays: tuple[int, ...] | None = None
    # Digest options typed in the command, carried to the submission; None: not typed.
    chart: bool | None = None
    hours_per_day: float | None = Field(default=None, gt=0, le=MAX_HOURS_PER_DAY)
    problems: tuple[str, ...] = ()

    def metadata(self) -> str:
        return self.model_copy(update={"team": None, "problems": ()}).model_dump_json()


def day_choice(cadence: str, weekday: int | None, day_of_month: int | None) -> str | None:
    """The day select's value for a schedule's day (none for a daily digest)."""
    return {"weekly": f"w{weekday}", "monthly": f"m{day_of_month}"}.get(cadence)


def _day_fields(cadence: object, day: object) -> dict[str, int | None]:
    # The one day select feeds the field the cadence uses and is ignored otherwise: it comes
    # pre-filled, and a user cannot empty a static_select, so a daily digest must not need it
    # empty. A day of the wrong kind counts as no day.
    match = _DAY.fullmatch(day) if isinstance(day, str) else None
    kind, number = (match[1], int(match[2])) if match else ("", None)
    return {
        "weekday": number if cadence == "weekly" and kind == "w" else None,
        "day_of_month": number if cadence == "monthly" and kind == "m" else None,
    }


class SubscribeForm(BaseModel):
    """A submitted subscribe modal; its schedule passed the one rule, ``Schedule``."""

    model_config = ConfigDict(frozen=True)

    team_id: int = Field(gt=0)
    channel_id: str = Field(pattern=r"^[CGD][A-Z0-9]+$")
    schedule: Schedule
    workdays: tuple[int, ...] | None = None
    chart: bool | None = None
    hours_per_day: float | None = None

    def spec(self) -> SubscriptionSpec:
        return SubscriptionSpec(
            team=str(self.team_id),
            channel_id=self.channel_id,
            schedule=self.schedule,
            options=said_options(self.chart, self.hours_per_day),
            workdays=frozenset(self.workdays) if self.workdays is not None else None,
        )


def open_subscribe_modal(
    client: WebClient,
    deps: Deps,
    changes: ChangeContext,
    trigger_id: str,
    draft: SubscribeDraft,
) -> str:
    return fill_after_loading(
        client,
        trigger_id=trigger_id,
        kind="subscribe",
        build=lambda: _filled(deps, changes, draft),
    )


def _filled(deps: Deps, changes: ChangeContext, draft: SubscribeDraft) -> Any:
    refuse_early(changes, "subscribe", draft.team or "")
    team, problems = None, list(draft.problems)
    if draft.team:
        try:
            found = find_team(deps.reads, draft.team)
            team = (found["id"], found["name"])
        except (TeamNotFoundError, AmbiguousTeamError) as error:
            problems.insert(0, error.user_message)
    zone = draft.timezone or caller_zone(changes)
    draft = draft.model_copy(update={"team_id": team[0] if team else None, "timezone": zone})
    return subscribe_modal(
        private_metadata=draft.metadata(),
        team=team,
        channel_id=draft.channel_id,
        cadence=draft.cadence,
        day=draft.day,
        local_time=draft.local_time,
        timezone=str(draft.timezone),
        problems=problems,
        workdays=frozenset(draft.workdays) if draft.workdays is not None else None,
    )


def _pick(values: dict[str, Any], name: str, key: str, fallback: Any) -> Any:
    # A field the user cleared comes back as null; a field Slack left out keeps the draft value.
    entry = (values.get(BlockId[name]) or {}).get(ActionId[name])
    if entry is None:
        return fallback
    chosen = entry.get(key)
    return chosen.get("value") if isinstance(chosen, dict) else chosen


def subscribe_form(view: dict[str, Any]) -> tuple[SubscribeForm | None, dict[str, str]]:
    """The submitted form, or inline errors keyed by input block_id."""
    values = (view.get("state") or {}).get("values") or {}
    try:
        meta = SubscribeDraft.model_validate_json(view.get("private_metadata") or "{}")
    except ValidationError:
        meta = SubscribeDraft()
    team = ((values.get(BlockId.TEAM) or {}).get(ActionId.TEAM_SELECT) or {}).get("selected_option")
    cadence = _pick(values, "SUB_CADENCE", "selected_option", meta.cadence)
    schedule = {
        "cadence": cadence,
        **_day_fields(cadence, _pick(values, "SUB_DAY", "selected_option", meta.day)),
        "local_time": _pick(values, "SUB_TIME", "selected_time", meta.local_time),
        "timezone": _pick(values, "SUB_TIMEZONE", "selected_option", meta.timezone),
    }
    ticked = _pick(values, "SUB_WORKDAYS", "selected_options", None)
    if isinstance(ticked, list) and not ticked:
        return None, {BlockId.SUB_WORKDAYS: "Tick at least one workday."}
    raw = {
        "team_id": (team or {}).get("value") or meta.team_id,
        "channel_id": _pick(values, "SUB_CHANNEL", "selected_conversation", meta.channel_id),
        "schedule": schedule,
        "workdays": _workdays(ticked, meta.workdays),
        "chart": meta.chart,
        "hours_per_day": meta.hours_per_day,
    }
    try:
        return SubscribeForm.model_validate(raw), {}
    except ValidationError as error:
        return None, _inline_errors(error)


def _workdays(ticked: object, typed: tuple[int, ...] | None) -> tuple[int, ...] | None:
    """The ticked workdays; None (keep the subscription's) when the boxes were left as the form
    offered them by default, Monday to Friday, with none typed in the command."""
    if not isinstance(ticked, list):
        return typed
    values = {str(o.get("value")) for o in ticked if isinstance(o, dict)}
    days = tuple(d for d in range(7) if str(d) in values)
    if typed is None and frozenset(days) == DEFAULT_WORKDAYS:
        return None
    return days


def _inline_errors(error: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        if field in _PICK:
            errors[str(_BLOCKS[field])] = _PICK[field]
    for problem in schedule_problems(error, within=("schedule",)):
        errors.setdefault(str(_BLOCKS.get(problem.field, BlockId.SUB_CADENCE)), problem.text)
    return errors


def check_subscribe_submission(ack: Ack, view: dict[str, Any]) -> SubscribeForm | None:
    """Request thread: the form, or None after acking its inline errors."""
    form, errors = subscribe_form(view)
    if form is None:
        ack(response_action="errors", errors=errors)
    return form


def run_subscribe_submission(
    form: SubscribeForm,
    view: dict[str, Any],
    client: WebClient,
    deps: Deps,
    changes: ChangeContext,
    audit: AuditChannel,
) -> None:
    sub, created = subscriptions.subscribe(changes, form.spec())
    reply = subscribed_reply(
        subscriptions.scheduled(sub, deps.clock(), deps.reads, deps.repo), created
    )
    client.views_update(view_id=view["id"], view=result_view("subscribe", reply.text))
    audit.announce(changes.actor_id, reply)
