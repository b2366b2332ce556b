"""Messages about teams: the list, one team, its members, changes and confirmations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.blocks.common import (
    MESSAGE_BLOCKS,
    Reply,
    button,
    context,
    header,
    line_sections,
    message,
    section,
)
from bot.errors import safe
from bot.ids import ActionId, BlockId
from bot.services.change_check import ChangeCheck, CheckTarget
from bot.services.people import display_name, names_of
from bot.services.team_changes import ChangeOutcome
from bot.services.teams import TeamDetail, TeamRow

_VERBS = {"add": "added", "remove": "removed"}


def _names(users: Sequence[Mapping[str, object]]) -> str:
    return safe(names_of(users))


def _members_label(count: int) -> str:
    return "1 member" if count == 1 else f"{count} members"


def team_list_reply(rows: Sequence[TeamRow], query: str = "") -> Reply:
    if not rows:
        text = f"No Noko team matches “{safe(query)}”." if query else "There are no Noko teams yet."
        return message(text, [section(text)])
    title = f"Noko teams matching “{query}”" if query else "Noko teams"
    lines = [f"• *{safe(r.name)}* — {_members_label(r.member_count)} (id {r.id})" for r in rows]
    body = line_sections(lines, max_blocks=MESSAGE_BLOCKS - 2)
    text = f"{title}: {len(rows)}"
    return message(safe(text), [header(text), *body])


def _member_line(user: Mapping[str, object]) -> str:
    notes = [str(user.get("email") or "no e-mail")]
    notes += [str(user[k]) for k in ("role", "state") if user.get(k)]
    return f"• {safe(display_name(user))} ({safe(', '.join(notes))})"


def team_detail_reply(detail: TeamDetail) -> Reply:
    filters = f" ({', '.join(detail.filters)})" if detail.filters else ""
    text = f"{detail.name}{filters}: {_members_label(len(detail.members))}"
    if not detail.members:
        body = [section("_Nobody matches._" if filters else "_This team has no members._")]
    else:
        lines = [_member_line(u) for u in detail.members]
        body = line_sections(lines, max_blocks=MESSAGE_BLOCKS - 2)
    return message(safe(text), [header(text), *body, context(f"Noko team id {detail.id}")])


INACTIVE = ("suspended", "disabled")


def change_reply(outcome: ChangeOutcome) -> Reply:
    """What the bot did, naming every person added or removed (and those left as they were)."""
    if outcome.unknown:
        return _unknown_reply(outcome)
    text = _change_sentence(outcome)
    blocks = [section(text)]
    if outcome.unchanged and outcome.action == "add":
        blocks.append(context(f"Already members: {_names(outcome.unchanged)}"))
    if outcome.unchanged and outcome.action == "remove":
        blocks.append(context(f"Not members, left alone: {_names(outcome.unchanged)}"))
    inactive = [u for u in outcome.changed if u.get("state") in INACTIVE]
    if inactive and outcome.action in ("add", "create"):
        who = ", ".join(f"{safe(display_name(u))} ({u.get('state')})" for u in inactive)
        blocks.append(context(f"Not active in Noko, so they can't log time yet: {who}"))
    return message(text, blocks)


def _change_sentence(o: ChangeOutcome) -> str:
    if o.action in ("add", "remove") and not o.changed:
        return f"Nothing to change in *{safe(o.team_name)}*."
    done = _done_phrase(o)
    if o.action == "delete":
        done += f" (its {_members_label(len(o.unchanged))} keep their accounts)"
    if o.action == "clear":
        done += f": {_names(o.changed)}"
    return done[0].upper() + done[1:] + "."


def _unknown_reply(outcome: ChangeOutcome) -> Reply:
    """Noko got the request but its answer was lost: say so, and offer to look."""
    text = (
        f":warning: Noko didn't answer in time, so I can't tell whether it {_done_phrase(outcome)}."
        " It may have happened. Press *Check* to see what Noko has now before trying again."
    )
    check = button("Check", ActionId.CHECK_CHANGE, CheckTarget.of(outcome).dump())
    actions = {"type": "actions", "block_id": BlockId.CHECK, "elements": [check]}
    return message(text, [section(text), actions])


def _done_phrase(o: ChangeOutcome) -> str:
    team = f"*{safe(o.team_name)}*"
    if o.action == "create":
        return f"created team {team}" + (f" with {_names(o.changed)}" if o.changed else "")
    if o.action == "rename":
        return f"renamed *{safe(o.old_name or '')}* to {team}"
    if o.action == "delete":
        return f"deleted team {team}"
    if o.action == "clear":
        return f"removed everyone from {team}"
    preposition = "to" if o.action == "add" else "from"
    return f"{_VERBS[o.action]} {_names(o.changed)} {preposition} {team}"


def audit_text(outcome: ChangeOutcome, user_id: str) -> str:
    """The line posted to AUDIT_CHANNEL."""
    if outcome.unknown:
        return (
            f"<@{user_id}>: :warning: outcome unknown: Noko didn't answer, so it may or may not "
            f"have {_done_phrase(outcome)}."
        )
    return f"<@{user_id}>: {_change_sentence(outcome)}"


def check_reply(check: ChangeCheck) -> Reply:
    """What Noko has now, after a change whose answer was lost."""
    text = _check_sentence(check)
    blocks = [section(text)]
    if check.team is not None and check.target.user_ids:
        lines = [f"In the team: {_names(check.present) or 'nobody'}."]
        lines.append(f"Not in the team: {_names(check.absent) or 'nobody'}.")
        blocks.append(context(" ".join(lines)))
    return message(text, blocks)


def _check_sentence(check: ChangeCheck) -> str:
    target, team = check.target, check.team
    asked = f"*{safe(target.name)}*"
    if team is None:
        if target.action == "delete":
            return f"Team {asked} is not in Noko any more: it was deleted."
        if target.action == "create":
            return f"Noko has no team called {asked}: it was not created, so you can try again."
        return f"Team {asked} (id {target.team_id}) is not in Noko any more."
    now = f"*{safe(str(team['name']))}*"
    members = _members_label(len(team.get("users") or []))
    if target.action == "create":
        return f"Noko has team {now} (id {team['id']}, {members}): it was created."
    if target.action == "rename":
        verdict = "it was renamed" if check.happened else "it was not renamed"
        return f"The team is called {now} in Noko ({members}): {verdict}."
    if target.action == "delete":
        return f"Team {now} is still in Noko with {members}: it was not deleted."
    if target.action == "clear":
        verdict = "it was emptied" if check.happened else "it was not emptied"
        return f"Team {now} has {members} in Noko: {verdict}."
    done = "added" if target.action == "add" else "removed"
    verdict = f"they were {done}" if check.happened else f"not everyone was {done}"
    return f"Team {now} has {members} in Noko: {verdict}."


def confirm_reply(action: str, team_id: int, team_name: str, member_count: int) -> Reply:
    """Ask before deleting or emptying a team: both cannot be undone from Slack."""
    if action == "delete":
        question = f"Delete team *{safe(team_name)}* ({_members_label(member_count)})?"
        action_id, label = ActionId.CONFIRM_DELETE, "Delete team"
    else:
        question = f"Remove all {_members_label(member_count)} from *{safe(team_name)}*?"
        action_id, label = ActionId.CONFIRM_CLEAR, "Remove everyone"
    buttons = {
        "type": "actions",
        "block_id": BlockId.CONFIRM,
        "elements": [
            button(label, action_id, str(team_id), style="danger"),
            button("Cancel", ActionId.CANCEL, str(team_id)),
        ],
    }
    return message(question, [section(f"{question} This cannot be undone."), buttons])
