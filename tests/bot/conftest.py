"""Fixtures: the Noko sandbox, FakeSlack, a real Bolt app, and a driver sending signed requests."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from slack_bolt import App, BoltResponse
from slack_sdk.models.blocks import Option
from slackkit import BOT_TODAY, BOT_TOKEN, SIGNING_SECRET, check_payload, check_view, signed_headers

from bot.app import SlackRequest, create_app
from bot.deps import Deps
from bot.devtools.fake_slack import FakeSlack, SlackCall, SlackUser
from bot.scheduler.clock import RunningClock
from bot.services.cache import NokoCache
from bot.services.live_reads import LiveReads
from bot.settings import Settings
from bot.storage import open_repository
from noko_core import NokoClient
from noko_core.sandbox import Dataset, Sandbox, build_dataset

TEAM_ID = "T0001"


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return build_dataset(today=BOT_TODAY)


def _noko_user(ds: Dataset, role: str, skip: int = 0) -> Any:
    return [u for u in ds.users if u.role == role and u.state == "active"][skip]


@dataclass(frozen=True)
class People:
    """Slack users of the test workspace and the Noko users they map to (by e-mail)."""

    admin: SlackUser  # a Slack admin who is also a Noko supervisor (who installs the bot)
    supervisor: SlackUser
    coworker: SlackUser
    stranger: SlackUser
    mate: SlackUser  # another coworker, to be mentioned in add/remove
    no_email: SlackUser


@pytest.fixture(scope="session")
def people(dataset: Dataset) -> People:
    sup, boss, co, mate = (
        _noko_user(dataset, "supervisor"),
        _noko_user(dataset, "supervisor", 1),
        _noko_user(dataset, "coworker"),
        _noko_user(dataset, "coworker", 1),
    )
    return People(
        admin=SlackUser("UADMIN", "Ada Admin", boss.email, is_admin=True),
        supervisor=SlackUser("USUPER", sup.full_name, sup.email.upper()),
        coworker=SlackUser("UCOWORK", co.full_name, co.email),
        stranger=SlackUser("USTRANGE", "Stan Ger", "stan@elsewhere.example"),
        mate=SlackUser("UMATE", mate.full_name, mate.email),
        no_email=SlackUser("UNOMAIL", "Ghost"),
    )


@pytest.fixture(scope="session")
def bot_sandbox(dataset: Dataset) -> Iterator[Sandbox]:
    """One server for the bot's tests; each test gets it reset to the dataset."""
    with Sandbox(rate_limit=False, dataset=copy.deepcopy(dataset)) as sb:
        yield sb


@pytest.fixture
def sandbox(bot_sandbox: Sandbox) -> Sandbox:
    bot_sandbox.reset()
    return bot_sandbox


@pytest.fixture
def fake(people: People) -> Iterator[FakeSlack]:
    users = [people.admin, people.supervisor, people.coworker, people.stranger, people.mate]
    with FakeSlack([*users, people.no_email]) as fake_slack:
        yield fake_slack
        # Every payload the bot sent must be one Slack accepts.
        for call in fake_slack.calls:
            check_payload(call)


@pytest.fixture
def bot_database_url(tmp_path: Any) -> str:
    """The bot's database: SQLite in the test's folder (a test module may override it)."""
    return f"sqlite:///{tmp_path / 'bot.db'}"


@pytest.fixture
def settings(sandbox: Sandbox, fake: FakeSlack, bot_database_url: str) -> Settings:
    return Settings(
        _env_file=None,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        noko_access_token=sandbox.token,
        noko_api_url=sandbox.base_url,
        slack_api_url=fake.api_url,
        database_url=bot_database_url,
        audit_channel="CAUDIT",
        noko_bot_admins="ubotadmin@corp.example",
        noko_requests_per_second=1000,  # the sandbox's rate limit is off too
    )


