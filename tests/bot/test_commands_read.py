"""Read subcommands end to end: signed slash commands through Bolt, replies on response_url."""

from __future__ import annotations

from slackkit import reply_text


def test_help_bare_command_lists_every_subcommand(slack, people):
    call = slack.run("", people.coworker)
    text = reply_text(call)
    for name in ("list", "show", "members", "hours", "create", "rename", "delete", "add"):
        assert f"/noko-team {name}" in text
    assert call.args["response_type"] == "ephemeral"


def test_unknown_subcommand_explains_and_shows_help(slack, people):
    text = reply_text(slack.run("frobnicate now", people.coworker))
    assert "don't know the subcommand" in text and "/noko-team show" in text


def test_list_shows_teams_with_member_counts(slack, people):
    text = reply_text(slack.run("list", people.coworker))
    assert "*Design* — 5 members" in text and "Engineering Ops" in text


def test_list_filters_by_text(slack, people):
    text = reply_text(slack.run("list eng", people.coworker))
    assert "Engineering Ops" in text and "Design" not in text


def test_show_accepts_unique_prefix_in_any_case(slack, people):
    text = reply_text(slack.run("show desi", people.coworker))
    assert "Design: 5 members" in text


def test_show_smart_quoted_name_with_space(slack, people):
    text = reply_text(slack.run("show “Engineering Ops”", people.coworker))
    assert "Engineering Ops: 4 members" in text


def test_show_escaped_ampersand_team(slack, people):
    # should_escape: Slack sends "R&D" as "R&amp;D".
    text = reply_text(slack.run("show R&amp;D", people.coworker))
    assert "R&D: 5 members" in text  # the header is plain text


def test_show_ambiguous_prefix_lists_candidates(slack, people):
    text = reply_text(slack.run("show engineering o", people.coworker))
    assert "Engineering Ops: 4 members" in text
    text = reply_text(slack.run("show eng", people.coworker))
    assert "matches several teams" in text and "*Engineering Ops*" in text


def test_show_unknown_team_suggests_closest(slack, people):
    text = reply_text(slack.run("show Desgin", people.coworker))
    assert "Team not found" in text and "Did you mean *Design*" in text


def test_show_by_numeric_id(slack, people, dataset):
    team = dataset.team_named("Marketing")
    assert "Marketing:" in reply_text(slack.run(f"show {team.id}", people.coworker))


def test_members_filters_by_role(slack, people):
    text = reply_text(slack.run('members "Engineering" supervisor', people.coworker))
    assert "supervisor" in text and "coworker" not in text.replace("supervisor", "")


def test_members_bad_role_gives_usage(slack, people):
    text = reply_text(slack.run("members", people.coworker))
    assert (
        "Which team?" in text and "Usage: `/noko-team members &lt;team&gt; [role] [state]`" in text
    )


def test_hours_default_this_week(slack, people):
    text = reply_text(slack.run("hours Design", people.coworker))
    assert "Design: Week of" in text and "Billable" in text and "Per member" in text


def test_hours_range_and_projects(slack, people, dataset):
    end = dataset.today
    text = reply_text(slack.run(f"hours Design {end.replace(day=1)}..{end}", people.coworker))
    assert "Per project" in text and "Total:" in text


def test_hours_bad_period_names_the_accepted_forms(slack, people):
    text = reply_text(slack.run("hours Design 2024-13-01..2024-13-05", people.coworker))
    assert "YYYY-MM-DD" in text and "Usage: `/noko-team hours &lt;team&gt; [period]`" in text


def test_share_flag_posts_in_channel(slack, people):
    call = slack.run("list --share", people.coworker)
    assert call.args["response_type"] == "in_channel"


def test_unclosed_quote_gives_usage(slack, people):
    text = reply_text(slack.run('show "Design', people.coworker))
    assert "quote is not closed" in text and "/noko-team show &lt;team&gt;" in text
