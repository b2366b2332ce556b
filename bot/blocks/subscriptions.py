"""Digest previews, subscription replies, the App Home digests section and the subscribe modal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.common import (
    MESSAGE_BLOCKS,
    VIEW_BLOCKS,
    Block,
    Reply,
    button,
    context,
    header,
    input_block,
    line_sections,
    message,
    option,
    plain,
    section,
)
from bot.blocks.modals import team_input, team_option
from bot.errors import safe
from bot.ids import ActionId, BlockId, CallbackId
from bot.services.calendar import DEFAULT_WORKDAYS, describe_workdays, workdays_of
from bot.services.expected import hours_per_day
from bot.services.subscriptions import WEEKDAYS, ScheduledDigest
from bot.storage.records import Run, Subscription
from bot.zones import zone_info

HOME_DIGESTS_MAX = 20  # 2 blocks each: leaves the Home tab room for the teams
COMMON_ZONES = (
    "UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin",
    "Europe/Amsterdam", "Europe/Madrid", "Europe/Rome", "Europe/Zurich", "Europe/Vienna",
    "Europe/Stockholm", "Europe/Warsaw", "Europe/Prague", "Europe/Athens", "Europe/Helsinki",
    "Europe/Kyiv", "Europe/Istanbul", "Africa/Lagos", "Africa/Johannesburg", "Africa/Nairobi",
    "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Shanghai", "Asia/Hong_Kong",
    "Asia/Tokyo", "Asia/Seoul", "Australia/Perth", "Australia/Sydney", "Pacific/Auckland",
    "America/Sao_Paulo", "America/Argentina/Buenos_Aires", "America/Halifax",
    "America/New_York", "America/Toronto", "America/Chicago", "America/Mexico_City",
    "America/Denver", "America/Phoenix", "America/Los_Angeles", "America/Vancouver",
    "America/Anchorage", "Pacific/Honolulu",
)  # fmt: skip
NOT_IN_CHANNEL = (
    "I'm not a member of <#{channel}>, so I can't post there. Invite me with "
    "`/invite @noko-teams` in that channel, then press *Post to channel* again."
)


def schedule_text(sub: Subscription) -> str:
    """ "weekly on Monday at 09:00 (Europe/Berlin)", with ", workdays Mon-Sat" (en dash) when
    they are not Monday to Friday."""
    workdays = workdays_of(sub.options)
    if workdays == DEFAULT_WORKDAYS:
        return sub.schedule.describe()
    return f"{sub.schedule.describe()}, workdays {describe_workdays(workdays)}"


def settings_text(sub: Subscription) -> str:
    """Everything a digest is, for a confirmation: "weekly on Monday at 09:00 (Europe/Berlin),
    workdays Mon-Fri, 8h/day expected, no chart"."""
    workdays = describe_workdays(workdays_of(sub.options))
    chart = "a chart in its thread" if sub.options.get("chart") else "no chart"
    hours = f"{hours_per_day(sub.options):g}h/day expected"
    return f"{sub.schedule.describe()}, workdays {workdays}, {hours}, {chart}"


def due_text(row: ScheduledDigest) -> str:
    """When the next post goes out and the period it covers (the clock's own rule)."""
    sub, upcoming = row.subscription, row.next
    if sub.paused:
        return "paused"
    if upcoming is None:
        return "not scheduled"
    local = upcoming.due_at.astimezone(zone_info(sub.timezone))
    when = f"next {local:%a} {local.day} {local:%b %Y}, {local:%H:%M %Z}"
    if upcoming.moved_from is not None:
        day = upcoming.moved_from
        when += f" (moved from {day:%a} {day.day} {day:%b}, a holiday)"
    return f"{when}, covering {upcoming.period.label}"


def _line(row: ScheduledDigest) -> str:
    sub = row.subscription
    line = (
        f"`#{sub.id}` *{safe(sub.team_name)}* → <#{sub.channel_id}> · {schedule_text(sub)} · "
        f"{due_text(row)}"
    )
    if row.last_failure is not None:
        line += f"\n:warning: {failed_text(sub, row.last_failure)}"
    return line


# -- failed posts --------------------------------------------------------------------------------
# Slack's refusal codes (and a Noko failure) as the reason people read, with how to fix it.
_FAILURE_REASONS = {
    "not_in_channel": "I'm not in the channel. Invite me with `/invite @noko-teams` there",
    "channel_not_found": (
        "I can't see the channel (a direct message, a private channel I'm not in, or deleted)"
    ),
    "is_archived": "the channel is archived",
    "restricted_action": "the channel doesn't let me post",
    "missing_scope": "the app lacks a Slack permission: ask an admin to reinstall it",
}


