"""The one place a reply says how current its Noko data is ("as of 3 min ago").

Live reads are current and say nothing; the mirror's answers say their age once it is more than
``STALE_AFTER`` old. `hours`, digests (on demand, previews and scheduled), `show` and `members`
all add this line, and nothing else words it.
"""

from __future__ import annotations

import datetime as dt

from bot.blocks.common import Block, context
from bot.services.reads import Freshness

# Data older than this is marked with its age.
STALE_AFTER = dt.timedelta(minutes=2)


def freshness_blocks(freshness: Freshness) -> list[Block]:
    """A context line with the data's age when it is stale; nothing when it is current."""
    note = freshness.note(stale_after=STALE_AFTER)
    return [context(f"Noko data {note}.")] if note else []
