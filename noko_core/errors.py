"""The error tree of the Noko client: one class per kind of failure, keyed on HTTP status."""

from __future__ import annotations

from typing import Any


class NokoError(Exception):
    """Base class of every error raised by noko_core."""


class NokoInputError(NokoError, ValueError):
    """The caller's arguments were rejected before any request was made.

    ``errors`` holds one dict per problem: ``{"param": name, "message": text, "input": value}``.
    """

    def __init__(self, method: str, errors: list[dict[str, Any]]) -> None:
        self.method = method
        self.errors = errors
        details = "; ".join(f"{e['param']}: {e['message']}" for e in errors)
        super().__init__(f"invalid arguments to {method}(): {details}")

    @property
    def params(self) -> list[str]:
        return [str(e["param"]) for e in self.errors]


class NokoTransportError(NokoError):
    """The request did not complete: timeout, refused or dropped connection."""


class NokoOutcomeUnknownError(NokoTransportError):
    """A write reached Noko (or may have) but no answer came back: it may or may not have happened.

    Raised for POST/PUT/PATCH/DELETE after a read timeout or a connection dropped once the request
    was sent, and when a retry after such a failure was refused: only reading Noko tells what
    happened. A refused connection (nothing was sent) stays a plain ``NokoTransportError``.
    """

    def __init__(self, message: str, *, method: str = "", path: str = "") -> None:
        super().__init__(message)
        self.method = method
        self.path = path


class NokoHTTPError(NokoError):
    """Noko answered with an error status."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: list[dict[str, Any]] | None = None,
        method: str = "",
        path: str = "",
    ) -> None:
        self.status = status
        self.message = message
        self.errors = errors or []
        self.method = method
        self.path = path
        super().__init__(f"{method} {path} -> {status}: {message}".strip())


class NokoValidationError(NokoHTTPError):
    """400 or 422: Noko rejected the request's fields (see ``errors``)."""


class NokoAuthError(NokoHTTPError):
    """401: the access token is missing, wrong or expired."""


class NokoForbiddenError(NokoHTTPError):
    """403: the token's user may not do this, or the plan lacks the feature."""


class NokoNotFoundError(NokoHTTPError):
    """404: no such resource (or route)."""


class NokoRateLimitError(NokoHTTPError):
    """429 after every retry was spent; ``retry_after`` is the server's hint in seconds, if any."""

    retry_after: float | None = None


class NokoServerError(NokoHTTPError):
    """5xx from Noko."""
