"""What every resource mixin shares: sending one request and paging lazily through a listing."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from noko_core.transport import Transport


class Resource:
    """Base of the resource mixins; the client provides ``_transport``."""

    _transport: Transport

    def _send(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, object] | None = None,
        body: Any = None,
    ) -> Any:
        return self._transport.send(method, path, query=query, body=body).data

    def _pages(self, path: str, query: Mapping[str, object]) -> Iterator[Any]:
        """Yield items page by page, following Link rel="next" verbatim until there is none."""
        reply = self._transport.send("GET", path, query=query)
        while True:
            yield from reply.data or []
            if reply.next_url is None:
                return
            reply = self._transport.send("GET", reply.next_url)