class Ticker:
    """An injectable monotonic clock for the cache."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def deps(settings: Settings, sandbox: Sandbox, dataset: Dataset) -> Iterator[Deps]:
    noko = NokoClient(
        sandbox.token,
        base_url=sandbox.base_url,
        timeout=2.0,
        max_retries=0,
        requests_per_second=None,
    )
    # One "now" for the repository and the services: noon of the dataset's last day, running.
    clock = RunningClock(dt.datetime.combine(dataset.today, dt.time(12), tzinfo=dt.UTC))
    repo = open_repository(settings.database_url, clock=clock)
    cache = NokoCache(noko, clock=Ticker())
    yield Deps(noko=noko, repo=repo, cache=cache, reads=LiveReads(noko, cache), clock=clock)
    repo.close()
    noko.close()


@pytest.fixture
def app(settings: Settings, deps: Deps) -> App:
    return create_app(settings, deps)


class Driver:
    """Sends Slack's payloads, signed, through ``app.dispatch`` and reads FakeSlack."""

    def __init__(self, app: App, fake: FakeSlack) -> None:
        self.app, self.fake = app, fake
        self._keys = itertools.count(1)

    def dispatch(self, body: str, content_type: str) -> BoltResponse:
        request = SlackRequest(body=body, headers=signed_headers(body, content_type))
        return self.app.dispatch(request)

    def interactive(self, payload: dict[str, Any]) -> BoltResponse:
        body = "payload=" + quote(json.dumps(payload))
        return self.dispatch(body, "application/x-www-form-urlencoded")

    def command(self, text: str, user: SlackUser) -> tuple[BoltResponse, str]:
        key = f"cmd{next(self._keys)}"
        form = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "channel_id": "C0GENERAL",
            "user_id": user.id,
            "user_name": user.name,
            "command": "/noko-team",
            "text": text,
            "response_url": self.fake.response_url(key),
            "trigger_id": f"trigger.{key}",
        }
        return self.dispatch(urlencode(form), "application/x-www-form-urlencoded"), key

    def reply(self, key: str, count: int = 1) -> SlackCall:
        """The ``count``-th post to response_url ``key`` (waits for the listener thread)."""
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            found = [c for c in self.fake.calls_to("response_url") if c.path.endswith(f"/{key}")]
            if len(found) >= count:
                return found[count - 1]
            time.sleep(0.02)
        raise AssertionError(
            f"no reply #{count} on {key}; calls: {[c.method for c in self.fake.calls]}"
        )

    def answer(self, key: str) -> SlackCall:
        """The first reply to command ``key``: a response_url post or a modal it opened."""
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            for call in self.fake.calls:
                if call.path.endswith(f"/{key}") or call.args.get("trigger_id") == f"trigger.{key}":
                    return call
            time.sleep(0.02)
        raise AssertionError(f"no answer to {key}")

    def run(self, text: str, user: SlackUser) -> SlackCall:
        response, key = self.command(text, user)
        assert response.status == 200, response.body
        return self.reply(key)

    def action(self, user: SlackUser, action: dict[str, Any], **extra: Any) -> str:
        key = f"act{next(self._keys)}"
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM_ID},
            "user": {"id": user.id},
            "api_app_id": "A1",
            "trigger_id": f"trigger.{key}",
            "response_url": self.fake.response_url(key),
            "actions": [{"block_id": "b", "action_ts": "1.2", **action}],
            **extra,
        }
        response = self.interactive(payload)
        assert response.status == 200, response.body
        return key

    def submit(self, user: SlackUser, view: dict[str, Any]) -> BoltResponse:
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM_ID},
            "user": {"id": user.id},
            "api_app_id": "A1",
            "trigger_id": "trigger.view",
            "view": {"id": "VSUBMIT", "type": "modal", "hash": "h1", **view},
        }
        response = self.interactive(payload)
        if response.body and "view" in json.loads(response.body):
            check_view(json.loads(response.body)["view"])
        return response

    def suggest(self, user: SlackUser, action_id: str, value: str, view: dict[str, Any]):
        payload = {
            "type": "block_suggestion",
            "team": {"id": TEAM_ID},
            "user": {"id": user.id},
            "api_app_id": "A1",
            "action_id": action_id,
            "block_id": "b",
            "value": value,
            "view": {"id": "VOPEN", "type": "modal", **view},
        }
        response = self.interactive(payload)
        for option in json.loads(response.body or "{}").get("options", []):
            Option(**option).validate_json()
            assert len(option["text"]["text"]) <= 75 and len(option["value"]) <= 150
        return response

    def event(self, event: dict[str, Any]) -> BoltResponse:
        body = json.dumps(
            {
                "type": "event_callback",
                "team_id": TEAM_ID,
                "api_app_id": "A1",
                "event": event,
                "event_id": f"Ev{next(self._keys)}",
                "event_time": int(time.time()),
            }
        )
        return self.dispatch(body, "application/json")


@pytest.fixture
def slack(app: App, fake: FakeSlack) -> Driver:
    return Driver(app, fake)


@pytest.fixture
def driver_for(fake: FakeSlack) -> Callable[[App], Driver]:
    """A Driver for an app a test builds itself (other settings than the fixture's)."""
    return lambda app: Driver(app, fake)
