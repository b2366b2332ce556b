"""What an endpoint function receives: the parsed request and the account it acts on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from noko_core.sandbox.events import Events
from noko_core.sandbox.filters import Query
from noko_core.sandbox.shapes import Shapes
from noko_core.sandbox.store import Store


@dataclass(frozen=True)
class ApiRequest:
    """`path` is normalised (no trailing slash); `method` is GET for a HEAD request."""

    method: str
    path: str
    query: Query
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Call:
    """One routed call: the request, its path ids (and other path words, such as a webhook
    payload id), its JSON body (POST/PUT only, else {}), and where its events go."""

    request: ApiRequest
    ids: tuple[int, ...]
    body: dict[str, Any]
    store: Store
    shapes: Shapes
    base_url: str
    events: Events
    words: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The absolute URL of the requested path, without query (used in Link headers)."""
        return self.base_url.removesuffix("/v2") + self.request.path
