"""Block Kit pieces within Slack's limits: sections, line packing, paging, and the Reply type."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bot.ids import ActionId, BlockId
from bot.services.periods import DASH

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_CHARS = 3000
HEADER_CHARS = 150
OPTION_CHARS = 75
FIELD_CHARS = 2000
# Slack answers msg_blocks_too_long at about 13k characters of block text per message.
MESSAGE_CHARS = 11_000
# Slack advises at most 4,000 characters of top-level ``text`` (it truncates longer ones).
TEXT_CHARS = 4000
# Below SECTION_CHARS so an ellipsis, a "(continued)" title and a line break always fit.
_CHUNK = 2900
# Room kept for a " …and 12,345 more words" note.
_NOTE_ROOM = 30

Block = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True)
class Reply:
    """A message: the top-level ``text`` (notification fallback) and its blocks. ``text`` is
    capped at TEXT_CHARS on a boundary, with a note of what was left out (``cap_text``)."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", cap_text(self.text))


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Where a cut would leave half an escape ("&am") or half a mention or link ("<@U12") behind.
_HALF_MARKUP = re.compile(r"&[a-z]{0,3}$|<[^<>]{0,80}$")


def clip_mrkdwn(text: str, limit: int) -> str:
    """``clip`` for mrkdwn: never cuts an escape, a mention or a link in two."""
    return text if len(text) <= limit else _HALF_MARKUP.sub("", text[: limit - 1]) + "…"


def clip_middle(text: str, limit: int) -> str:
    """``text`` within ``limit`` keeping its start and its end (an e-mail keeps its domain)."""
    if len(text) <= limit:
        return text
    tail = (limit - 1) // 2
    return text[: limit - 1 - tail] + "…" + text[len(text) - tail :]


def cap_text(text: str, limit: int = TEXT_CHARS) -> str:
    """``text`` within ``limit`` characters, cut after a whole line, list item ("; ", ", ") or
    word, and "…and N more" saying how many of them were left out."""
    if len(text) <= limit:
        return text
    room = limit - _NOTE_ROOM
    for separator, unit in (("\n", " lines"), ("; ", ""), (", ", ""), (" ", " words")):
        cut = text.rfind(separator, 0, room + 1)
        if cut >= room // 2:
            rest = text[cut + len(separator) :].split(separator)
            left = sum(1 for piece in rest if piece.strip())
            return f"{_HALF_MARKUP.sub('', text[:cut])} …and {left:,} more{unit}"
    return f"{_HALF_MARKUP.sub('', text[:room])}… and {len(text) - room:,} more characters"


def join_within(items: Sequence[str], limit: int, separator: str = ", ") -> str:
    """As many whole ``items`` as fit in ``limit`` characters, then "…and N more"."""
    kept: list[str] = []
    size = 0
    for index, item in enumerate(items):
        size += len(item) + (len(separator) if kept else 0)
        last = index == len(items) - 1
        if size + (0 if last else _NOTE_ROOM) > limit:
            break
        kept.append(item)
    if not kept and items:
        kept = [clip_mrkdwn(items[0], max(1, limit - _NOTE_ROOM))]
    left = len(items) - len(kept)
    joined = separator.join(kept)
    return f"{joined} …and {left:,} more" if left else joined


def plain(text: str, limit: int = OPTION_CHARS) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text or " ", limit), "emoji": True}


def _with_id(block: Block, block_id: str | None) -> Block:
    if block_id:
        block["block_id"] = block_id
    return block


def section(text: str, *, block_id: str | None = None, accessory: Block | None = None) -> Block:
    text = clip_mrkdwn(text, _CHUNK)
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if accessory:
        block["accessory"] = accessory
    return _with_id(block, block_id)


def fields(texts: Sequence[str], *, block_id: str | None = None) -> Block:
    """A section of up to ten side-by-side mrkdwn fields (Slack's limit)."""
    items = [{"type": "mrkdwn", "text": clip_mrkdwn(t, FIELD_CHARS)} for t in texts[:10]]
    return _with_id({"type": "section", "fields": items}, block_id)


def header(text: str, *, block_id: str | None = None) -> Block:
    return _with_id({"type": "header", "text": plain(text, HEADER_CHARS)}, block_id)


