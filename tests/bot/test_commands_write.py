"""Changing teams by command: authorization, audit rows, the audit channel, confirmations."""

from __future__ import annotations

from slackkit import reply_text

from bot.ids import ActionId
from tests.blockkit import element_by_action


def _team(deps, name):
    return next(t for t in deps.noko.list_teams() if t["name"] == name)


def _ids(deps, name):
    return {u["id"] for u in _team(deps, name)["users"]}


def _noko_id(deps, email):
    return next(u["id"] for u in deps.noko.list_users() if u["email"] == email.lower())


def test_add_by_mention_and_email_as_supervisor(slack, people, deps, fake, dataset):
    extra = next(u for u in dataset.users if u.role == "contractor")
    text = f"add Design <@{people.mate.id}|mate> <mailto:{extra.email}|{extra.email}>"
    reply = reply_text(slack.run(text, people.supervisor))
    assert "Added" in reply and people.mate.name in reply and extra.full_name in reply
    assert {_noko_id(deps, people.mate.email), extra.id} <= _ids(deps, "Design")
    audit = deps.repo.list_audit()[0]
    assert (audit.action, audit.result, audit.team_name) == ("add", "ok", "Design")
    assert audit.slack_user_id == people.supervisor.id
    posted = fake.wait_for("chat.postMessage")[0]
    assert (
        posted.args["channel"] == "CAUDIT" and f"<@{people.supervisor.id}>" in posted.args["text"]
    )


def test_the_audit_post_sends_no_empty_blocks_list(slack, people, fake):
    slack.run(f"add Design <@{people.mate.id}|mate>", people.supervisor)
    posted = fake.wait_for("chat.postMessage")[0]

    assert posted.args["channel"] == "CAUDIT", posted.args
    assert "blocks" not in posted.args or posted.args["blocks"], posted.args  # never "blocks": []
    assert "Added" in posted.args["text"], posted.args


def test_adding_a_suspended_or_disabled_person_is_flagged(slack, people, deps, dataset):
    inactive = [u for u in dataset.users if u.state in ("suspended", "disabled")]
    active = next(u for u in dataset.users if u.state == "active" and u.id not in _ids(deps, "R&D"))
    words = " ".join(str(u.id) for u in [*inactive, active])
    reply = reply_text(slack.run(f"add R&D {words}", people.admin))
    assert "Not active in Noko, so they can't log time yet:" in reply
    assert all(f"{u.full_name} ({u.state})" in reply for u in inactive)
    assert f"{active.full_name} (" not in reply.split("Not active in Noko", 1)[1]


def test_add_names_people_who_cannot_be_mapped_and_changes_nothing(slack, people, deps):
    before = _ids(deps, "Design")
    text = f"add Design <@{people.stranger.id}> nobody@example.com <@{people.no_email.id}> 99999"
    reply = reply_text(slack.run(text, people.admin))
    assert "Nothing was changed" in reply
    for part in (f"@{people.stranger.name}", "nobody@example.com", "@Ghost", "`99999`"):
        assert part in reply
    assert "<@" not in reply, reply  # typed mentions are echoed as names, never live
    assert _ids(deps, "Design") == before
    assert deps.repo.list_audit()[0].result == "failed"


def test_coworker_is_denied_and_the_denial_is_audited(slack, people, deps):
    before = _ids(deps, "Design")
    reply = reply_text(slack.run(f"add Design <@{people.mate.id}>", people.coworker))
    assert "can't add people to teams" in reply and "your Noko role is coworker" in reply
    assert _ids(deps, "Design") == before
    audit = deps.repo.list_audit()[0]
    assert (audit.action, audit.result, audit.slack_user_id) == (
        "add",
        "denied",
        people.coworker.id,
    )


def test_stranger_without_noko_account_is_told_why(slack, people):
    reply = reply_text(slack.run("rename Design Studio", people.stranger))
    assert "matches no Noko user" in reply


def test_remove_by_noko_id_reports_who_was_not_a_member(slack, people, deps):
    design = _team(deps, "Design")
    member = design["users"][0]
    outsider = next(u for u in deps.noko.list_users() if u["id"] not in _ids(deps, "Design"))
    reply = reply_text(slack.run(f"remove design {member['id']} {outsider['id']}", people.admin))
    assert "Removed" in reply and member["first_name"] in reply and "left alone" in reply
    assert member["id"] not in _ids(deps, "Design")


