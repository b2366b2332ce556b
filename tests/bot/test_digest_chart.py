"""The digest chart (issue 10 §4): a PNG drawn with matplotlib, shared through Slack's upload
flow (files.getUploadURLExternal, the bytes to the upload URL, files.completeUploadExternal)
into the digest's thread; never a public URL."""

from __future__ import annotations

import datetime as dt
import json
import struct
import threading
import zlib

from slackkit import subscribe_design

from bot.scheduler.cli import build_runner
from bot.scheduler.clock import ManualClock
from bot.services.chart import HEIGHT_PX, WIDTH_PX
from bot.services.schedule import next_due

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _tick_due(settings, deps, sub):
    clock = ManualClock(next_due(sub, sub.created_at) + dt.timedelta(seconds=30))
    return build_runner(settings, deps.repo, clock, deps.noko, threading.Event()).tick()


def _ihdr(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG's first chunk, which must be a well-formed IHDR."""
    assert png[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", png[8:16])
    assert kind == b"IHDR" and length == 13
    (crc,) = struct.unpack(">I", png[16 + length : 20 + length])
    assert zlib.crc32(png[12 : 16 + length]) == crc
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_chart_is_a_png_shared_in_the_digest_thread(settings, deps, people, fake):
    sub = subscribe_design(deps, people, options={"chart": True})
    report = _tick_due(settings, deps, sub)
    assert report.posted == [sub.id]
    digest = fake.calls_to("chat.postMessage")[0]
    (run,) = deps.repo.runs_for(sub.id)
    (upload,) = fake.uploads()
    assert fake.calls_to("files.getUploadURLExternal")[0].args["filename"].endswith(".png")
    assert upload.content is not None and _ihdr(upload.content) == (WIDTH_PX, HEIGHT_PX)
    assert upload.completed is not None
    assert upload.completed["channel_id"] == "C0DESIGN"
    assert run.slack_ts and upload.completed["thread_ts"] == run.slack_ts  # the digest's thread
    assert "Design" in upload.completed["initial_comment"]
    blocks = json.dumps(digest.args["blocks"], ensure_ascii=False)
    assert "chart of this period and the 8 before it is in this digest's thread" in blocks
    assert "http" not in json.dumps(fake.calls_to("files.completeUploadExternal")[0].args)
    assert fake.calls_to("files.upload") == []


def test_no_chart_without_the_option(settings, deps, people, fake):
    sub = subscribe_design(deps, people)
    assert _tick_due(settings, deps, sub).posted == [sub.id]
    assert fake.uploads() == [] and fake.calls_to("files.getUploadURLExternal") == []
    assert "chart" not in json.dumps(fake.calls_to("chat.postMessage")[0].args["blocks"])


def test_a_failed_upload_leaves_the_digest_posted(settings, deps, people, fake):
    sub = subscribe_design(deps, people, options={"chart": True})
    fake.inject("files.getUploadURLExternal", error="missing_scope")
    assert _tick_due(settings, deps, sub).posted == [sub.id]
    assert fake.uploads() == [] and fake.calls_to("files.completeUploadExternal") == []
