"""A team name of several words is never guessed: when a command's words split two ways into a
team and the rest, each naming a team, the bot lists the readings (quoted names always work).
And `rename` asks for one click, showing old → new, before anything changes."""

from __future__ import annotations

import pytest
from slackkit import reply_text

from bot.ids import ActionId
from tests.blockkit import element_by_action

# Teams in the sandbox: Engineering, Design, Engineering Ops, Customer Success, R&D, Marketing.
ASKS = "I can read that in 2 ways, so I did nothing."
R = "/noko-team rename"
# (teams created first, what was typed, what the reply must say); a confirmation names the
# team found and the new name, an ask lists each reading as a command with the team quoted.
TABLE = [
    # The case: "Customer" is a prefix of Customer Success, so two renames are possible.
    ((), "rename Customer Success CS",
     [ASKS, f'`{R} "Customer Success" Success CS`', f'`{R} "Customer Success" CS`']),
    (("Customer",), "rename Customer Success CS",
     [ASKS, f'`{R} "Customer" Success CS`', f'`{R} "Customer Success" CS`']),
    (("Customer",), 'rename "Customer Success" CS', ["*Customer Success* → *CS*?"]),
    (("Customer",), 'rename "Customer" Success CS', ["*Customer* → *Success CS*?"]),
    (("Customer",), 'rename Customer "Success CS"', ["*Customer* → *Success CS*?"]),
    ((), "rename Marketing Growth Team", ["*Marketing* → *Growth Team*?"]),  # one names a team
    ((), "rename Design Studio", ["*Design* → *Studio*?"]),
    ((), "rename Nowhere Team", ["Team not found"]),  # no reading: the usual one's error
    # Other commands that split a team from the rest follow the same rule.
    (("Design Active",), "members Design active",
     [ASKS, '`/noko-team members "Design" active`', '`/noko-team members "Design Active"`']),
    (("Design Active",), 'members "Design" active', ["Design (active)"]),
    (("Q3 2026",), "add Q3 2026 4242",
     [ASKS, '`/noko-team add "Q3 2026" 2026 4242`', '`/noko-team add "Q3 2026" 4242`']),
    (("Design Daily",), "subscribe Design daily",
     [ASKS, '`/noko-team subscribe "Design" daily`', '`/noko-team subscribe "Design Daily"`']),
    (("Design Today",), "hours Design today",
     [ASKS, '`/noko-team hours "Design" today`', '`/noko-team hours "Design Today"`']),
    (("Design Today",), 'hours "Design Today"', ["Design Today"]),
]  # fmt: skip


@pytest.mark.parametrize(("teams", "typed", "expected"), TABLE)
def test_readings_table(slack, people, deps, teams, typed, expected):
    for name in teams:
        deps.noko.create_team(name=name)
    before = sorted((t["id"], t["name"], len(t["users"])) for t in deps.noko.list_teams())

    reply = reply_text(slack.run(typed, people.admin))

    for part in expected:
        assert part in reply
    if ASKS not in expected:
        assert "ways" not in reply
    assert sorted((t["id"], t["name"], len(t["users"])) for t in deps.noko.list_teams()) == before


def test_rename_changes_nothing_until_the_click(slack, people, deps, fake):
    design = next(t for t in deps.noko.list_teams() if t["name"] == "Design")
    call = slack.run("rename Design Studio", people.admin)
    assert "Rename team *Design* → *Studio*?" in reply_text(call)
    assert deps.noko.get_single_team(design["id"])["name"] == "Design"
    assert [a.action for a in deps.repo.list_audit()] == []
    assert not fake.calls_to("chat.postMessage")  # nothing announced either

    button = element_by_action(call.args["blocks"], ActionId.CONFIRM_RENAME)
    key = slack.action(people.admin, {"action_id": button["action_id"], "value": button["value"]})
    done = slack.reply(key)

    assert "Renamed *Design* to *Studio*." in done.args["text"] and done.args["replace_original"]
    assert deps.noko.get_single_team(design["id"])["name"] == "Studio"
    audit = deps.repo.list_audit()[0]
    assert (audit.action, audit.result, audit.team_name) == ("rename", "ok", "Design -> Studio")


def test_rename_cancelled_changes_nothing(slack, people, deps):
    call = slack.run("rename Design Studio", people.admin)
    cancel = element_by_action(call.args["blocks"], ActionId.CANCEL)
    key = slack.action(people.admin, {"action_id": cancel["action_id"], "value": cancel["value"]})
    assert "nothing was changed" in slack.reply(key).args["text"]
    assert any(t["name"] == "Design" for t in deps.noko.list_teams())


def test_rename_button_of_a_team_renamed_since_changes_nothing(slack, people, deps):
    design = next(t for t in deps.noko.list_teams() if t["name"] == "Design")
    call = slack.run("rename Design Studio", people.admin)
    deps.noko.edit_team(design["id"], "Atelier")  # someone else, meanwhile
    button = element_by_action(call.args["blocks"], ActionId.CONFIRM_RENAME)
    key = slack.action(people.admin, {"action_id": button["action_id"], "value": button["value"]})
    said = slack.reply(key).args["text"]
    assert "Nothing was renamed: *Design* has been renamed *Atelier* since." in said
    assert deps.noko.get_single_team(design["id"])["name"] == "Atelier"


def test_rename_to_a_taken_name_is_refused_before_the_click(slack, people):
    reply = reply_text(slack.run("rename Design Marketing", people.admin))
    assert "There is already a team called *Marketing*." in reply
    assert "noko_confirm_rename" not in reply


def test_rename_by_a_coworker_is_refused_before_the_confirmation(slack, people, deps):
    reply = reply_text(slack.run("rename Design Studio", people.coworker))
    assert "can't rename teams" in reply and "noko_confirm_rename" not in reply
    audit = deps.repo.list_audit()[0]
    assert (audit.action, audit.result) == ("rename", "denied")