def test_create_with_members(slack, people, deps):
    reply = reply_text(slack.run(f'create "Data Science" <@{people.mate.id}>', people.admin))
    assert "Created team *Data Science*" in reply
    assert _ids(deps, "Data Science") == {_noko_id(deps, people.mate.email)}
    assert deps.repo.list_audit()[0].team_id == _team(deps, "Data Science")["id"]


def test_create_refuses_an_existing_name(slack, people):
    reply = reply_text(slack.run(f"create design <@{people.mate.id}>", people.admin))
    assert "already a team called *Design*" in reply


def _click(slack, user, call, *action_ids):
    button = element_by_action(call.args["blocks"], *action_ids)
    return slack.reply(
        slack.action(user, {"action_id": button["action_id"], "value": button["value"]})
    )


def test_rename_quoted(slack, people, deps):
    call = slack.run('rename "Engineering Ops" Platform Team', people.supervisor)
    assert "Rename team *Engineering Ops* → *Platform Team*?" in reply_text(call)
    done = _click(slack, people.supervisor, call, ActionId.CONFIRM_RENAME)
    assert "Renamed *Engineering Ops* to *Platform Team*" in reply_text(done)
    assert _team(deps, "Platform Team")


def test_rename_without_new_name_gives_usage(slack, people):
    reply = reply_text(slack.run("rename Design", people.supervisor))
    assert "Usage: `/noko-team rename &lt;team&gt; &lt;new name&gt;`" in reply


def test_delete_asks_then_deletes_on_confirm(slack, people, deps, fake):
    call = slack.run("delete marketing", people.admin)
    assert "Delete team *Marketing* (4 members)?" in reply_text(call)
    button = element_by_action(call.args["blocks"], ActionId.CONFIRM_DELETE)
    assert _team(deps, "Marketing")
    key = slack.action(people.admin, {"action_id": button["action_id"], "value": button["value"]})
    done = slack.reply(key)
    assert "Deleted team *Marketing*" in done.args["text"] and done.args["replace_original"]
    assert all(t["name"] != "Marketing" for t in deps.noko.list_teams())
    assert deps.repo.list_audit()[0].action == "delete"
    # A second click on the used button says the team is gone, not "no team matches “6”".
    again = slack.reply(
        slack.action(people.admin, {"action_id": button["action_id"], "value": button["value"]})
    )
    assert again.args["text"].startswith("Nothing was changed: that team is no longer in Noko")
    assert "matches" not in again.args["text"]


def test_delete_by_coworker_is_refused_before_confirmation(slack, people, deps):
    reply = reply_text(slack.run("delete Marketing", people.coworker))
    assert "can't delete teams" in reply and "Delete team" not in reply
    assert deps.repo.list_audit()[0].result == "denied"


def test_clear_confirm_then_cancel_changes_nothing(slack, people, deps):
    call = slack.run("clear R&amp;D", people.admin)
    assert "Remove all 5 members from *R&amp;D*?" in reply_text(call)
    cancel = element_by_action(call.args["blocks"], ActionId.CANCEL)
    key = slack.action(people.admin, {"action_id": cancel["action_id"], "value": cancel["value"]})
    assert "nothing was changed" in slack.reply(key).args["text"]
    assert len(_ids(deps, "R&D")) == 5


def test_clear_confirmed_empties_the_team(slack, people, deps):
    call = slack.run("clear Design", people.supervisor)
    button = element_by_action(call.args["blocks"], ActionId.CONFIRM_CLEAR)
    key = slack.action(
        people.supervisor, {"action_id": button["action_id"], "value": button["value"]}
    )
    assert "Removed everyone from *Design*" in slack.reply(key).args["text"]
    assert _ids(deps, "Design") == set()


def test_bot_admin_by_email_may_change(slack, people, deps, fake, settings):
    from bot.devtools.fake_slack import SlackUser

    boss = SlackUser("UBOSS", "Bot Admin", "UBotAdmin@corp.example")
    fake.add_user(boss)
    done = _click(slack, boss, slack.run("rename Marketing Growth", boss), ActionId.CONFIRM_RENAME)
    assert "Renamed *Marketing* to *Growth*" in reply_text(done)
