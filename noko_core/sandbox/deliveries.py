"""Signed webhook deliveries: one background thread POSTs each payload to its webhook's URI.

As the Noko docs describe ("Using Webhooks", "Webhooks"): a JSON body `{"webhook": {id, name},
"type", "created_at", "changes", "object"}` (a ping: `{"payload_id", "created_at", "type":
"webhook.ping", "object": {}, "webhook"}`), headers `Content-Type: application/json`,
`X-Noko-EventCategory` (the event's family), `X-Noko-Delivery` (the payload's UUID, also the id
the retry endpoint takes), `X-Noko-Signature` (hex HMAC-SHA256 of the raw body keyed with the
webhook's secret) and `User-Agent: Noko-Webhooks`; payloads go out serially per webhook, in order;
a 410 answer disables the webhook; failures are retried with exponential backoff.

Choices where the docs are silent (UNCONFIRMED on the real API):
- Any 2xx is success. Connection errors, timeouts and other statuses are retried after
  `base_delay * 2**(n-1)` seconds (capped at `max_delay`); after `max_attempts` tries the payload
  is marked failed and the webhook is disabled (Noko gives up after 3 days).
- The secret is read at each attempt, so a re-rolled secret signs the retries.
- A disabled webhook gets no new payloads; ones already queued wait until it is enabled again.
  A ping or a retry of a disabled webhook is queued the same way. Deleting a webhook drops them.
- A retried payload is sent again as it was (same body and delivery id), behind any queued ones.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any

import requests

from noko_core.sandbox.dataset import Webhook
from noko_core.sandbox.events import Changes, Json
from noko_core.sandbox.shapes import stamp
from noko_core.sandbox.store import Store
from noko_core.webhooks import PING, WILDCARD, family, sign_payload

logger = logging.getLogger("noko_core.sandbox.webhooks")
USER_AGENT = "Noko-Webhooks"


@dataclass(frozen=True)
class DeliveryPolicy:
    """How deliveries are tried; tests pass a small `base_delay` so that retries are quick."""

    base_delay: float = 1.0
    max_delay: float = 600.0
    max_attempts: int = 8
    timeout: float = 5.0

    def delay(self, failures: int) -> float:
        return float(min(self.max_delay, self.base_delay * 2 ** (failures - 1)))


@dataclass
class Payload:
    """One payload for one webhook; `state`: pending, delivered, failed (gave up), gone (410)."""

    id: str
    webhook_id: int
    event: str
    body: bytes
    state: str = "pending"
    failures: int = 0

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Attempt:
    """One POST: `status` is the receiver's answer, 0 when none came (`error` says why)."""

    webhook_id: int
    payload_id: str
    event: str
    status: int
    error: str | None
    at: float = field(default_factory=time.monotonic)


