"""The no-account walk-through: the real app over HTTP, with the Noko sandbox and a local Slack."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, TextIO
from zoneinfo import ZoneInfo

import requests
from pydantic import SecretStr
from werkzeug.serving import make_server

from bot.blocks.render import mrkdwn_to_text, render_blocks
from bot.devtools.fake_slack import FakeSlack, SlackCall, SlackUser
from bot.devtools.slack_requests import interaction_body, signed_headers, slash_command_body
from bot.ids import ActionId, BlockId
from bot.scheduler.clock import RunningClock
from bot.settings import Settings

SIGNING_SECRET = "demo-signing-secret"
YOU = "UDEMO0001"
REPLY_TIMEOUT = 60.0


class DemoWorld:
    """Noko sandbox + fake Slack + the bot served by Werkzeug on 127.0.0.1, all in-process.

    Everything reads one clock: the sandbox's data ends on its day, and the bot's repository,
    mirror and commands take "now" from it."""

    def __init__(self, *, fast: bool, out: TextIO, now: dt.datetime | None = None) -> None:
        self.fast = fast
        self.out = out
        self.clock = RunningClock(now or dt.datetime.now(dt.UTC))
        self._bold = out.isatty()  # no escape codes in a file, a pipe or a CI log
        self._stack = ExitStack()
        self._keys = iter(range(1, 10_000))

    def __enter__(self) -> DemoWorld:
        from bot.deps import build_deps
        from bot.web import create_web_app
        from noko_core.sandbox import Sandbox, build_dataset

        dataset = build_dataset(today=self.clock().date())
        self.sandbox = self._stack.enter_context(Sandbox(rate_limit=not self.fast, dataset=dataset))
        self.slack = self._stack.enter_context(FakeSlack(self._slack_people()))
        tmp = self._stack.enter_context(tempfile.TemporaryDirectory(prefix="noko-demo-"))
        self.settings = Settings(
            _env_file=None,
            slack_bot_token=SecretStr("xoxb-demo-token"),
            slack_signing_secret=SecretStr(SIGNING_SECRET),
            noko_access_token=SecretStr(self.sandbox.token),
            noko_api_url=self.sandbox.base_url,
            slack_api_url=self.slack.api_url,
            database_url=f"sqlite:///{tmp}/demo.db",
            audit_channel="CAUDIT",
            # --fast: the sandbox takes any pace, so the bot need not keep Noko's.
            noko_requests_per_second=1000 if self.fast else 2,
        )
        self.deps = build_deps(self.settings, clock=self.clock)
        server = make_server(
            "127.0.0.1", 0, create_web_app(self.settings, self.deps), threaded=True
        )
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self._stack.callback(server.shutdown)
        self.url = f"http://127.0.0.1:{server.server_port}/slack/events"
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def _slack_people(self) -> list[SlackUser]:
        """You are a Slack admin whose email is the Noko supervisor's; a few colleagues too."""
        users = sorted(self.sandbox.store.users.values(), key=lambda u: u.id)
        boss = next(u for u in users if u.role == "supervisor")
        people = [SlackUser(YOU, f"{boss.first_name} {boss.last_name}", boss.email, is_admin=True)]
        for index, user in enumerate(u for u in users if u.role == "coworker"):
            if index >= 6:
                break
            name = f"{user.first_name} {user.last_name}"
            people.append(SlackUser(f"UPEER{index:04d}", name, user.email))
        return people

    # -- what the user does ------------------------------------------------------------------
    def command(self, text: str, sent: str | None = None) -> SlackCall | None:
        """Type `/noko-team text` (Slack sends ``sent``: #channels escaped); show the reply."""
        key = f"cmd{next(self._keys)}"
        self.heading(f"you ▸ /noko-team {text}")
        body = slash_command_body(
            sent or text, user_id=YOU, response_url=self.slack.response_url(key), trigger_id=key
        )
        started = time.monotonic()
        response = requests.post(self.url, data=body, headers=signed_headers(SIGNING_SECRET, body))
        self.say(
            f"  (acked {response.status_code} in {1000 * (time.monotonic() - started):.0f} ms)"
        )
        return self._reply(key, started)

    def _reply(self, key: str, started: float) -> SlackCall | None:
        deadline = started + REPLY_TIMEOUT
        while time.monotonic() < deadline:
            calls = [c for c in self.slack.calls_to("response_url") if c.path.endswith("/" + key)]
            views = [
                c for c in self.slack.calls if c.method.startswith("views.") and c.at > started
            ]
            if calls:
                seen_by = calls[0].args.get("response_type") or "ephemeral"
                note = f"{seen_by} reply after {calls[0].at - started:.1f} s"
                self.show_message(calls[0].args, note)
                return calls[0]
            if views:
                return None
            time.sleep(0.05)
        self.say("  (no reply arrived)")
        return None

    def interact(self, payload: dict[str, Any]) -> requests.Response:
        body = interaction_body(payload)
        return requests.post(self.url, data=body, headers=signed_headers(SIGNING_SECRET, body))

    # -- showing it ----------------------------------------------------------------------------
    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def heading(self, text: str) -> None:
        """A step of the story, after a blank line: bold on a terminal, plain elsewhere."""
        self.say("\n" + (f"\033[1m{text}\033[0m" if self._bold else text))

    def local_today(self) -> dt.date:
        """Today where you are (your Slack time zone): the day `hours … today` reads."""
        return self.clock().astimezone(ZoneInfo(self.slack_user().tz)).date()

    def slack_user(self) -> SlackUser:
        return next(u for u in self._slack_people() if u.id == YOU)

    def show_message(self, message: dict[str, Any], note: str) -> None:
        text = render_blocks(message.get("blocks") or []) or mrkdwn_to_text(message.get("text", ""))
        self.say(f"  noko-team-bot ({note}):")
        self.say(_indent(text))

    def show_view(self, view: dict[str, Any], note: str) -> None:
        title = (view.get("title") or {}).get("text", "")
        self.say(f"  ┌─ modal: {title} ({note})")
        self.say(_indent(render_view_blocks(view.get("blocks") or []), "  │ "))
        submit = (view.get("submit") or {}).get("text")
        if submit:
            self.say(f"  └─ [ {submit} ]")


