"""noko_core: a correct, rate-limit-aware client for the Noko API v2, and a local Noko sandbox."""

from noko_core.errors import (
    NokoAuthError,
    NokoError,
    NokoForbiddenError,
    NokoHTTPError,
    NokoInputError,
    NokoNotFoundError,
    NokoRateLimitError,
    NokoServerError,
    NokoTransportError,
    NokoValidationError,
)

__version__ = "0.1.0"

__all__ = [
    "NokoAuthError",
    "NokoError",
    "NokoForbiddenError",
    "NokoHTTPError",
    "NokoInputError",
    "NokoNotFoundError",
    "NokoRateLimitError",
    "NokoServerError",
    "NokoTransportError",
    "NokoValidationError",
    "__version__",
]
