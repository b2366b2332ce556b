"""`Sandbox`: a threaded local Noko API v2 server with rate limit, latency and fault injection."""

from __future__ import annotations

import threading
from types import TracebackType

from noko_core.sandbox.api import Api
from noko_core.sandbox.dataset import Dataset
from noko_core.sandbox.deliveries import Deliveries, DeliveryPolicy
from noko_core.sandbox.demo import build_dataset
from noko_core.sandbox.faults import Fault, FaultBook
from noko_core.sandbox.handler import Backend, SandboxServer
from noko_core.sandbox.ratelimit import RateLimiter
from noko_core.sandbox.recording import RecordedRequest, Recorder
from noko_core.sandbox.store import Store


class Sandbox:
    """A fake api.nokotime.com on `base_url`; see the package docstring for its behaviour.

    Usage: `with Sandbox() as sb: requests.get(sb.base_url + "/teams", headers=...)`.
    `sb.webhooks` sends the webhook deliveries (`wait_idle()`, `attempts`, `payloads()`);
    `webhook_policy` sets their timeout and retries.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str = "sandbox-token",
        rate_limit: bool = True,
        latency: float = 0.0,
        dataset: Dataset | None = None,
        webhook_policy: DeliveryPolicy | None = None,
    ) -> None:
        self.host = host
        self._port = port
        self.token = token
        self._dataset = dataset if dataset is not None else build_dataset()
        self._initial = (rate_limit, latency)
        self.store = Store(self._dataset)
        self.webhooks = Deliveries(self.store, webhook_policy)
        self._limiter = RateLimiter(enabled=rate_limit)
        self._faults = FaultBook()
        self._recorder = Recorder()
        self._latency = latency
        self._server: SandboxServer | None = None
        self._thread: threading.Thread | None = None
        self._backend: Backend | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> Sandbox:
        if self._server is not None:
            raise RuntimeError("sandbox already started")
        backend = Backend(
            api=Api(self.store, self.token, "", self.webhooks),
            limiter=self._limiter,
            faults=self._faults,
            recorder=self._recorder,
            latency=self._latency,
        )
        server = SandboxServer((self.host, self._port), backend)
        self._port = server.server_address[1]
        backend.api = Api(self.store, self.token, self.base_url, self.webhooks)
        self._backend, self._server = backend, server
        self.webhooks.start(name=f"noko-webhooks-{self._port}")
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name=f"noko-sandbox-{self._port}",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake every sleeping request, close the socket, join the threads."""
        server, thread, backend = self._server, self._thread, self._backend
        if server is None or thread is None or backend is None:
            return
        backend.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join()
        self.webhooks.stop()
        self._server = self._thread = self._backend = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def reset(self) -> None:
        """Back to how it was built, without a restart: the dataset's state, no faults, no
        recorded requests, no rate-limit slots, the constructor's rate limit and latency, no
        webhooks and no queued deliveries or delivery log.

        Lets many tests share one running server. A request still in flight from before may
        finish against the old state, but it is not recorded in the new log.
        """
        self.store = Store(self._dataset)
        self.webhooks.reset(self.store)
        if self._backend is not None:
            self._backend.api = Api(self.store, self.token, self.base_url, self.webhooks)
        self._faults.clear()
        self._limiter.reset()
        self.rate_limit, self.latency = self._initial
        self._recorder.clear()

    # -- addresses -----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self._port}/v2"

    # -- runtime knobs -------------------------------------------------------------------------

    @property
    def latency(self) -> float:
        return self._latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self._latency = seconds
        if self._backend is not None:
            self._backend.latency = seconds

    @property
    def rate_limit(self) -> bool:
        return self._limiter.enabled

    @rate_limit.setter
    def rate_limit(self, enabled: bool) -> None:
        self._limiter.enabled = enabled

    def reset_rate_limit(self) -> None:
        """Forget every client's rate-limit slots (e.g. between tests sharing a sandbox)."""
        self._limiter.reset()

    # -- recording and faults ------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        return self._recorder.all()

    def clear_requests(self) -> None:
        """Forget every request received so far (one still being answered is not listed later)."""
        self._recorder.clear()

    def inject(
        self,
        kind: str,
        *,
        count: int = 1,
        status: int | None = None,
        path: str | None = None,
        method: str | None = None,
        seconds: float | None = None,
        retry_after: float | None = None,
    ) -> None:
        """Make the next `count` requests matching `path`/`method` fail the `kind` way.

        - "status": answer `status` (429: empty body, plus `Retry-After` if `retry_after`;
          404: the text/html one-space body; others: JSON `{"message": ...}`).
        - "stall": wait `seconds`, then close the connection without answering; the request is
          never processed, so nothing changes.
        - "drop": close the connection at once without answering.
        - "apply-then-drop": process the request (the change happens), then close the connection
          without answering: a proxy that lost Noko's answer.
        - "apply-then-stall": process the request, wait `seconds`, then close without answering:
          an answer held past the client's timeout.
        `path` is a substring of, or else a regex searched in, the request path ("/v2/...");
        `method` is compared case-insensitively. Faults apply after the rate limiter and the
        latency (so they count as requests) and before any other check. Recorded status: the
        injected status, 0 for stall/drop, the status the API chose for the apply-then kinds.
        """
        fault = Fault(kind, count, status, path, method, seconds, retry_after)
        self._faults.add(fault)

    def clear_faults(self) -> None:
        self._faults.clear()