class Deliveries:
    """The sandbox's webhook sender (`sb.webhooks`): queues, one thread, a log of attempts."""

    def __init__(self, store: Store, policy: DeliveryPolicy | None = None) -> None:
        self.policy = self._initial_policy = policy or DeliveryPolicy()
        self._store = store
        self._cond = threading.Condition()
        self._queues: dict[int, deque[Payload]] = {}
        self._due: dict[int, float] = {}
        self._paused: set[int] = set()
        self._sent: dict[str, Payload] = {}
        self._attempts: list[Attempt] = []
        self._busy = False
        self._generation = 0
        self._stopping = False
        self._thread: threading.Thread | None = None

    # -- what the API calls (with the store's lock held) -----------------------------------------

    def publish(self, event: str, obj: Json, changes: Changes) -> None:
        hooks = [
            w for w in self._store.webhooks.values()
            if w.state == "enabled" and (event in w.events or WILDCARD in w.events)
        ]  # fmt: skip
        created_at = stamp(self._store.now())
        for hook in sorted(hooks, key=lambda w: w.id):
            summary = {"id": hook.id, "name": hook.name}
            body = {"webhook": summary, "type": event, "created_at": created_at,
                    "changes": changes, "object": obj}  # fmt: skip
            self._enqueue(hook, event, body)

    def ping(self, webhook: Webhook) -> None:
        payload_id = str(uuid.uuid4())
        body = {"payload_id": payload_id, "created_at": stamp(self._store.now()), "type": PING,
                "object": {}, "webhook": {"id": webhook.id, "name": webhook.name}}  # fmt: skip
        self._enqueue(webhook, PING, body, payload_id)

    def retry(self, webhook: Webhook, payload_id: str) -> bool:
        with self._cond:
            sent = self._sent.get(payload_id.lower())
            if sent is None or sent.webhook_id != webhook.id:
                return False
            queue = self._queues.setdefault(webhook.id, deque())
            if all(queued is not sent for queued in queue):
                sent.state, sent.failures = "pending", 0
                queue.append(sent)
            self._cond.notify_all()
            return True

    def changed(self, webhook: Webhook) -> None:
        with self._cond:
            if webhook.id not in self._store.webhooks:
                self._queues.pop(webhook.id, None)
                self._paused.discard(webhook.id)
            elif webhook.state == "enabled":
                self._paused.discard(webhook.id)
                self._due[webhook.id] = time.monotonic()
            else:
                self._paused.add(webhook.id)
            self._cond.notify_all()

    def _enqueue(
        self, hook: Webhook, event: str, body: Json, payload_id: str | None = None
    ) -> None:
        raw = json.dumps(body, separators=(",", ":")).encode()
        payload = Payload(payload_id or str(uuid.uuid4()), hook.id, event, raw)
        with self._cond:
            self._sent[payload.id] = payload
            queue = self._queues.setdefault(hook.id, deque())
            if not queue:
                self._due[hook.id] = time.monotonic()
            queue.append(payload)
            self._cond.notify_all()

    # -- what tests and the demo use --------------------------------------------------------------

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is being sent and no enabled webhook has a payload waiting (retries
        in backoff count as waiting); False if that did not happen within `timeout` seconds."""
        with self._cond:
            return self._cond.wait_for(self._idle, timeout)

    @property
    def attempts(self) -> list[Attempt]:
        """Every POST made since the last reset, in order."""
        with self._cond:
            return list(self._attempts)

    def payloads(self, webhook_id: int | None = None) -> list[Payload]:
        """Copies of the payloads made since the last reset (all, or one webhook's), in order."""
        with self._cond:
            return [replace(p) for p in self._sent.values() if webhook_id in (None, p.webhook_id)]

    # -- lifecycle (the Sandbox calls these) ------------------------------------------------------

    def start(self, name: str = "noko-webhooks") -> None:
        with self._cond:
            if self._thread is not None:
                return
            self._stopping = False
            thread = self._thread = threading.Thread(target=self._run, daemon=True, name=name)
        thread.start()

    @property
    def running(self) -> bool:
        """Whether the delivery thread is alive."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    def stop(self) -> None:
        """Stop the thread (an attempt in flight ends within the policy's timeout)."""
        with self._cond:
            thread, self._thread = self._thread, None
            self._stopping = True
            self._cond.notify_all()
        if thread is not None:
            thread.join()

    def reset(self, store: Store) -> None:
        """Forget every queue, payload and attempt (one in flight is not logged); the policy
        goes back to the constructor's."""
        with self._cond:
            self.policy = self._initial_policy
            self._store = store
            self._generation += 1
            self._queues.clear()
            self._due.clear()
            self._paused.clear()
            self._sent.clear()
            self._attempts.clear()
            self._cond.notify_all()

    # -- the thread -----------------------------------------------------------------------------

    def _idle(self) -> bool:
        waiting = any(q for wid, q in self._queues.items() if wid not in self._paused)
        return not self._busy and not waiting

    def _next(self) -> tuple[Payload | None, float | None]:
        """The payload to send now, or else how long until one is due (None: nothing queued)."""
        now = time.monotonic()
        ready = [(self._due.get(w, now), w) for w, q in self._queues.items()
                 if q and w not in self._paused]  # fmt: skip
        if not ready:
            return None, None
        due, webhook_id = min(ready)
        if due <= now:
            return self._queues[webhook_id][0], None
        return None, due - now

    def _run(self) -> None:
        session = requests.Session()
        session.trust_env = False  # a proxy from the environment must not see local deliveries
        try:
            while True:
                with self._cond:
                    while True:
                        if self._stopping:
                            return
                        payload, wait = self._next()
                        if payload is not None:
                            break
                        self._cond.wait(wait)
                    self._busy = True
                    store, generation = self._store, self._generation
                try:
                    self._deliver(session, payload, store, generation)
                finally:
                    with self._cond:
                        self._busy = False
                        self._cond.notify_all()
        finally:
            session.close()

    def _deliver(
        self, session: requests.Session, payload: Payload, store: Store, generation: int
    ) -> None:
        with store.lock:
            hook = store.webhooks.get(payload.webhook_id)
            target = None if hook is None else (hook.payload_uri, hook.secret)
        if target is None:
            return  # deleted meanwhile; `changed` dropped its queue
        status, error = self._post(session, payload, *target)
        success, gone = 200 <= status < 300, status == 410
        give_up = not success and not gone and payload.failures + 1 >= self.policy.max_attempts
        if gone or give_up:
            _disable(store, payload.webhook_id)
        with self._cond:
            if generation != self._generation:
                return  # reset while sending: this attempt belongs to a forgotten sandbox state
            attempt = Attempt(payload.webhook_id, payload.id, payload.event, status, error)
            self._attempts.append(attempt)
            queue = self._queues.get(payload.webhook_id)
            if success or gone or give_up:
                payload.state = "delivered" if success else "gone" if gone else "failed"
                if queue and queue[0] is payload:
                    queue.popleft()
                self._due[payload.webhook_id] = time.monotonic()
                if not success:
                    self._paused.add(payload.webhook_id)
            else:
                payload.failures += 1
                delay = self.policy.delay(payload.failures)
                self._due[payload.webhook_id] = time.monotonic() + delay

    def _post(
        self, session: requests.Session, payload: Payload, uri: str, secret: str
    ) -> tuple[int, str | None]:
        signature = sign_payload(secret, payload.body)
        headers = {
            "Content-Type": "application/json",
            "X-Noko-EventCategory": family(payload.event),
            "X-Noko-Delivery": payload.id,
            "X-Noko-Signature": signature,
            "User-Agent": USER_AGENT,
        }
        try:
            response = session.post(
                uri, data=payload.body, headers=headers,
                timeout=self.policy.timeout, allow_redirects=False,
            )  # fmt: skip
        except requests.RequestException as exc:
            logger.debug("webhook %s %s: %s", payload.webhook_id, payload.event, type(exc).__name__)
            return 0, type(exc).__name__
        response.close()
        logger.debug("webhook %s %s -> %s", payload.webhook_id, payload.event, response.status_code)
        return response.status_code, None


def _disable(store: Store, webhook_id: int) -> None:
    with store.lock:
        hook = store.webhooks.get(webhook_id)
        if hook is not None and hook.state != "disabled":
            hook.state = "disabled"
            hook.updated_at = store.now()
