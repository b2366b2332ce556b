"""manifest.yml: valid against Slack's schema, and declaring exactly what the code uses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path("/work/shared/schemas/slack-app-manifest.schema.json")
# Web API method (as slack_sdk spells it) -> bot scopes it needs.
SCOPES_BY_METHOD = {
    "chat_postMessage": {"chat:write"},
    "chat_update": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "users_info": {"users:read"},
    "users_list": {"users:read", "users:read.email"},  # e-mail → id: profile.email
    "views_open": set(),
    "views_update": set(),
    "views_publish": set(),
    "views_push": set(),
    # files.getUploadURLExternal, the upload, files.completeUploadExternal (a digest's chart).
    "files_upload_v2": {"files:write"},
    "auth_test": set(),
    # Public and private channels: the subscribe form's conversations_select offers both.
    "conversations_members": {"channels:read", "groups:read"},
    "conversations_info": {"channels:read", "groups:read"},
    "conversations_history": {"channels:history", "groups:history"},
    "conversations_join": {"channels:join"},
}
_CALL = re.compile(
    r"\.(chat_\w+|users_\w+|views_\w+|conversations_\w+|files_\w+|auth_test)\b(?! ?=)"
)


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_manifest_is_valid_against_the_schema(manifest):
    if not SCHEMA.exists():
        pytest.skip("schema not available")
    jsonschema.validate(manifest, json.loads(SCHEMA.read_text()))


def test_manifest_declares_the_command_events_and_interactivity(manifest):
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/noko-team" and command["should_escape"] is True
    settings = manifest["settings"]
    events = settings["event_subscriptions"]["bot_events"]
    assert events == ["app_home_opened", "member_joined_channel"]
    assert settings["socket_mode_enabled"] is False
    urls = {
        command["url"],
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        settings["interactivity"]["message_menu_options_url"],
    }
    assert urls == {"https://YOUR-APP.example.com/slack/events"}


def _methods_called() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        found |= set(_CALL.findall(path.read_text()))
    return found


def test_manifest_scopes_match_the_web_api_methods_the_code_calls(manifest):
    called = _methods_called()
    unknown = called - set(SCOPES_BY_METHOD)
    assert not unknown, f"add the scopes of {unknown} to SCOPES_BY_METHOD and manifest.yml"
    needed = {"commands"}.union(*(SCOPES_BY_METHOD[m] for m in called))
    if "users:read.email" in needed:
        needed.add("users:read")  # Slack requires users:read alongside users:read.email
    # users.info returns profile.email only with users:read.email, and the bot maps by e-mail.
    needed.add("users:read.email")
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == needed


def test_manifest_long_description_says_what_the_default_read_access_shows(manifest):
    from bot.settings import Settings

    text = " ".join(manifest["display_information"]["long_description"].split())
    assert Settings(_env_file=None).read_access == "noko", "the default changed: update the text"
    assert "sees the time Noko would show them" in text, text
    assert "open to everyone" not in text, "READ_ACCESS=everyone is not the default"
    assert 175 <= len(text) <= 4000, "Slack's bounds for long_description"
