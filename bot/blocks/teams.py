"""Messages about teams: the list, one team, its members, changes and confirmations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.blocks.common import (
    MESSAGE_BLOCKS,
    Block,
    Reply,
    button,
    clip,
    context,
    header,
    join_within,
    line_sections,
    message,
    page_of,
    pager,
    section,
)
from bot.blocks.freshness import freshness_blocks
from bot.errors import readable, safe
from bot.ids import COMMAND, ActionId, BlockId
from bot.services.change_check import ChangeCheck, CheckTarget
from bot.services.paging import ListPage, MembersPage, PageRequest
from bot.services.people import display_name
from bot.services.team_changes import ChangeOutcome, RenamePlan
from bot.services.teams import ROLES, STATES, TeamDetail, TeamRow

_VERBS = {"add": "added", "remove": "removed"}
# A list of names in a reply: the longest that leaves its sentence within one section.
NAMES_CHARS = 2200
# A page of a listing: lines and their characters, leaving room for the header and pager.
PAGE_LINES = 50
PAGE_CHARS = 7000


def _names(users: Sequence[Mapping[str, object]], limit: int = NAMES_CHARS) -> str:
    """Names, escaped, cut after a whole name with "…and N more" when they don't fit."""
    return join_within([safe(display_name(u)) for u in users], limit) or "nobody"


def _members_label(count: int) -> str:
    return "1 member" if count == 1 else f"{count:,} members"


def shared_hint(request: PageRequest) -> str:
    """What a shared (in-channel) page says instead of buttons anyone could press."""
    return f"Run `{safe(f'{COMMAND} {request.command()}')}` to page through them."


def paged_lines(
    lines: Sequence[str], request: PageRequest, noun: str, *, shared: bool = False
) -> tuple[list[Block], list[Block]]:
    """Page ``request.page`` of ``lines`` as sections, and the pager that goes under them."""
    page = page_of([len(line) + 1 for line in lines], request.page,
                   per_page=PAGE_LINES, max_chars=PAGE_CHARS)  # fmt: skip
    body = line_sections(lines[page.start : page.end], max_blocks=MESSAGE_BLOCKS - 4)
    hint = shared_hint(request) if shared else None
    return body, pager(page, noun, request.value, shared_hint=hint)


def team_list_reply(
    rows: Sequence[TeamRow], query: str = "", *, page: int = 0, shared: bool = False
) -> Reply:
    if not rows:
        text = (
            f"No Noko team matches “{safe(readable(query))}”."
            if query
            else "There are no Noko teams yet."
        )
        return message(text, [section(text)])
    title = f"Noko teams matching “{readable(query)}”" if query else "Noko teams"
    lines = [
        f"• *{safe(clip(r.name, 200))}* — {_members_label(r.member_count)} (id {r.id})"
        for r in rows
    ]
    # `list` takes at most 100 characters of filter (ListArgs); a longer one can't page.
    request = ListPage(text=query[:100], page=page)
    body, paging = paged_lines(lines, request, "Teams", shared=shared)
    text = f"{title}: {len(rows):,}"
    return message(safe(text), [header(text), *body, *paging])


def _member_line(user: Mapping[str, object]) -> str:
    notes = [clip(str(user.get("email") or "no e-mail"), 200)]
    notes += [str(user[k]) for k in ("role", "state") if user.get(k)]
    return f"• {safe(clip(display_name(user), 200))} ({safe(', '.join(notes))})"


def members_request(detail: TeamDetail, page: int = 0) -> MembersPage:
    """What re-reads ``detail``: its team and the role and state it was filtered by."""
    role = next((f for f in ROLES if f in detail.filters), None)
    state = next((f for f in STATES if f in detail.filters), None)
    return MembersPage(team=detail.id, role=role, state=state, page=page)


def team_detail_reply(detail: TeamDetail, *, page: int = 0, shared: bool = False) -> Reply:
    filters = f" ({', '.join(detail.filters)})" if detail.filters else ""
    text = f"{detail.name}{filters}: {_members_label(len(detail.members))}"
    paging: list[Block] = []
    if not detail.members:
        body = [section("_Nobody matches._" if filters else "_This team has no members._")]
    else:
        lines = [_member_line(u) for u in detail.members]
        body, paging = paged_lines(lines, members_request(detail, page), "Members", shared=shared)
    note = freshness_blocks(detail.freshness)
    blocks = [header(text), *note, *body, context(f"Noko team id {detail.id}"), *paging]
    return message(safe(text), blocks)


INACTIVE = ("suspended", "disabled")


def change_reply(outcome: ChangeOutcome, undo_id: str | None = None) -> Reply:
    """What the bot did, naming every person added or removed (and those left as they were);
    with an Undo button when ``undo_id`` is an undo the change offers."""
    if outcome.unknown:
        return _unknown_reply(outcome)
    text = _change_sentence(outcome)
    blocks = [section(text)]
    if undo_id is not None:
        undo = button("Undo", ActionId.UNDO_CHANGE, undo_id)
        blocks.append({"type": "actions", "block_id": BlockId.UNDO, "elements": [undo]})
    if outcome.unchanged and outcome.action == "add":
        blocks.append(context(f"Already members: {_names(outcome.unchanged)}"))
    if outcome.unchanged and outcome.action == "remove":
        blocks.append(context(f"Not members, left alone: {_names(outcome.unchanged)}"))
    inactive = [u for u in outcome.changed if u.get("state") in INACTIVE]
    if inactive and outcome.action in ("add", "create"):
        who = join_within([f"{safe(display_name(u))} ({u.get('state')})" for u in inactive], 2000)
        blocks.append(context(f"Not active in Noko, so they can't log time yet: {who}"))
    return message(text, blocks)


def undone_reply(outcome: ChangeOutcome) -> Reply:
    """What an Undo did (it is a change of its own, so an unknown outcome offers Check)."""
    if outcome.unknown:
        return _unknown_reply(outcome)
    if outcome.action in ("add", "remove") and not outcome.changed:
        text = f"Nothing to undo: *{safe(outcome.team_name)}* is already as it was."
    else:
        text = f"Undone: {_done_phrase(outcome)}."
    return message(text, [section(text)])


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


def audit_text(outcome: ChangeOutcome, user_id: str, *, undo: bool = False) -> str:
    """The line posted to AUDIT_CHANNEL (``undo``: the change was an Undo)."""
    who = f"<@{user_id}>: " + ("Undo: " if undo else "")
    if outcome.unknown:
        return (
            f"{who}:warning: outcome unknown: Noko didn't answer, so it may or may not "
            f"have {_done_phrase(outcome)}."
        )
    return who + _change_sentence(outcome)


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
    buttons = _confirm_buttons(button(label, action_id, str(team_id), style="danger"))
    return message(question, [section(f"{question} This cannot be undone."), buttons])


def rename_confirm_reply(plan: RenamePlan) -> Reply:
    """Ask before renaming, showing the old name and the new one."""
    question = f"Rename team *{safe(plan.old_name)}* → *{safe(plan.new_name)}*?"
    rename = button("Rename", ActionId.CONFIRM_RENAME, plan.dump(), style="primary")
    return message(question, [section(question), _confirm_buttons(rename)])


def _confirm_buttons(confirm: Block) -> Block:
    cancel = button("Cancel", ActionId.CANCEL, "cancel")
    return {"type": "actions", "block_id": BlockId.CONFIRM, "elements": [confirm, cancel]}