def render_view_blocks(blocks: list[dict[str, Any]]) -> str:
    lines = []
    for block in blocks:
        if block.get("type") != "input":
            lines.append(render_blocks([block]))
            continue
        element = block.get("element") or {}
        chosen = element.get("initial_options") or [element.get("initial_option") or {}]
        values = ", ".join(o["text"]["text"] for o in chosen if o.get("text"))
        label = (block.get("label") or {}).get("text", "")
        lines.append(f"{label}: [{values or element.get('initial_value') or ' '}]")
    return "\n".join(lines)


def _indent(text: str, prefix: str = "  │ ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


@contextmanager
def _quiet_logs() -> Iterator[None]:
    import logging

    loggers = [logging.getLogger(), logging.getLogger("werkzeug")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _walk_through(world: DemoWorld) -> None:
    world.say("Noko Team Bot demo: the real app on " + world.url)
    world.say(f"Noko sandbox: {world.sandbox.base_url} · fake Slack: {world.slack.api_url}")
    for text in ("help", "list", "show Design", "members Engineering coworker", "hours Design"):
        world.command(text)
    _add_members(world, "Design")
    world.command("show Design")
    world.command("frobnicate Design")
    _digests(world)
    _mirror_follows(world)


def _mirror_follows(world: DemoWorld) -> None:
    """The mirror: a first sync, Noko's webhook installed, and an entry logged in "Noko" showing
    in `hours` as soon as its signed delivery is applied."""
    from bot.mirror.cli import options_from, register_webhook
    from bot.mirror.storage import MirrorStore
    from bot.mirror.sync import Syncer

    store = MirrorStore(world.deps.repo.engine, clock=world.clock)
    world.heading("the clock process ▸ first sync of the mirror")
    began = time.monotonic()
    result = Syncer(store, world.deps.noko, options=options_from(world.settings)).sync()
    world.say(
        f"  {result.kind} sync: {result.requests} Noko requests, {result.upserted} rows "
        f"stored, in {time.monotonic() - began:.1f} s; commands now read the mirror"
    )
    base = world.url.removesuffix("/slack/events")
    world.heading(f"you ▸ noko-bot webhooks install {base}")
    hook = register_webhook(store, world.deps.noko, base)
    world.say(f"  webhook {hook['id']} installed; Noko signs every delivery with its secret")
    # Noko pinged the webhook as it created it, before the secret was stored; its retry is
    # signed with the secret the bot now has.
    world.sandbox.webhooks.wait_idle(timeout=REPLY_TIMEOUT)
    before = _total(world.command("hours Design today"))
    design = next(t for t in world.deps.reads.teams() if t["name"] == "Design")
    member = design["users"][0]
    day = world.local_today()  # the day `hours … today` reads, in your time zone
    world.heading(f"{member['first_name']} ▸ logs 1h 30m in Noko for {day:%a %d %b}")
    logged = time.monotonic()
    project = next(p for p in world.deps.reads.projects() if p.get("enabled", True))
    world.deps.noko.create_entry(
        date=day,
        minutes=90,
        user_id=member["id"],
        project_id=project["id"],
        description="Pairing on the mirror #demo",
    )
    world.sandbox.webhooks.wait_idle(timeout=REPLY_TIMEOUT)
    applied_ms = 1000 * (time.monotonic() - logged)
    world.say(f"  Noko's signed webhook delivered and applied in {applied_ms:.0f} ms")
    after = _total(world.command("hours Design today"))
    world.say(f"  Design today: {before} → {after}")


def _total(reply: SlackCall | None) -> str:
    """The "Total: …" of an `hours` answer, as Slack shows it ("?" when there is none)."""
    if reply is None:
        return "?"
    text = render_blocks(reply.args.get("blocks") or []) or mrkdwn_to_text(reply.args["text"])
    found = re.search(r"Total:\**\s*(.+? in [0-9,]+ entr(?:y|ies))", text)
    return found.group(1) if found else "?"


def _digests(world: DemoWorld) -> None:
    world.command("digest Design last-week")
    typed = "subscribe Design #team-design weekly monday 09:00 Europe/Berlin"
    world.command(typed, typed.replace("#team-design", "<#CDESIGN|team-design>"))
    world.command("subscriptions")
    _scheduled_post(world)


def _scheduled_post(world: DemoWorld) -> None:
    """One tick of the real scheduler, its clock set just after the subscription is due."""
    from bot.blocks.render import render_messages
    from bot.scheduler.cli import build_runner
    from bot.scheduler.clock import ManualClock
    from bot.services.schedule import next_due

    sub = world.deps.repo.list_subscriptions()[-1]
    due = next_due(sub, sub.created_at)
    if due is None:
        raise RuntimeError("the demo subscription is not scheduled")
    clock = ManualClock(due + dt.timedelta(seconds=30))
    world.heading(
        f"the clock process ▸ ticks at {clock.now():%a %d %b %Y %H:%M:%S} UTC, "
        "just after the digest is due"
    )
    before = time.monotonic()
    deps = world.deps
    runner = build_runner(
        world.settings,
        deps.repo,
        clock,
        deps.noko,
        threading.Event(),
        cache=deps.cache,
        reads=deps.reads,
    )
    report = runner.tick()
    posts = [
        c.args
        for c in world.slack.calls_to("chat.postMessage")
        if c.at > before and c.args.get("channel") == sub.channel_id
    ]
    world.say(f"  digests posted: {len(report.posted)}, to <#{sub.channel_id}>:")
    world.say(_indent(render_messages(posts).rstrip()))


def _add_members(world: DemoWorld, team: str) -> None:
    before = time.monotonic()
    world.command(f"add {team}")
    opened = world.slack.wait_for("views.open", timeout=REPLY_TIMEOUT)[-1]
    world.show_view(opened.args["view"], "opened at once, inside Slack's 3-second trigger window")
    update = _wait_after(world, "views.update", before)
    view = {**update.args["view"], "id": update.args.get("view_id")}
    world.show_view(view, "filled in once Noko answered")
    world.heading("you ▸ type “ma” in the people picker")
    options = _suggest(world, view, "ma")
    world.say("  suggestions: " + ", ".join(o["text"]["text"] for o in options[:6]))
    team_option = _team_option(view)
    picked = options[:2]
    names = ", ".join(o["text"]["text"] for o in picked)
    world.heading(f"you ▸ pick {names} and press the submit button")
    _submit(world, view, team_option, picked)


def _wait_after(world: DemoWorld, method: str, after: float) -> SlackCall:
    deadline = time.monotonic() + REPLY_TIMEOUT
    while time.monotonic() < deadline:
        calls = [c for c in world.slack.calls_to(method) if c.at > after]
        if calls:
            return calls[-1]
        time.sleep(0.05)
    raise RuntimeError(f"no {method} arrived")


def _suggest(world: DemoWorld, view: dict[str, Any], query: str) -> list[dict[str, Any]]:
    payload = {
        "type": "block_suggestion",
        "user": {"id": YOU},
        "team": {"id": "T0001"},
        "action_id": ActionId.USERS_SELECT.value,
        "block_id": BlockId.USERS.value,
        "value": query,
        "view": view,
    }
    answer = world.interact(payload).json()
    return list(answer.get("options") or [])


def _team_option(view: dict[str, Any]) -> dict[str, Any]:
    for block in view.get("blocks") or []:
        if block.get("block_id") == BlockId.TEAM.value:
            return dict(block["element"].get("initial_option") or {})
    raise RuntimeError("the modal has no team picker")


def _submit(
    world: DemoWorld, view: dict[str, Any], team: dict[str, Any], users: list[dict[str, Any]]
) -> None:
    values = {
        BlockId.TEAM.value: {ActionId.TEAM_SELECT.value: {"selected_option": team}},
        BlockId.USERS.value: {ActionId.USERS_SELECT.value: {"selected_options": users}},
    }
    submitted = {**view, "state": {"values": values}}
    payload = {
        "type": "view_submission",
        "user": {"id": YOU},
        "team": {"id": "T0001"},
        "view": submitted,
    }
    before = time.monotonic()
    ack = world.interact(payload)
    world.say(f"  (acked {ack.status_code}: {json.loads(ack.text or '{}').get('response_action')})")
    result = _wait_after(world, "views.update", before)
    world.show_view(result.args["view"], "the result")
    audit = [c for c in world.slack.calls_to("chat.postMessage") if c.at > before]
    for call in audit:
        world.show_message(call.args, f"posted to audit channel {call.args.get('channel')}")


def run_demo(
    *, fast: bool = False, out: TextIO | None = None, now: dt.datetime | None = None
) -> int:
    """Run the walk-through as of ``now`` (the system clock's unless given); 0 when every step
    got its answer."""
    stream = out or sys.stdout
    with _quiet_logs(), DemoWorld(fast=fast, out=stream, now=now) as world:
        _walk_through(world)
        rows = world.deps.repo.list_audit(limit=5)
        world.say("\nAudit log (bot database):")
        for row in rows:
            world.say(
                f"  {row.at:%H:%M:%S} {row.slack_user_id} {row.action} {row.team_name} "
                f"{row.noko_user_ids} → {row.result}"
            )
        world.say(
            f"\nNoko requests made: {len(world.sandbox.requests)}; Slack calls: "
            f"{len(world.slack.calls)}"
        )
    return 0
