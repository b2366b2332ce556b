"""Response values the sandbox sends, and the error bodies Noko uses (Noko API docs, "Errors")."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

JSON_TYPE = "application/json; charset=utf-8"


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)


class ApiError(Exception):
    """Raised anywhere in request handling to answer with `response` instead."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def json_response(
    status: int, payload: Any, headers: list[tuple[str, str]] | None = None
) -> Response:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return Response(status, body, [("Content-Type", JSON_TYPE), *(headers or [])])


def message(status: int, text: str) -> Response:
    return json_response(status, {"message": text})


def validation_failed(resource: str, errors: list[tuple[str, str]]) -> Response:
    """400 with the errors array; each error is (field, code)."""
    items = [{"resource": resource, "field": f, "code": c} for f, c in errors]
    return json_response(400, {"message": "Validation Failed", "errors": items})


def not_found() -> Response:
    # Observed on the real API for unknown ids and routes: text/html with a one-space body.
    return Response(404, b" ", [("Content-Type", "text/html; charset=utf-8")])


def no_content() -> Response:
    return Response(204)


def too_many_requests(retry_after: float | None = None) -> Response:
    headers = [] if retry_after is None else [("Retry-After", _seconds(retry_after))]
    return Response(429, b"", headers)


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
