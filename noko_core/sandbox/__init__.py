"""A local, stateful fake of the Noko API v2 (teams, users, entries, projects, tags, account,
webhooks).

A pytest fixture for your own tests (there is no shared fixture module on purpose):

    @pytest.fixture
    def sandbox() -> Iterator[Sandbox]:
        dataset = build_dataset(today=datetime.date(2026, 11, 27))  # fixed day: stable data
        with Sandbox(rate_limit=False, dataset=dataset) as sb:
            yield sb

    requests.get(f"{sb.base_url}/teams", headers={"X-NokoToken": sb.token, "User-Agent": "t/1"})

`sb.requests` lists every request (including 401/429/faulted ones) in arrival order; a request
is listed before its answer is sent. `sb.inject("status"|"stall"|"drop", ...)` scripts
failures (`"apply-then-drop"` and `"apply-then-stall"`: the change happens, its answer is lost),
`sb.latency` and `sb.rate_limit` can be changed while running, and `sb.store` is the live state
(`sb.store.teams[1].user_ids`; hold `sb.store.lock` for multi-step reads). `sb.reset()` puts a
running sandbox back to how it was built, so many tests can share one server.

Webhooks: register one through the API (`POST /webhooks`, or `NokoClient.create_webhook`) and
every entry and team change made through the API is POSTed, signed, to its `payload_uri` from a
background thread (`noko_core.sandbox.deliveries`). `sb.webhooks.wait_idle(timeout)` waits for
the queue to drain, `sb.webhooks.attempts` lists every POST with the status it got, and
`Sandbox(webhook_policy=DeliveryPolicy(base_delay=0.01))` makes retries fast in tests.
Entries can be created, edited and deleted (`POST /entries`, `PUT`/`DELETE /entries/:id`), and
`updated_from`/`updated_to` list what changed.

`build_dataset()` sizes: 40 users, 6 teams, 25 projects, 15 tags, about 6,700 entries, 2,520 of
them for the big team "Engineering" (id 1); `build_dataset(big_team_size=40,
entries_per_member_day=9)` gives 21,600 for the big team (22,302 in all).

Behaviour follows Noko's public API v2 documentation (developer.nokotime.com, whose source
is the cheerful/freckle-apidocs repository). Choices where the real API is UNCONFIRMED:

- Checks run in this order: rate limit (429, empty body), injected fault, User-Agent missing or
  blank (400 `{"message": "User-Agent header is required"}`), token (401
  `{"message": "Unauthorized"}`; the real body is undocumented), route (404 text/html " "), then
  the POST/PUT body. A wrong verb on a known path is a 404, like an unknown route.
- Injected faults and rejected requests count toward the rate limit: they are requests.
- POST/PUT bodies must be `Content-Type: application/json` when not empty (else 400
  `{"message": "Content-Type must be application/json"}`); an empty body means `{}`. GET and
  DELETE bodies are ignored (filters are read from the query string only). Chunked request
  bodies are not supported (read as empty, and the connection is closed).
- Validation errors are 400 `{"message": "Validation Failed", "errors": [...]}`; see
  `noko_core.sandbox.teams`, `.entries` (entry create/edit/delete) and `.webhooks` (webhook
  registration) for the write rules and `noko_core.sandbox.filters` for query rules
  (malformed ids, dates, `YYYY-MM-DDTHH:MM:SSZ` timestamps, booleans, enums → `invalid`).
- Paging: `page`/`per_page` must be positive integers (else 400, field error `invalid`);
  `per_page` above 1000 is capped at 1000; a page past the last is `200 []`.
- The token may come as the `X-NokoToken` header or the `noko_token` query parameter (never
  echoed into Link headers). Basic auth and OAuth are not modelled.
"""

from noko_core.sandbox.dataset import (
    Account,
    CurrentUserSettings,
    Dataset,
    Entry,
    Invoice,
    Project,
    ProjectGroup,
    Tag,
    Team,
    User,
    Webhook,
)
from noko_core.sandbox.deliveries import Attempt, Deliveries, DeliveryPolicy, Payload
from noko_core.sandbox.demo import build_dataset
from noko_core.sandbox.recording import RecordedRequest
from noko_core.sandbox.server import Sandbox
from noko_core.sandbox.store import Store

__all__ = [
    "Account",
    "Attempt",
    "CurrentUserSettings",
    "Dataset",
    "Deliveries",
    "DeliveryPolicy",
    "Entry",
    "Invoice",
    "Payload",
    "Project",
    "ProjectGroup",
    "RecordedRequest",
    "Sandbox",
    "Store",
    "Tag",
    "Team",
    "User",
    "Webhook",
    "build_dataset",
]
