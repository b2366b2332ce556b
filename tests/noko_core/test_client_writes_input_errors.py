"""Bad input to the entry-write and webhook methods is refused before any request: the sandbox's
request log stays empty."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from noko_core import NokoClient, NokoInputError
from noko_core.sandbox import Sandbox

Call = Callable[[NokoClient], object]
URI = "https://bot.example.com/noko/webhooks"

BAD_CALLS: list[tuple[str, Call, str]] = [
    ("entry date month 13", lambda c: c.create_entry("2026-13-01", 30), "date"),
    ("entry date words", lambda c: c.create_entry("today", 30), "date"),
    ("entry date missing", lambda c: c.create_entry(None, 30), "date"),  # type: ignore[arg-type]
    ("entry minutes zero", lambda c: c.create_entry("2026-11-26", 0), "minutes"),
    ("entry minutes negative", lambda c: c.create_entry("2026-11-26", -15), "minutes"),
    ("entry minutes float", lambda c: c.create_entry("2026-11-26", 1.5), "minutes"),  # type: ignore[arg-type]
    ("entry minutes bool", lambda c: c.create_entry("2026-11-26", True), "minutes"),
    ("entry minutes words", lambda c: c.create_entry("2026-11-26", "half an hour"), "minutes"),
    ("entry user id", lambda c: c.create_entry("2026-11-26", 5, user_id="me"), "user_id"),
    ("entry project id", lambda c: c.create_entry("2026-11-26", 5, project_id=0), "project_id"),
    ("entry project both", lambda c: c.create_entry("2026-11-26", 5, project_id=1,
                                                     project_name="x"), "project_name"),
    ("entry project name blank", lambda c: c.create_entry("2026-11-26", 5, project_name=" "),
     "project_name"),
    ("entry description int", lambda c: c.create_entry("2026-11-26", 5, description=5),  # type: ignore[arg-type]
     "description"),
    ("entry source url", lambda c: c.create_entry("2026-11-26", 5, source_url="example.com"),
     "source_url"),
    ("edit nothing", lambda c: c.edit_entry(7), "(arguments)"),
    ("edit only nones", lambda c: c.edit_entry(7, minutes=None), "(arguments)"),
    ("edit entry id", lambda c: c.edit_entry("7a", minutes=5), "entry_id"),
    ("edit minutes", lambda c: c.edit_entry(7, minutes="0"), "minutes"),
    ("delete entry id", lambda c: c.delete_entry(-1), "entry_id"),
    ("hooks state", lambda c: c.list_webhooks(state="paused"), "state"),
    ("hooks events", lambda c: c.list_webhooks(events="entry.made"), "events"),
    ("hooks unknown filter", lambda c: c.list_webhooks(kind="x"), "kind"),
    ("hook id", lambda c: c.get_single_webhook("x"), "webhook_id"),
    ("create blank name", lambda c: c.create_webhook(" ", URI, ["*"]), "name"),
    ("create ftp uri", lambda c: c.create_webhook("n", "ftp://e.com/x", ["*"]), "payload_uri"),
    ("create relative uri", lambda c: c.create_webhook("n", "/hooks", ["*"]), "payload_uri"),
    ("create unknown event", lambda c: c.create_webhook("n", URI, ["entry.made"]), "events"),
    ("create no events", lambda c: c.create_webhook("n", URI, []), "events"),
    ("create events int", lambda c: c.create_webhook("n", URI, 5), "events"),
    ("edit hook nothing", lambda c: c.edit_webhook(3), "(arguments)"),
    ("edit hook uri", lambda c: c.edit_webhook(3, payload_uri="mailto:a@b.c"), "payload_uri"),
    ("add events unknown", lambda c: c.add_webhook_events(3, "team.renamed"), "events"),
    ("remove events empty", lambda c: c.remove_webhook_events(3, []), "events"),
    ("reroll id", lambda c: c.reroll_webhook_secret(0), "webhook_id"),
    ("enable id", lambda c: c.enable_webhook(True), "webhook_id"),
    ("disable id", lambda c: c.disable_webhook(None), "webhook_id"),  # type: ignore[arg-type]
    ("ping id", lambda c: c.ping_webhook("1.0"), "webhook_id"),
    ("retry payload id", lambda c: c.retry_webhook_payload(3, "../../entries"), "payload_id"),
    ("retry payload int", lambda c: c.retry_webhook_payload(3, 5), "payload_id"),  # type: ignore[arg-type]
    ("delete hook id", lambda c: c.delete_webhook([3]), "webhook_id"),  # type: ignore[arg-type]
]  # fmt: skip


@pytest.mark.parametrize(("label", "call", "param"), BAD_CALLS, ids=[row[0] for row in BAD_CALLS])
def test_bad_write_input_is_refused_before_any_request(
    sb: Sandbox, client: NokoClient, label: str, call: Call, param: str
) -> None:
    with pytest.raises(NokoInputError) as caught:
        call(client)

    assert param in caught.value.params
    assert sb.requests == []
