"""The Procfile's `socket: noko-bot socket --with-clock` line as a process over Socket Mode: it
acks and answers commands, its in-process clock posts due digests, SIGTERM stops it cleanly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("websockets", reason="the Socket Mode fake needs websockets (the test extra)")

from socketproc import BOT_TOKEN, SocketWorld, wait_until

from bot.devtools.fake_slack import FakeSlack, SlackCall, SlackUser
from bot.devtools.fake_socket_mode import DEFAULT_APP_TOKEN, FakeSocketMode
from bot.scheduler.cli import STALL_ENV
from bot.storage import Repository, Subscription
from noko_core.sandbox import Sandbox
from noko_core.sandbox.demo import build_dataset

TODAY = dt.date(2026, 11, 9)  # a Monday
BEFORE_NINE = dt.datetime(2026, 11, 9, 7, 0, tzinfo=dt.UTC)  # 08:00 in Berlin
AFTER_NINE = dt.datetime(2026, 11, 9, 8, 0, 5, tzinfo=dt.UTC)  # 09:00:05 in Berlin: due
SOFIA = SlackUser("USOFIA", "Sofia Ito", "sofia.ito@example.com")  # a supervisor in the dataset


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(rate_limit=False, dataset=build_dataset(today=TODAY, seed=0)) as sb:
        yield sb


@pytest.fixture
def world(tmp_path: Path, sandbox: Sandbox) -> Iterator[SocketWorld]:
    with FakeSlack([SOFIA]) as slack, FakeSocketMode(slack) as socket_mode:
        made = SocketWorld(tmp_path, sandbox, slack, socket_mode)
        made.set_clock(BEFORE_NINE)
        yield made
        made.kill_all()
        assert socket_mode.problems == [], "the app broke the Socket Mode protocol"


def subscribe_daily(repo: Repository) -> Subscription:
    return repo.create_subscription(
        team_id=1,
        team_name="Engineering",
        channel_id="CDIGEST",
        cadence="daily",
        local_time="09:00",
        timezone="Europe/Berlin",
        created_by=SOFIA.id,
    )


def states(repo: Repository, sub: Subscription) -> list[str]:
    return [run.state for run in repo.runs_for(sub.id)]


def replies_to(slack: FakeSlack, key: str) -> list[SlackCall]:
    return [c for c in slack.calls_to("response_url") if c.path == f"/response/{key}"]


def assert_clean_log(log: str) -> None:
    assert "Traceback" not in log, log
    assert BOT_TOKEN not in log and DEFAULT_APP_TOKEN not in log, "a token reached the log"


def test_socket_process_acks_a_command_and_answers_on_its_response_url(world) -> None:
    process = world.start()
    world.socket_mode.wait_connected()
    url = world.slack.response_url("list")

    envelope_id = world.socket_mode.send_slash_command("list", user_id=SOFIA.id, response_url=url)

    world.socket_mode.wait_for_ack(envelope_id)
    wait_until(lambda: replies_to(world.slack, "list"), "the reply on response_url")
    reply = replies_to(world.slack, "list")[0]
    assert "Engineering" in reply.args["text"] + str(reply.args.get("blocks"))
    assert process.terminate() == 0
    assert_clean_log(process.log())


def test_socket_process_reconnects_when_slack_asks_and_keeps_answering(world) -> None:
    process = world.start()
    world.socket_mode.wait_connected()

    world.socket_mode.request_refresh()  # Slack's "disconnect: refresh_requested"

    world.socket_mode.wait_connected(opened=2)
    url = world.slack.response_url("after")
    envelope_id = world.socket_mode.send_slash_command("list", user_id=SOFIA.id, response_url=url)
    world.socket_mode.wait_for_ack(envelope_id)
    wait_until(lambda: replies_to(world.slack, "after"), "the reply after reconnecting")
    assert len(world.slack.calls_to("apps.connections.open")) == 2  # a fresh URL, not the old one
    assert process.terminate() == 0
    assert_clean_log(process.log())


def test_socket_process_clock_posts_a_due_digest_to_the_subscribed_channel(world) -> None:
    repo = world.repository()
    sub = subscribe_daily(repo)
    process = world.start()
    world.socket_mode.wait_connected()

    world.set_clock(AFTER_NINE)

    post = world.slack.wait_for("chat.postMessage", timeout=30)[0]
    wait_until(lambda: states(repo, sub) == ["posted"], "the run recorded posted")
    assert post.args["channel"] == "CDIGEST" and "Engineering" in post.args["text"]
    assert process.terminate() == 0
    assert len(world.slack.calls_to("chat.postMessage")) == 1
    assert_clean_log(process.log())
    repo.close()


def test_socket_process_sigterm_finishes_the_in_flight_post_and_exits_0(world) -> None:
    repo = world.repository()
    sub = subscribe_daily(repo)
    # The clock stalls between claim and post for longer than closing the websocket takes
    # (about 3 s: slack_sdk's receive timeout): the exit has to wait for the post, not outlast it.
    process = world.start(**{STALL_ENV: "5"})
    world.socket_mode.wait_connected()
    world.set_clock(AFTER_NINE)
    wait_until(lambda: states(repo, sub) == ["claimed"], "the claim")

    code = process.terminate(timeout=30)

    assert code == 0, process.log()
    assert states(repo, sub) == ["posted"]
    assert [c.args["channel"] for c in world.slack.calls_to("chat.postMessage")] == ["CDIGEST"]
    world.socket_mode.wait_closed(timeout=10)
    assert_clean_log(process.log())
    repo.close()


def test_socket_process_refused_app_token_exits_2_with_a_reason_instead_of_hanging(world) -> None:
    # It used to print a traceback and then live on for ever: the clock thread held it up.
    process = world.start(SLACK_APP_TOKEN="xapp-1-A0001-revoked-SECRET")

    code = process.wait(timeout=30)

    log = process.log()
    assert code == 2, log
    assert "Slack refused the Socket Mode connection (invalid_auth)" in log
    assert world.socket_mode.connections_opened == 0
    assert_clean_log(log)
    assert "revoked-SECRET" not in log


def test_socket_process_sigterm_while_connecting_exits_0_and_leaves_no_connection(world) -> None:
    world.slack.inject("apps.connections.open", stall=2.0)
    process = world.start()
    world.slack.wait_stalling("apps.connections.open", timeout=30)

    code = process.terminate(timeout=30)

    assert code == 0, process.log()
    world.socket_mode.wait_closed(timeout=10)
    assert_clean_log(process.log())


def test_socket_process_without_slack_prints_one_line_and_exits_2(world) -> None:
    # It used to print slack_sdk's retry lines and a 60-line traceback (after starting a clock).
    process = world.start(SLACK_API_URL="http://127.0.0.1:1/api/")

    code = process.wait(timeout=30)

    log = process.log()
    assert code == 2, log
    # matplotlib announces building its font cache once per fresh machine; nothing else may log.
    lines = [line for line in log.splitlines() if "matplotlib.font_manager" not in line]
    assert lines == [
        "noko-bot: cannot reach Slack at http://127.0.0.1:1/api/ to open the Socket Mode "
        "connection ([Errno 111] Connection refused); exiting with code 2"
    ]
