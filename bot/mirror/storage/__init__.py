"""The mirror's storage: its tables, writes and SQL reads (the only SQL of bot.mirror)."""

from __future__ import annotations

from bot.mirror.storage import rows
from bot.mirror.storage.state import SyncLogEntry, SyncState
from bot.mirror.storage.store import MirrorStore

__all__ = ["MirrorStore", "SyncLogEntry", "SyncState", "rows"]
