"""The one SlackDirectory over FakeSlack: profiles per object, e-mails cached for an hour."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.devtools.fake_slack import FakeSlack, SlackUser
from bot.slack.directory import EMAIL_CACHE_SECONDS, SlackDirectory
from bot.slack.posting import slack_client

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
    assert len(fake.calls_to("users.lookupByEmail")) == 2  # one per distinct e-mail


def test_directory_slack_ids_are_cached_for_an_hour_unknown_ones_too(fake, directory, ticker):
    directory.slack_ids(["ada@example.com", "nobody@example.com"])
    ticker.now += EMAIL_CACHE_SECONDS - 1
    directory.slack_ids(["ada@example.com", "nobody@example.com"])
    assert len(fake.calls_to("users.lookupByEmail")) == 2

    ticker.now += 2
    directory.slack_ids(["ada@example.com", "nobody@example.com"])
    assert len(fake.calls_to("users.lookupByEmail")) == 4


def test_directory_slack_ids_transient_error_is_not_cached(fake, directory) -> None:
    fake.inject("users.lookupByEmail", error="ratelimited")

    assert directory.slack_ids(["ada@example.com"]) == {}
    assert directory.slack_ids(["ada@example.com"]) == {"ada@example.com": "UADA"}


def test_directory_channel_member_reads_every_page(fake, directory) -> None:
    fake.set_channel("CBIG", [f"U{n:04d}" for n in range(450)] + ["UADA"])

    assert directory.channel_member("CBIG", "UADA") is True
    assert directory.channel_member("CBIG", "UBOB") is False
    assert len(fake.calls_to("conversations.members")) == 6  # 3 pages, twice: never cached


def test_directory_channel_member_unknown_when_slack_hides_the_channel(fake, directory) -> None:
    fake.set_channel("CSECRET", None)

    assert directory.channel_member("CSECRET", "UADA") is None