def context(text: str, *, block_id: str | None = None) -> Block:
    element = {"type": "mrkdwn", "text": clip_mrkdwn(text, _CHUNK)}
    return _with_id({"type": "context", "elements": [element]}, block_id)


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str = "", style: str | None = None) -> Block:
    element: Block = {"type": "button", "text": plain(text), "action_id": action_id}
    if value:
        element["value"] = value[:2000]
    if style:
        element["style"] = style
    return element


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value[:150]}


def distinct_options(
    items: Sequence[T], make: Callable[[T, bool], dict[str, Any]]
) -> list[dict[str, Any]]:
    """One option per item, ``make(item, False)``; items whose labels would read the same as
    another's are made with ``make(item, True)``, which must name what tells them apart (an id)."""
    marked: set[int] = set()
    while True:
        options = [make(item, i in marked) for i, item in enumerate(items)]
        counts = Counter(o["text"]["text"] for o in options)
        same = {i for i, o in enumerate(options) if counts[o["text"]["text"]] > 1} - marked
        if not same:
            return options
        marked |= same


def input_block(block_id: str, label: str, element: Block, *, optional: bool = False) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": element,
    }
    if optional:
        block["optional"] = True
    return block


def external_select(action_id: str, placeholder: str, *, multi: bool = False) -> Block:
    """A menu the app fills as the person types; ``min_query_length`` 0 fills it on opening."""
    return {
        "type": "multi_external_select" if multi else "external_select",
        "action_id": action_id,
        "placeholder": plain(placeholder),
        "min_query_length": 0,
    }


def block_text_length(block: Block) -> int:
    """Characters of text a block carries, as Slack counts towards a message's limit."""
    size = len((block.get("text") or {}).get("text", ""))
    size += sum(len(f.get("text", "")) for f in block.get("fields", []))
    size += sum(len(e.get("text", "")) for e in block.get("elements", []) if "text" in e)
    return size


def pack_lines(
    lines: Sequence[str],
    *,
    title: str = "",
    max_chunks: int | None = None,
    max_chars: int | None = None,
) -> tuple[list[str], int]:
    """Lines joined into section-sized chunks, the first headed ``*title*`` and the rest
    ``*title (continued)*``; stops before passing ``max_chunks`` or ``max_chars`` of lines.
    Returns the chunks and how many lines they hold."""
    title = clip_mrkdwn(title, 200)
    heads = (f"*{title}*", f"*{title} (continued)*") if title else ("", "")
    groups: list[list[str]] = [[]]
    size, used, kept = len(heads[0]), 0, 0
    for line in lines:
        line = clip_mrkdwn(line, _CHUNK - len(heads[1]) - 1)
        if max_chars is not None and used + len(line) > max_chars:
            break
        if groups[-1] and size + 1 + len(line) > _CHUNK:
            if max_chunks is not None and len(groups) >= max_chunks:
                break
            groups.append([])
            size = len(heads[1])
        groups[-1].append(line)
        size, used, kept = size + 1 + len(line), used + len(line) + 1, kept + 1
    chunks = [
        "\n".join([heads[min(i, 1)], *group] if title else group)
        for i, group in enumerate(groups)
        if group
    ]
    return chunks, kept


def numbered_id(block_id: str | None, index: int) -> str | None:
    """``block_id`` for the first of a run of blocks, ``block_id:2``… after, unique per message."""
    return block_id if block_id is None or index == 1 else f"{block_id}:{index}"


def line_sections(
    lines: Sequence[str], *, max_blocks: int, max_chars: int = MESSAGE_CHARS
) -> list[Block]:
    """Pack lines into as few sections as fit in ``max_blocks`` and ``max_chars``; say how many
    lines were left out (Slack refuses messages whose blocks hold more than about 13k chars)."""
    chunks, kept = pack_lines(lines, max_chunks=max_blocks - 1, max_chars=max_chars)
    blocks = [section(c) for c in chunks]
    if kept < len(lines):
        blocks.append(context(f"…and {len(lines) - kept} more not shown."))
    return blocks