def failure_reason(error: str | None) -> str:
    """Why a run failed, in words (mrkdwn, escaped)."""
    text = error or "no reason recorded"
    for code, reason in _FAILURE_REASONS.items():
        if code in text:
            return reason
    if text.startswith("Noko"):
        return "Noko didn't answer, so the digest couldn't be made"
    return safe(text[:200])


def _due(sub: Subscription, run: Run) -> str:
    if run.due_at is None:
        return run.period_key
    local = run.due_at.astimezone(zone_info(sub.timezone))
    return f"{local:%a} {local.day} {local:%b} {local:%H:%M}"


def failed_text(sub: Subscription, run: Run) -> str:
    """ "Last post failed (due Mon 9 Nov 09:00): reason." for listings."""
    return f"Last post failed (due {_due(sub, run)}): {failure_reason(run.error)}."


def failure_notice(sub: Subscription, run: Run, *, for_owner: bool) -> str:
    """What the subscriber's DM (``for_owner``) or the audit channel says about a failed post."""
    what = f"The *{safe(sub.team_name)}* digest for <#{sub.channel_id}> (`#{sub.id}`)"
    text = f":warning: {what}, due {_due(sub, run)}, wasn't posted: {failure_reason(run.error)}."
    if "not_in_channel" in (run.error or ""):
        text += " When I'm added to the channel I'll post it, marked late, if it's still recent."
    if not for_owner:
        text += f" <@{sub.created_by}> was told."
    return text


# -- command replies ---------------------------------------------------------------------------
def digest_preview_reply(messages: Sequence[Reply], button_value: str) -> Reply:
    """The digest's main message, for the caller only, with a button to post it."""
    first = messages[0]
    blocks: list[Block] = first.blocks[: MESSAGE_BLOCKS - 2]
    if len(messages) > 1:
        blocks.append(context(f"Posting adds {len(messages) - 1} more part(s) in a thread."))
    blocks.append(
        {
            "type": "actions",
            "block_id": BlockId.DIGEST_ACTIONS,
            "elements": [button("Post to channel", ActionId.POST_DIGEST, button_value, "primary")],
        }
    )
    return Reply(first.text, blocks)


def posted_reply(channel_id: str, thread_problem: str | None = None) -> Reply:
    """The digest is in the channel; ``thread_problem`` says which thread reply is missing."""
    text = f":white_check_mark: Posted the digest to <#{channel_id}>."
    if thread_problem:
        text += f" Part of its thread is missing ({safe(thread_problem)})."
    return Reply(text)


def not_in_channel_reply(channel_id: str) -> Reply:
    return Reply(NOT_IN_CHANNEL.format(channel=channel_id))


def join_offer_reply(text: str, channel_id: str) -> Reply:
    """A refusal for a public channel the bot isn't in, with a button to let it join."""
    actions = {
        "type": "actions",
        "block_id": BlockId.DIGEST_ACTIONS,
        "elements": [button("Add me to the channel", ActionId.JOIN_CHANNEL, channel_id, "primary")],
    }
    return Reply(text, [section(text), actions])


def joined_reply(channel_id: str, problem: str | None = None) -> Reply:
    """After the join button: joined, or why not (``problem``: Slack's error code)."""
    if problem:
        text = (
            f"Slack didn't let me join <#{channel_id}> ({safe(problem)}). "
            "Invite me with `/invite @noko-teams` in that channel instead."
        )
    else:
        text = f":white_check_mark: I joined <#{channel_id}>. Run your `subscribe` again."
    return Reply(text)


def post_unknown_reply(channel_id: str) -> Reply:
    """Slack may have posted it: the clicker looks before pressing the button again."""
    return Reply(
        f":warning: Slack didn't answer; the digest may or may not be in <#{channel_id}>. "
        "Look there before you press *Post to channel* again."
    )


def subscriptions_reply(rows: Sequence[ScheduledDigest], team: str | None = None) -> Reply:
    title = f"Digest subscriptions of {team}" if team else "Digest subscriptions"
    if not rows:
        text = f"No digest subscriptions{' for ' + safe(team) if team else ''} yet."
        hint = safe("Add one with `/noko-team subscribe <team>`.")
        return Reply(text, [section(f"{text} {hint}")])
    blocks = [header(title), *line_sections([_line(r) for r in rows], max_blocks=40)]
    blocks.append(
        context(
            safe(
                "Change one with `/noko-team pause <id>`, `resume <id>`, "
                "`unsubscribe <id>`, or from the bot's Home tab."
            )
        )
    )
    return message(safe(f"{title}: {len(rows)}"), blocks)


