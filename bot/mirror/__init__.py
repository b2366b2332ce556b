"""The mirror: the bot's own copy of the Noko account (teams, users, projects, time entries),
kept fresh by Noko's webhooks and by incremental sync, and read through ``MirrorReads``."""

from __future__ import annotations

from bot.mirror.reads import MirrorReads, build_reads
from bot.mirror.storage import MirrorStore
from bot.mirror.sync import Syncer, SyncOptions, SyncResult

__all__ = ["MirrorReads", "MirrorStore", "SyncOptions", "SyncResult", "Syncer", "build_reads"]
