"""The paging and cutting rules of bot.blocks.common: pages cover everything once, within limits,
and nothing is cut without saying how much is missing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.blocks.common import (
    OPTION_CHARS,
    TEXT_CHARS,
    Page,
    Reply,
    cap_text,
    distinct_options,
    join_within,
    option,
    page_of,
    pager,
    split_runs,
)
from bot.blocks.modals import team_options, user_option, user_options
from bot.blocks.teams import audit_text, change_reply
from bot.errors import BotError
from bot.ids import ActionId, BlockId
from bot.services.paging import (
    HomePage,
    HoursPage,
    ListPage,
    MembersPage,
    parse_page_request,
)
from bot.services.periods import week_period
from bot.services.team_changes import ChangeOutcome
from bot.services.teams import TeamRow


def _people(n: int) -> list[dict[str, object]]:
    return [
        {"id": i, "first_name": f"Person{i}", "last_name": "Longname", "email": f"p{i}@x.example"}
        for i in range(n)
    ]


# -- pages ----------------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(
    lengths=st.lists(st.integers(min_value=0, max_value=300), max_size=120),
    per_page=st.integers(min_value=1, max_value=20),
    max_chars=st.none() | st.integers(min_value=1, max_value=1000),
)
def test_pages_cover_every_item_once_in_order_within_their_limits(lengths, per_page, max_chars):
    first = page_of(lengths, 0, per_page=per_page, max_chars=max_chars)
    shown: list[int] = []
    for number in range(first.count):
        page = page_of(lengths, number, per_page=per_page, max_chars=max_chars)
        items = list(range(page.start, page.end))
        assert (page.number, page.total) == (number, len(lengths))
        assert 0 < len(items) <= per_page or not lengths
        size = sum(lengths[i] for i in items)
        assert max_chars is None or size <= max_chars or len(items) == 1
        shown += items
    assert shown == list(range(len(lengths)))


def test_a_page_past_the_end_is_the_last_and_before_the_start_the_first():
    assert page_of([1] * 10, 99, per_page=4) == Page(2, 3, 8, 10, 10)
    assert page_of([1] * 10, -5, per_page=4) == Page(0, 3, 0, 4, 10)
    assert page_of([], 3, per_page=4) == Page(0, 1, 0, 0, 0)


def test_split_runs_counts_what_the_first_run_already_holds():
    assert split_runs([5, 5], max_items=3, max_chars=100, used=(3, 0)) == [range(0, 0), range(0, 2)]
    assert split_runs([5, 5, 5], max_items=9, max_chars=12) == [range(0, 2), range(2, 3)]


def test_pager_says_where_and_offers_only_the_pages_there_are():
    value = ListPage(text="eng").value
    assert pager(Page(0, 1, 0, 7, 7), "Teams", value) == []
    first = pager(Page(0, 3, 0, 50, 120), "Teams", value)
    assert first[0]["block_id"] == BlockId.PAGE
    assert first[0]["elements"][0]["text"] == "Teams 1\u201350 of 120 (page 1 of 3)."
    assert [e["action_id"] for e in first[1]["elements"]] == [ActionId.PAGE_NEXT]
    middle = pager(Page(1, 3, 50, 100, 120), "Teams", value)
    assert [e["action_id"] for e in middle[1]["elements"]] == [
        ActionId.PAGE_PREVIOUS,
        ActionId.PAGE_NEXT,
    ]
    pages = [parse_page_request(e["value"]).page for e in middle[1]["elements"]]
    assert pages == [0, 2]


def test_a_shared_page_has_no_buttons_but_says_how_to_see_the_rest():
    blocks = pager(Page(0, 3, 0, 50, 120), "Teams", HomePage().value, shared_hint="Run it.")
    assert [b["type"] for b in blocks] == ["context"]
    assert blocks[0]["elements"][0]["text"].endswith("(page 1 of 3). Run it.")


@pytest.mark.parametrize(
    "request_",
    [
        ListPage(text="R&D <!channel>", page=3),
        MembersPage(team=12, role="coworker", state="active", page=1),
        HoursPage.of(5, week_period(dt.date(2026, 11, 4), 0)).model_copy(update={"page": 2}),
        HomePage(page=7),
    ],
)
def test_a_page_value_round_trips_and_stays_small(request_):
    value = request_.value(request_.page)
    assert parse_page_request(value) == request_ and len(value) <= 2000


def test_an_hours_page_reads_its_period_back_with_the_same_label():
    period = week_period(dt.date(2026, 11, 4), 0)
    assert HoursPage.of(5, period).period() == period


@pytest.mark.parametrize(
    "value",
    [None, "", "[]", "{}", '{"cmd": "home", "page": 100001}', '{"cmd": "list", "page": "x"}'],
)
def test_a_broken_page_value_is_a_bot_error(value):
    with pytest.raises(BotError, match="not one I made"):
        parse_page_request(value)


# -- nothing cut without saying how much -------------------------------------------------------
def test_cap_text_cuts_a_list_after_a_whole_item_and_counts_the_rest():
    names = [f"Person {i} Longname" for i in range(2000)]
    capped = cap_text("Removed everyone: " + ", ".join(names) + ".")
    assert len(capped) <= TEXT_CHARS
    head, _, note = capped.rpartition(" …and ")
    kept = head.removeprefix("Removed everyone: ").split(", ")
    assert kept == names[: len(kept)]
    assert note == f"{len(names) - len(kept):,} more"


def test_cap_text_prefers_lines_then_words_and_says_characters_when_there_is_no_boundary():
    lines = cap_text("\n".join(f"line {i}" for i in range(2000)))
    assert len(lines) <= TEXT_CHARS and lines.endswith(" more lines")
    words = cap_text(" ".join(["word"] * 2000))
    assert len(words) <= TEXT_CHARS and words.endswith(" more words")
    blob = cap_text("x" * 10_000)
    assert len(blob) <= TEXT_CHARS and blob.endswith(
        f"{10_000 - len(blob.split('…')[0]):,} more characters"
    )
    assert cap_text("short, text") == "short, text"


def test_every_reply_text_is_capped():
    assert len(Reply(", ".join(["a name"] * 10_000)).text) <= TEXT_CHARS


def test_join_within_keeps_whole_items():
    assert join_within(["a", "b"], 100) == "a, b"
    cut = join_within([f"name{i}" for i in range(100)], 60)
    assert len(cut) <= 60 and cut.endswith(" more")
    assert join_within(["x" * 200, "y"], 50).endswith("…and 1 more")
    assert join_within([], 10) == ""


def test_change_and_audit_texts_of_a_huge_clear_name_whole_people():
    outcome = ChangeOutcome("clear", 1, "Big", _people(3000))
    reply = change_reply(outcome)
    section = reply.blocks[0]["text"]["text"]
    assert len(section) <= 2900 and section.endswith(" more.")
    audit = audit_text(outcome, "U1")
    assert len(audit) <= TEXT_CHARS and audit.endswith(" more.")
    names = audit.split(": ", 2)[2].rsplit(" …and ", 1)[0].split(", ")
    assert names == [f"Person{i} Longname" for i in range(len(names))]


# -- picker labels --------------------------------------------------------------------------------
def test_distinct_options_mark_only_the_labels_that_repeat():
    def make(item: tuple[int, str], marked: bool) -> dict[str, object]:
        return option(f"{item[1]} #{item[0]}" if marked else item[1], str(item[0]))

    options = distinct_options([(1, "Ann"), (2, "Bob"), (3, "Ann"), (4, "Ann #1")], make)
    labels = [o["text"]["text"] for o in options]
    assert len(set(labels)) == 4 and labels[1] == "Bob"


def test_user_label_keeps_name_and_email_within_75_characters():
    user = {
        "id": 7,
        "first_name": "Alexandra-Katharina",
        "last_name": "Montgomery-Smythe-Worthington-Fitzgerald",
        "email": "alexandra.katharina.montgomery.smythe@subsidiary.example.com",
        "state": "suspended",
    }
    label = user_option(user, in_team=True)["text"]["text"]
    assert len(label) <= OPTION_CHARS
    assert label.startswith("Alexandra-Katharina Mo") and " (alexandra." in label
    assert label.endswith("example.com) · suspended · in the team")


def test_look_alike_people_and_teams_never_read_the_same():
    twin = {"first_name": "Maximiliana", "last_name": "Vandersteenhoven-Oppenheimer"}
    users = [
        {**twin, "id": 1, "email": "maximiliana.x.vandersteenhoven.oppenheimer@example.com"},
        {**twin, "id": 2, "email": "maximiliana.y.vandersteenhoven.oppenheimer@example.com"},
        {"id": 3, "first_name": "Bo", "last_name": "Li", "email": "bo@example.com"},
    ]
    labels = [o["text"]["text"] for o in user_options(users)]
    assert len(set(labels)) == 3 and all(len(t) <= OPTION_CHARS for t in labels)
    assert labels[2] == "Bo Li (bo@example.com)"
    rows = [TeamRow(i, "Customer success and onboarding working group " * 3, 4) for i in (8, 9)]
    team_labels = [o["text"]["text"] for o in team_options(rows)]
    assert len(set(team_labels)) == 2 and all(len(t) <= OPTION_CHARS for t in team_labels)
    assert json.dumps(team_labels).count("(4)") == 2