def titled_sections(title: str, lines: Sequence[str], *, block_id: str) -> list[Block]:
    """Every line under ``title``, in as many sections as it takes: for paged messages."""
    chunks, _ = pack_lines(lines, title=title)
    return [section(c, block_id=numbered_id(block_id, i)) for i, c in enumerate(chunks, 1)]


def split_runs(
    lengths: Sequence[int],
    *,
    max_items: int,
    max_chars: int | None = None,
    used: tuple[int, int] = (0, 0),
) -> list[range]:
    """The paging rule: items (given by their text lengths) cut in order into runs of at most
    ``max_items`` items and ``max_chars`` characters; an item over ``max_chars`` gets a run of
    its own. The first run already holds ``used`` (items, characters): it is empty when even the
    first item doesn't fit beside them. Never returns no run."""
    runs: list[range] = []
    start, (count, size) = 0, used
    for index, length in enumerate(lengths):
        full = count >= max_items or (max_chars is not None and size + length > max_chars)
        if count and full:
            runs.append(range(start, index))
            start, count, size = index, 0, 0
        count, size = count + 1, size + length
    runs.append(range(start, len(lengths)))
    return runs


def pages(
    head: Sequence[Block],
    body: Iterable[Block],
    *,
    max_blocks: int = MESSAGE_BLOCKS,
    max_chars: int = MESSAGE_CHARS,
) -> list[list[Block]]:
    """``head`` then ``body`` cut into pages that each fit one message (a main message and its
    thread replies)."""
    blocks = list(body)
    used = (len(head), sum(block_text_length(b) for b in head))
    lengths = [block_text_length(b) for b in blocks]
    runs = split_runs(lengths, max_items=max_blocks, max_chars=max_chars, used=used)
    paged = [[blocks[i] for i in run] for run in runs]
    paged[0][:0] = head
    return paged


@dataclass(frozen=True)
class Page:
    """Items ``start`` to ``end`` (excluded) of ``total``: page ``number`` of ``count``, from 0."""

    number: int
    count: int
    start: int
    end: int
    total: int

    def label(self, noun: str) -> str:
        """ "Teams 51\u2013100 of 2,002"."""
        return f"{noun} {self.start + 1:,}{DASH}{self.end:,} of {self.total:,}"


def page_of(
    lengths: Sequence[int], number: int, *, per_page: int, max_chars: int | None = None
) -> Page:
    """Page ``number`` of items cut by ``split_runs``; a number past the end (the list got
    shorter since the button was made) is the last page."""
    runs = split_runs(lengths, max_items=per_page, max_chars=max_chars)
    index = min(max(number, 0), len(runs) - 1)
    return Page(index, len(runs), runs[index].start, runs[index].stop, len(lengths))


def pager(
    page: Page, noun: str, value_of: Callable[[int], str], *, shared_hint: str | None = None
) -> list[Block]:
    """Where a paged list stands ("Teams 51\u2013100 of 2,002") and Previous/Next buttons whose
    values (``value_of(number)``) re-read that page. A message shared in a channel gets
    ``shared_hint`` (how to page it yourself) instead of buttons that anyone could press."""
    if page.count <= 1:
        return []
    where = f"{page.label(noun)} (page {page.number + 1:,} of {page.count:,})."
    if shared_hint is not None:
        return [context(f"{where} {shared_hint}", block_id=BlockId.PAGE)]
    buttons = []
    if page.number > 0:
        buttons.append(button("Previous", ActionId.PAGE_PREVIOUS, value_of(page.number - 1)))
    if page.number < page.count - 1:
        buttons.append(button("Next", ActionId.PAGE_NEXT, value_of(page.number + 1)))
    return [
        context(where, block_id=BlockId.PAGE),
        {"type": "actions", "block_id": BlockId.PAGER, "elements": buttons},
    ]


def message(text: str, blocks: Sequence[Block]) -> Reply:
    """A Reply whose blocks respect the 50-blocks-per-message limit."""
    kept = list(blocks)
    if len(kept) > MESSAGE_BLOCKS:
        kept = [*kept[: MESSAGE_BLOCKS - 1], context("…the rest did not fit in one message.")]
    return Reply(text, kept)
