"""noko_core: a correct, rate-limit-aware client for the Noko API v2, and a local Noko sandbox."""

from noko_core._version import __version__
from noko_core.client import NokoClient
from noko_core.errors import (
    NokoAuthError,
    NokoError,
    NokoForbiddenError,
    NokoHTTPError,
    NokoInputError,
    NokoNotFoundError,
    NokoOutcomeUnknownError,
    NokoRateLimitError,
    NokoServerError,
    NokoTransportError,
    NokoValidationError,
)
from noko_core.models import (
    Account,
    CurrentUser,
    Entry,
    Project,
    SimpleProject,
    SimpleTeam,
    SimpleUser,
    Tag,
    Team,
    User,
    Webhook,
    WebhookSecret,
)
from noko_core.webhooks import EVENTS as WEBHOOK_EVENTS
from noko_core.webhooks import sign_payload, signature_ok

__all__ = [
    "WEBHOOK_EVENTS",
    "Account",
    "CurrentUser",
    "Entry",
    "NokoAuthError",
    "NokoClient",
    "NokoError",
    "NokoForbiddenError",
    "NokoHTTPError",
    "NokoInputError",
    "NokoNotFoundError",
    "NokoOutcomeUnknownError",
    "NokoRateLimitError",
    "NokoServerError",
    "NokoTransportError",
    "NokoValidationError",
    "Project",
    "SimpleProject",
    "SimpleTeam",
    "SimpleUser",
    "Tag",
    "Team",
    "User",
    "Webhook",
    "WebhookSecret",
    "__version__",
    "sign_payload",
    "signature_ok",
]
