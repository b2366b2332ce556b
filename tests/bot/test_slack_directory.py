"""The one SlackDirectory over FakeSlack: profiles per object, e-mails from one users.list pass
cached for an hour, Slack's 429s waited out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.devtools.fake_slack import FakeSlack, SlackUser
from bot.slack.directory import EMAIL_CACHE_SECONDS, USERS_PAGE, SlackDirectory
from bot.slack.posting import slack_client
from bot.slack.ratelimit import MAX_RATE_LIMIT_RETRIES, MAX_RETRY_AFTER

ADA = SlackUser("UADA", "Ada", "Ada@Example.com", tz="Asia/Tokyo")
BOB = SlackUser("UBOB", "Bob", "bob@example.com", tz="")


class Ticker:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack([ADA, BOB]) as slack:
        yield slack


@pytest.fixture
def ticker() -> Ticker:
    return Ticker()


@pytest.fixture
def directory(fake: FakeSlack, ticker: Ticker) -> SlackDirectory:
    return SlackDirectory(slack_client("xoxb-test", fake.api_url, timeout=5), monotonic=ticker)


def test_directory_profile_and_timezone_ask_slack_once_per_object(fake, directory) -> None:
    profile = directory.profile("UADA")
    zone = directory.timezone("UADA")
    directory.profile("UADA")

    assert profile is not None and profile.email == "Ada@Example.com" and profile.name == "Ada"
    assert zone == "Asia/Tokyo"
    assert len(fake.calls_to("users.info")) == 1


def test_directory_a_new_object_sees_a_changed_profile(fake, directory) -> None:
    directory.timezone("UADA")
    fake.add_user(SlackUser("UADA", "Ada", "ada@new.example", tz="Europe/Paris"))
    next_request = SlackDirectory(slack_client("xoxb-test", fake.api_url, timeout=5))

    assert directory.timezone("UADA") == "Asia/Tokyo"
    assert next_request.timezone("UADA") == "Europe/Paris"


@pytest.mark.parametrize("user_id", ["UBOB", "UNOBODY", "<!channel>", ""])
def test_directory_timezone_is_utc_when_slack_gives_none(directory, user_id) -> None:
    assert directory.timezone(user_id) == "UTC"


def test_directory_slack_ids_maps_lowercased_emails_and_skips_unknown(fake, directory) -> None:
    found = directory.slack_ids(["ADA@example.com", "nobody@example.com", "", "ada@example.com"])

    assert found == {"ada@example.com": "UADA"}
    [call] = fake.calls_to("users.list")  # one pass for every e-mail, none looked up one by one
    assert int(call.args["limit"]) == USERS_PAGE
    assert fake.calls_to("users.lookupByEmail") == []


def test_directory_slack_ids_asks_nothing_for_no_emails(fake, directory) -> None:
    assert directory.slack_ids(["", ""]) == {}
    assert fake.calls == []


def test_directory_slack_ids_leave_out_deactivated_users_and_bots(fake, directory) -> None:
    fake.add_user(SlackUser("UGONE", "Gone", "gone@example.com", deleted=True))
    fake.add_user(SlackUser("UBOT2", "Reporter", "bot@example.com", is_bot=True))

    assert directory.slack_ids(["gone@example.com", "bot@example.com", "bob@example.com"]) == {
        "bob@example.com": "UBOB"
    }


def test_directory_slack_ids_read_every_page_of_a_big_workspace(fake, directory) -> None:
    for n in range(450):
        fake.add_user(SlackUser(f"U{n:04d}", f"Person {n}", f"p{n}@example.com"))

    found = directory.slack_ids([f"p{n}@example.com" for n in range(450)] + ["bob@example.com"])

    assert len(found) == 451 and found["p449@example.com"] == "U0449"
    pages = fake.calls_to("users.list")
    assert len(pages) == 3  # 452 users, 200 a page
    assert [c.args.get("cursor") for c in pages] == [None, "next:200", "next:400"]


def test_directory_slack_ids_reuse_one_pass_for_an_hour(fake, directory, ticker) -> None:
    directory.slack_ids(["ada@example.com", "nobody@example.com"])
    fake.add_user(SlackUser("UNEW", "Newcomer", "nobody@example.com"))
    ticker.now += EMAIL_CACHE_SECONDS - 1
    assert directory.slack_ids(["bob@example.com", "nobody@example.com"]) == {
        "bob@example.com": "UBOB"
    }
    assert len(fake.calls_to("users.list")) == 1

    ticker.now += 2
    assert directory.slack_ids(["nobody@example.com"]) == {"nobody@example.com": "UNEW"}
    assert len(fake.calls_to("users.list")) == 2


def test_directory_users_list_429_waits_retry_after_then_reads(fake, ticker) -> None:
    sleeps: list[float] = []
    directory = SlackDirectory(
        slack_client("xoxb-test", fake.api_url, timeout=5), monotonic=ticker, sleep=sleeps.append
    )
    fake.inject("users.list", status=429, retry_after=7)

    assert directory.slack_ids(["ada@example.com"]) == {"ada@example.com": "UADA"}
    assert sleeps == [7.0]
    assert [c.status for c in fake.calls_to("users.list")] == [429, 200]


def test_directory_huge_retry_after_is_waited_only_up_to_the_cap(fake, ticker) -> None:
    sleeps: list[float] = []
    directory = SlackDirectory(
        slack_client("xoxb-test", fake.api_url, timeout=5), monotonic=ticker, sleep=sleeps.append
    )
    fake.inject("users.info", status=429, retry_after=3600)

    assert directory.timezone("UADA") == "Asia/Tokyo"  # every directory call waits out a 429
    assert sleeps == [MAX_RETRY_AFTER]


def test_directory_slack_ids_failure_is_not_cached(fake, ticker) -> None:
    sleeps: list[float] = []
    directory = SlackDirectory(
        slack_client("xoxb-test", fake.api_url, timeout=5), monotonic=ticker, sleep=sleeps.append
    )
    fake.inject("users.list", count=MAX_RATE_LIMIT_RETRIES + 1, status=429, retry_after=1)

    assert directory.slack_ids(["ada@example.com"]) == {}  # named without a ping this time
    assert sleeps == [1.0] * MAX_RATE_LIMIT_RETRIES
    assert directory.slack_ids(["ada@example.com"]) == {"ada@example.com": "UADA"}


def test_directory_slack_ids_keep_the_last_pass_while_slack_fails(fake, directory, ticker):
    directory.slack_ids(["ada@example.com"])
    ticker.now += EMAIL_CACHE_SECONDS
    fake.inject("users.list", error="internal_error")

    assert directory.slack_ids(["ada@example.com"]) == {"ada@example.com": "UADA"}
    assert directory.slack_ids(["ada@example.com"]) == {"ada@example.com": "UADA"}
    assert len(fake.calls_to("users.list")) == 3  # the failed pass is not cached: asked again


def test_directory_channel_member_reads_every_page(fake, directory) -> None:
    fake.set_channel("CBIG", [f"U{n:04d}" for n in range(450)] + ["UADA"])

    assert directory.channel_member("CBIG", "UADA") is True
    assert directory.channel_member("CBIG", "UBOB") is False
    assert len(fake.calls_to("conversations.members")) == 6  # 3 pages, twice: never cached


def test_directory_channel_member_unknown_when_slack_hides_the_channel(fake, directory) -> None:
    fake.set_channel("CSECRET", None)

    assert directory.channel_member("CSECRET", "UADA") is None