def subscribed_reply(row: ScheduledDigest, created: bool) -> Reply:
    sub = row.subscription
    verb = "Subscribed" if created else "Updated the digest of"
    text = (
        f":white_check_mark: {verb} <#{sub.channel_id}> to *{safe(sub.team_name)}* "
        f"(`#{sub.id}`): {settings_text(sub)}; {due_text(row)}.{owner_note(sub)}"
    )
    return Reply(text, [section(text)])


# What a channel digest shows when its owner's Noko level doesn't show everyone's time.
_OWNER_READS = {
    "projects": "their own time and the time in the projects they are assigned to",
    "own": "their own time",
}


def owner_note(sub: Subscription) -> str:
    """ " It shows only …" when the digest reads as someone who sees part of the time."""
    reads = _OWNER_READS.get(sub.read_level or "")
    return f" It shows only what <@{sub.created_by}> may read in Noko: {reads}." if reads else ""


def unsubscribed_reply(subs: Sequence[Subscription]) -> Reply:
    lines = [f"`#{s.id}` *{safe(s.team_name)}* → <#{s.channel_id}>" for s in subs]
    text = ":wastebasket: Stopped the digest " + ", ".join(lines) + "."
    return Reply(text, [section(text)])


def paused_reply(row: ScheduledDigest) -> Reply:
    sub = row.subscription
    state = ":double_vertical_bar: Paused" if sub.paused else ":arrow_forward: Resumed"
    text = (
        f"{state} the digest `#{sub.id}` of *{safe(sub.team_name)}* in <#{sub.channel_id}> "
        f"({due_text(row)}).{'' if sub.paused else owner_note(sub)}"
    )
    return Reply(text, [section(text)])


# -- App Home ----------------------------------------------------------------------------------
def home_digests_section(
    rows: Sequence[ScheduledDigest], *, can_change: bool = False
) -> list[Block]:
    """The Home tab's channel digests: one line and Preview each, with Pause/Resume and Delete
    for someone who ``can_change`` them."""
    blocks: list[Block] = [header("Channel digests")]
    if not rows:
        hint = safe("No channel digests yet: `/noko-team subscribe <team> #channel`.")
        blocks.append(context(hint))
    for row in rows[:HOME_DIGESTS_MAX]:
        blocks += _home_row(row, can_change)
    if len(rows) > HOME_DIGESTS_MAX:
        more = len(rows) - HOME_DIGESTS_MAX
        blocks.append(context(f"…and {more} more: use `/noko-team subscriptions`."))
    return blocks


def _home_row(row: ScheduledDigest, can_change: bool) -> list[Block]:
    sub, value = row.subscription, str(row.subscription.id)
    toggle = (
        button("Resume", ActionId.SUB_RESUME, value, "primary")
        if sub.paused
        else button("Pause", ActionId.SUB_PAUSE, value)
    )
    delete = button("Delete", ActionId.SUB_DELETE, value, "danger")
    delete["confirm"] = {
        "title": plain("Delete this digest?", 100),
        "text": {
            "type": "mrkdwn",
            "text": f"<#{sub.channel_id}> will stop getting the "
            f"*{safe(sub.team_name)}* digest. Noko is not changed.",
        },
        "confirm": plain("Delete", 30),
        "deny": plain("Keep it", 30),
        "style": "danger",
    }
    actions = {
        "type": "actions",
        "block_id": f"{BlockId.HOME_DIGESTS}:{sub.id}:actions",
        "elements": [
            *([toggle] if can_change else []),
            button("Preview", ActionId.SUB_PREVIEW, value),
            *([delete] if can_change else []),
        ],
    }
    return [section(_line(row), block_id=f"{BlockId.HOME_DIGESTS}:{sub.id}"), actions]


def digest_preview_modal(messages: Sequence[Reply], note: str) -> dict[str, Any]:
    """A digest in a modal (the main message; replies would go in the thread)."""
    blocks = [*messages[0].blocks[: VIEW_BLOCKS - 2], context(note)]
    return {
        "type": "modal",
        "callback_id": CallbackId.DIGEST_PREVIEW,
        "title": plain("Digest preview", 24),
        "close": plain("Close", 24),
        "blocks": blocks,
    }


