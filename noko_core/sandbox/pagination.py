"""Page slicing and the Link header, in the exact format recorded from api.nokotime.com."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar
from urllib.parse import quote_plus

from noko_core.sandbox.filters import Query, QueryError, value

T = TypeVar("T")
DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 1000
_HIDDEN = ("page", "noko_token")  # never echoed back into links


def _positive(query: Query, name: str, default: int) -> int:
    raw = value(query, name)
    if raw is None:
        return default
    if not raw.strip().isdigit() or int(raw) < 1:
        raise QueryError(name)
    return int(raw)


def paginate(items: Sequence[T], query: Query, url: str) -> tuple[list[T], str | None]:
    """The requested page of `items` and its Link header value (None when not needed).

    `per_page` above 1000 is capped at 1000; `page`/`per_page` that are not positive integers
    raise QueryError (400). A page past the last one is an empty list.
    """
    page = _positive(query, "page", 1)
    per_page = min(_positive(query, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    last = max(1, -(-len(items) // per_page))
    start = (page - 1) * per_page
    return list(items[start : start + per_page]), link_header(url, query, page, last)


def link_header(url: str, query: Query, page: int, last: int) -> str | None:
    """`<url?page=N&...>; rel="..."` joined by ", ", rels in the order first, last, next, prev.

    The other parameters follow `page` sorted by name, each once (its last value), form-encoded
    (`%3A`, a space as `+`) with commas kept literal; `noko_token` is left out.
    """
    rels: list[tuple[int, str]] = []
    if page > 1:
        rels.append((1, "first"))
    if page < last:
        rels += [(last, "last"), (page + 1, "next")]
    if page > 1:
        rels.append((page - 1, "prev"))
    if not rels:
        return None
    kept = sorted((k, v[-1]) for k, v in query.items() if k not in _HIDDEN and v)
    rest = "".join(f"&{quote_plus(k)}={quote_plus(v, safe=',')}" for k, v in kept)
    return ", ".join(f'<{url}?page={number}{rest}>; rel="{rel}"' for number, rel in rels)
