"""The subscribe modal: opened pre-filled from the command, its submission validated inline."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.modals import loading_view, result_view
from bot.blocks.subscriptions import subscribe_modal, subscribed_reply
from bot.errors import AmbiguousTeamError, TeamNotFoundError, ViewFailedError
from bot.ids import ActionId, BlockId
from bot.listeners.context import announce_change, change_context, deps_of
from bot.services import subscriptions
from bot.services.schedule import next_due
from bot.services.subscriptions import ScheduledDigest, SubscriptionSpec
from bot.services.teams import find_team
from bot.slack.directory import SlackDirectory
from bot.zones import is_zone

Cadence = Literal["daily", "weekly", "monthly"]
_DAY = re.compile(r"^(w[0-6]|m([1-9]|[12][0-9]|3[01]))$")
_ERRORS = {
    "team_id": (BlockId.TEAM, "Pick a team."),
    "channel_id": (BlockId.SUB_CHANNEL, "Pick a channel."),
    "cadence": (BlockId.SUB_CADENCE, "Pick how often."),
    "local_time": (BlockId.SUB_TIME, "Pick a time."),
    "timezone": (BlockId.SUB_TIMEZONE, "Pick a time zone I know (e.g. Europe/Berlin)."),
    "day": (BlockId.SUB_DAY, "Pick a weekday for a weekly digest, a day of the month for a "
                             "monthly one."),
}  # fmt: skip


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
    problems: tuple[str, ...] = ()

    @classmethod
    def from_spec(cls, spec: SubscriptionSpec, problems: tuple[str, ...] = ()) -> SubscribeDraft:
        day = {"weekly": f"w{spec.weekday or 0}", "monthly": f"m{spec.day_of_month or 1}"}
        return cls(
            team=spec.team or None, channel_id=spec.channel_id or None,
            cadence=spec.cadence, day=day.get(spec.cadence), local_time=spec.local_time,
            timezone=spec.timezone or None, problems=problems,
        )  # fmt: skip

    def metadata(self) -> str:
        return self.model_copy(update={"team": None, "problems": ()}).model_dump_json()


class SubscribeForm(BaseModel):
    """A submitted subscribe modal."""

    team_id: int = Field(gt=0)
    channel_id: str = Field(pattern=r"^[CGD][A-Z0-9]+$")
    cadence: Cadence
    day: str | None = None
    local_time: str = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    timezone: str

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if not is_zone(value):
            raise ValueError("unknown time zone")
        return value

    @model_validator(mode="after")
    def _day_fits_cadence(self) -> SubscribeForm:
        wanted = {"weekly": "w", "monthly": "m"}.get(self.cadence)
        if wanted and not (self.day and _DAY.match(self.day) and self.day[0] == wanted):
            raise ValueError("day")
        return self

    def spec(self) -> SubscriptionSpec:
        day = int((self.day or "w0")[1:])
        return SubscriptionSpec(
            team=str(self.team_id), channel_id=self.channel_id, cadence=self.cadence,
            weekday=day if self.cadence == "weekly" else None,
            day_of_month=day if self.cadence == "monthly" else None,
            local_time=self.local_time, timezone=self.timezone,
        )  # fmt: skip


def user_timezone(directory: SlackDirectory, user_id: str) -> str:
    """The Slack user's IANA zone (users.info ``tz``), UTC when unknown."""
    zone = directory.timezone(user_id)
    return zone if is_zone(zone) else "UTC"


def open_subscribe_modal(
    client: WebClient, context: Any, trigger_id: str, user_id: str, draft: SubscribeDraft
) -> str:
    # The trigger expires 3 s after the command: open first, look things up after.
    opened = client.views_open(trigger_id=trigger_id, view=loading_view("subscribe"))
    view_id = str(opened["view"]["id"])
    try:
        view = _filled(client, context, user_id, draft)
    except Exception as error:
        raise ViewFailedError(error, view_id=view_id, kind="subscribe") from error
    client.views_update(view_id=view_id, view=view)
    return view_id


def _filled(client: WebClient, context: Any, user_id: str, draft: SubscribeDraft) -> Any:
    directory = SlackDirectory(client)
    subscriptions.authorize(change_context(context, directory, user_id), "subscribe", None,
                            draft.team or "")  # fmt: skip
    team, problems = None, list(draft.problems)
    if draft.team:
        try:
            found = find_team(deps_of(context).cache, draft.team)
            team = (int(found["id"]), str(found["name"]))
        except (TeamNotFoundError, AmbiguousTeamError) as error:
            problems.insert(0, error.user_message)
    zone = draft.timezone or user_timezone(directory, user_id)
    draft = draft.model_copy(update={"team_id": team[0] if team else None, "timezone": zone})
    return subscribe_modal(
        private_metadata=draft.metadata(), team=team, channel_id=draft.channel_id,
        cadence=draft.cadence, day=draft.day, local_time=draft.local_time,
        timezone=str(draft.timezone), problems=problems,
    )  # fmt: skip


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
    raw = {
        "team_id": (team or {}).get("value") or meta.team_id,
        "channel_id": _pick(values, "SUB_CHANNEL", "selected_conversation", meta.channel_id),
        "cadence": _pick(values, "SUB_CADENCE", "selected_option", meta.cadence),
        "day": _pick(values, "SUB_DAY", "selected_option", meta.day),
        "local_time": _pick(values, "SUB_TIME", "selected_time", meta.local_time),
        "timezone": _pick(values, "SUB_TIMEZONE", "selected_option", meta.timezone),
    }
    try:
        return SubscribeForm.model_validate(raw), {}
    except ValidationError as error:
        errors: dict[str, str] = {}
        for item in error.errors():
            field = str(item["loc"][0]) if item["loc"] else "day"
            block_id, text = _ERRORS.get(field, _ERRORS["day"])
            errors.setdefault(str(block_id), text)
        return None, errors


def check_subscribe_submission(ack: Ack, view: dict[str, Any]) -> SubscribeForm | None:
    """Request thread: the form, or None after acking its inline errors."""
    form, errors = subscribe_form(view)
    if form is None:
        ack(response_action="errors", errors=errors)
    return form


def run_subscribe_submission(
    form: SubscribeForm, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: Any
) -> None:
    changes = change_context(context, SlackDirectory(client), str(body["user"]["id"]))
    sub, created = subscriptions.subscribe(changes, form.spec())
    reply = subscribed_reply(ScheduledDigest(sub, next_due(sub, deps_of(context).clock())), created)
    client.views_update(view_id=view["id"], view=result_view("subscribe", reply.text))
    announce_change(client, context, str(body["user"]["id"]), reply)