# -- subscribe modal ---------------------------------------------------------------------------
def day_option(value: str) -> dict[str, Any]:
    """``w0``..``w6`` are weekdays (weekly), ``m1``..``m31`` days of the month (monthly)."""
    if value.startswith("w"):
        return option(WEEKDAYS[int(value[1:])].title(), value)
    return option(f"Day {value[1:]}", value)


def _select(action_id: str, options: list[dict[str, Any]], initial: str | None) -> Block:
    element: Block = {"type": "static_select", "action_id": action_id, "options": options}
    chosen = [o for o in options if o["value"] == initial]
    if chosen:
        element["initial_option"] = chosen[0]
    return element


def _workday_boxes(workdays: frozenset[int] | None) -> Block:
    """Monday to Sunday, the given workdays (else Monday to Friday) ticked."""
    boxes = [option(WEEKDAYS[d].title(), str(d)) for d in range(7)]
    ticked = workdays if workdays is not None else DEFAULT_WORKDAYS
    return {
        "type": "checkboxes",
        "action_id": ActionId.SUB_WORKDAYS,
        "options": boxes,
        "initial_options": [b for d, b in enumerate(boxes) if d in ticked],
    }


def _day_select(initial: str | None) -> Block:
    groups = [
        {
            "label": plain("Weekly: day of the week"),
            "options": [day_option(f"w{i}") for i in range(7)],
        },
        {
            "label": plain("Monthly: day of the month"),
            "options": [day_option(f"m{d}") for d in range(1, 32)],
        },
    ]
    element: Block = {
        "type": "static_select",
        "action_id": ActionId.SUB_DAY,
        "option_groups": groups,
    }
    if initial:
        element["initial_option"] = day_option(initial)
    return element


def _timepicker(initial: str) -> Block:
    return {"type": "timepicker", "action_id": ActionId.SUB_TIME, "initial_time": initial}


def _channel_select(channel_id: str | None) -> Block:
    # conversations_select needs no extra scope (channels:read is only for listing via the API).
    only = {"include": ["public", "private"], "exclude_bot_users": True}
    element: Block = {
        "type": "conversations_select",
        "action_id": ActionId.SUB_CHANNEL,
        "filter": only,
    }
    if channel_id:
        element["initial_conversation"] = channel_id
    return element


def subscribe_modal(
    *,
    private_metadata: str,
    team: tuple[int, str] | None,
    channel_id: str | None,
    cadence: str,
    day: str | None,
    local_time: str,
    timezone: str,
    problems: Sequence[str] = (),
    workdays: frozenset[int] | None = None,
) -> dict[str, Any]:
    """The subscribe form, pre-filled; ``problems`` (mrkdwn, user text in them escaped by
    whoever wrote them, as in every BotError) say what was wrong with the typed command."""
    zones = [option(z, z) for z in list(dict.fromkeys([timezone, *COMMON_ZONES]))[:100]]
    cadences = [option(c.title(), c) for c in ("daily", "weekly", "monthly")]
    cadence_menu = _select(ActionId.SUB_CADENCE, cadences, cadence)
    zone_menu = _select(ActionId.SUB_TIMEZONE, zones, timezone)
    blocks = [context(":warning: " + p) for p in problems[:3]]
    blocks += [
        team_input(team_option(*team) if team else None),
        input_block(BlockId.SUB_CHANNEL, "Channel", _channel_select(channel_id)),
        input_block(BlockId.SUB_CADENCE, "How often", cadence_menu),
        input_block(BlockId.SUB_DAY, "Day (weekly or monthly)", _day_select(day), optional=True),
        input_block(BlockId.SUB_TIME, "Time", _timepicker(local_time)),
        input_block(BlockId.SUB_TIMEZONE, "Time zone", zone_menu),
        input_block(BlockId.SUB_WORKDAYS, "Workdays", _workday_boxes(workdays), optional=True),
        context(
            "Daily: posted on workdays (Monday to Friday, not holidays), covering the workday "
            "before. Weekly: the week once "
            "its last workday has come, else the week before. Monthly: the month before."
        ),
    ]
    return {
        "type": "modal",
        "callback_id": CallbackId.SUBSCRIBE,
        "title": plain("Channel digest", 24),
        "submit": plain("Subscribe", 24),
        "close": plain("Cancel", 24),
        "blocks": blocks,
        "private_metadata": private_metadata,
    }
