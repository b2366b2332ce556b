"""Parameter models: validate callers' tolerant inputs, then encode them in Noko's wire format."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import quote, urlencode, urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from noko_core.errors import NokoInputError
from noko_core.webhooks import SUBSCRIBABLE

# ASCII digits only: str.isdigit() would accept "²" or Arabic-Indic digits.
_DIGITS = re.compile(r"[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
MAX_PER_PAGE = 1000

Role = Literal["supervisor", "leader", "coworker", "contractor"]
State = Literal["disabled", "pending", "active", "suspended"]
TagFilterType = Literal["and", "combination of"]
WebhookState = Literal["enabled", "disabled"]
BillingIncrement = Literal[1, 5, 6, 10, 15, 20, 30, 60]


def to_id(value: object) -> int:
    """One positive integer id from an int or a numeric string."""
    # bool is an int subclass: True would otherwise become id 1.
    if isinstance(value, bool):
        raise ValueError("must be an id, not a boolean")
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    if not isinstance(value, int):
        raise ValueError(f"{value!r} is not an id (a positive integer)")
    if value <= 0:
        raise ValueError(f"{value!r} is not an id (ids are positive)")
    return value


def _to_ids(value: object) -> list[int]:
    if isinstance(value, str):
        parts: list[object] = list(value.split(","))
    elif isinstance(value, list | tuple):
        parts = list(value)
    else:
        parts = [value]
    if not parts or any(isinstance(p, str) and not p.strip() for p in parts):
        raise ValueError(f"{value!r} is not a list of ids (empty item)")
    return [to_id(part) for part in parts]


def _to_ids_or_none(value: object) -> list[int]:
    # An empty list is meaningful only where it is a whole value (an empty team), not a filter.
    if isinstance(value, list | tuple) and not value:
        return []
    return _to_ids(value)


def _to_date(value: object) -> date:
    # datetime is a date subclass: keep its calendar day as written, without zone conversion.
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a date (a date, datetime or 'YYYY-MM-DD')")


def _to_timestamp(value: object) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO 8601 timestamp") from None
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if not isinstance(value, datetime):
        raise ValueError(f"{value!r} is not a timestamp (a datetime or ISO 8601 string)")
    # Noko timestamps are UTC: naive values are taken as UTC, aware ones are converted.
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _to_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError(f"{value!r} is not a boolean (True/False or 'true'/'false')")


def _to_per_page(value: object) -> int:
    number = to_id(value)
    if number > MAX_PER_PAGE:
        raise ValueError(f"{number} is above Noko's maximum page size of {MAX_PER_PAGE}")
    return number


def _to_increment(value: object) -> object:
    # Literal[1, ...] would accept True as 1; numeric strings are accepted like ids.
    return to_id(value)


def _to_minutes(value: object) -> int:
    try:
        return to_id(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a number of minutes (a positive integer)") from None


def _to_url(value: object) -> str:
    """An absolute http(s) URL, kept as written (only surrounding spaces are dropped)."""
    if isinstance(value, str):
        parts = urlsplit(value.strip())
        if parts.scheme in ("http", "https") and parts.hostname:
            return value.strip()
    raise ValueError(f"{value!r} is not an absolute http(s) URL")


def _to_events(value: object) -> list[str]:
    """Webhook event names (or "*"): a list, or one comma-separated string; duplicates dropped."""
    if isinstance(value, str):
        items: list[object] = list(value.split(","))
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise ValueError(f"{value!r} is not a list of webhook events")
    names = [item.strip() if isinstance(item, str) else item for item in items]
    unknown = [name for name in names if name not in SUBSCRIBABLE]
    if unknown:
        raise ValueError(f"unknown webhook event(s) {unknown!r}; see Noko's webhook events")
    if not names:
        raise ValueError("must name at least one event")
    return list(dict.fromkeys(str(name) for name in names))


def _nonblank(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        raise ValueError("must not be blank")
    return value


Ids = Annotated[list[int], BeforeValidator(_to_ids)]
IdsOrNone = Annotated[list[int], BeforeValidator(_to_ids_or_none)]
Day = Annotated[date, BeforeValidator(_to_date)]
Timestamp = Annotated[datetime, BeforeValidator(_to_timestamp)]
Flag = Annotated[bool, BeforeValidator(_to_bool)]
PerPage = Annotated[int, BeforeValidator(_to_per_page)]
Increment = Annotated[BillingIncrement, BeforeValidator(_to_increment)]
Name = Annotated[str, BeforeValidator(_nonblank)]
Id = Annotated[int, BeforeValidator(to_id)]
Minutes = Annotated[int, BeforeValidator(_to_minutes)]
Url = Annotated[str, BeforeValidator(_to_url)]
Events = Annotated[list[str], BeforeValidator(_to_events)]


class Params(BaseModel):
    """Base of every parameter model: unknown keywords are errors, never dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_by_name=True)


class ListParams(Params):
    per_page: PerPage = MAX_PER_PAGE


class TeamListParams(ListParams):
    name: str | None = None
    user_ids: Ids | None = None


class TeamCreateParams(Params):
    name: Name
    # Noko documents user_ids as required on create: omitted means an empty team.
    user_ids: IdsOrNone = Field(default_factory=list)


class TeamEditParams(Params):
    name: Name


class UserIdsParams(Params):
    user_ids: Ids


class UserFilterParams(ListParams):
    name: str | None = None
    email: str | None = None
    role: Role | None = None
    state: State | None = None


class EntryFilterParams(ListParams):
    """Entry filters; ``from`` may be passed as ``from_`` since ``from`` is a Python keyword."""

    user_ids: Ids | None = None
    description: str | None = None
    project_ids: Ids | None = None
    tag_ids: Ids | None = None
    tag_filter_type: TagFilterType | None = None
    invoice_ids: Ids | None = None
    import_ids: Ids | None = None
    from_: Day | None = Field(default=None, alias="from")
    to: Day | None = None
    invoiced: Flag | None = None
    invoiced_at_from: Day | None = None
    invoiced_at_to: Day | None = None
    updated_from: Timestamp | None = None
    updated_to: Timestamp | None = None
    billable: Flag | None = None
    approved_at_from: Day | None = None
    approved_at_to: Day | None = None
    approved_by_ids: Ids | None = None


class EntryEditParams(Params):
    """An entry's writable keys; on create ``date`` and ``minutes`` are required."""

    date: Day | None = None
    minutes: Minutes | None = None
    user_id: Id | None = None
    project_id: Id | None = None
    project_name: Name | None = None
    description: str | None = None
    source_url: Url | None = None


class EntryCreateParams(EntryEditParams):
    date: Day
    minutes: Minutes


class WebhookListParams(ListParams):
    name: str | None = None
    events: Events | None = None
    state: WebhookState | None = None


class WebhookEditParams(Params):
    name: Name | None = None
    payload_uri: Url | None = None


class WebhookCreateParams(Params):
    name: Name
    payload_uri: Url
    events: Events


class WebhookEventsParams(Params):
    events: Events


class ProjectFilterParams(ListParams):
    name: str | None = None
    project_group_ids: Ids | None = None
    billing_increment: Increment | None = None
    enabled: Flag | None = None
    billable: Flag | None = None


class TagFilterParams(ListParams):
    name: str | None = None
    billable: Flag | None = None


P = TypeVar("P", bound=Params)


def parse(model: type[P], method: str, values: Mapping[str, Any]) -> P:
    """Validate ``values`` for ``method``; any problem becomes a NokoInputError naming the param.

    An explicit ``None`` means "not set" and is never sent.
    """
    given = {key: value for key, value in values.items() if value is not None}
    if "from" in given and "from_" in given:
        raise NokoInputError(method, [_problem("from", "pass from or from_, not both", None)])
    try:
        return model.model_validate(given)
    except ValidationError as exc:
        raise NokoInputError(method, [_describe(error) for error in exc.errors()]) from None


def parse_id(method: str, param: str, value: object) -> int:
    """Validate one path id (``team_id``...) for ``method``."""
    try:
        return to_id(value)
    except ValueError as exc:
        raise NokoInputError(method, [_problem(param, str(exc), value)]) from None


def parse_payload_id(method: str, value: object) -> str:
    """A webhook payload id: the UUID Noko sends as ``X-Noko-Delivery`` (canonical form)."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value.strip()))
        except ValueError:
            pass
    raise NokoInputError(method, [_problem("payload_id", "is not a payload id (a UUID)", value)])


def require_some(method: str, params: Params, names: Sequence[str]) -> None:
    """An edit must change something: at least one of ``names`` must be set."""
    if all(getattr(params, name) is None for name in names):
        message = f"nothing to change: pass at least one of {', '.join(names)}"
        raise NokoInputError(method, [_problem("(arguments)", message, None)])


def exclusive(method: str, params: Params, first: str, second: str) -> None:
    """``first`` and ``second`` mean the same thing two ways: refuse both at once."""
    if getattr(params, first) is not None and getattr(params, second) is not None:
        message = f"pass {first} or {second}, not both"
        raise NokoInputError(method, [_problem(second, message, getattr(params, second))])


def _describe(error: Any) -> dict[str, Any]:
    param = ".".join(str(part) for part in error["loc"]) or "(arguments)"
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown parameter"
    return _problem(param, message, error.get("input"))


def _problem(param: str, message: str, value: object) -> dict[str, Any]:
    return {"param": param, "message": message, "input": value}


def wire_value(value: object) -> str:
    """One query-string value: lowercase booleans, comma-joined ids, ISO dates, UTC timestamps."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime(_TIMESTAMP_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ",".join(wire_value(item) for item in value)
    return str(value)


def to_query(params: Params) -> dict[str, str]:
    """The model's set fields as query parameters (wire names, e.g. ``from``)."""
    dumped = params.model_dump(by_alias=True, exclude_none=True)
    return {key: wire_value(value) for key, value in dumped.items()}


def to_body(params: Params) -> dict[str, Any]:
    """The model's set fields as a JSON object: integer arrays, JSON booleans, ISO strings."""
    dumped = params.model_dump(by_alias=True, exclude_none=True)
    return {key: _json_value(value) for key, value in dumped.items()}


def _json_value(value: object) -> object:
    if isinstance(value, date):
        return wire_value(value)
    return value


def query_string(query: Mapping[str, object]) -> str:
    """Encode a query; commas stay literal (``user_ids=1,2,3``) and spaces become ``%20``."""
    pairs = [(key, wire_value(value)) for key, value in query.items() if value is not None]
    return urlencode(pairs, safe=",", quote_via=quote)
