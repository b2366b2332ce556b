"""How every listener runs: the ack on the request's thread, the work on the bounded queue.

The app runs with Bolt's ``process_before_response``: Bolt calls the registered function on the
thread that serves the HTTP request and answers Slack when it returns. So the function must only
decide the ack (nothing slow: no Noko, no Slack call) and hand the rest to the ``WorkQueue``:

- ``immediate``: the ack *is* the answer (type-ahead options, clicks with nothing to do).
- ``deferred``: listeners written as "ack(), then work": acked here, run on the queue.
- ``deferred_view``: modal submissions: validated here (inline errors, or the "Working…" view
  in the ack), the change runs on the queue.

When the queue is full, the person is told "busy, try again" instead of the work running unseen.
Exceptions anywhere go to ``handle_error``, the one mapping from errors to replies.
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.kwargs_injection import Args
from slack_bolt.middleware import Middleware

from bot.blocks.modals import working_view
from bot.listeners.errors import handle_error
from bot.listeners.work import BUSY, WorkQueue

logger = logging.getLogger(__name__)

F = TypeVar("F")
ACK_GATE_SECONDS = 5.0
# Interactive payloads that someone sent by clicking, typing or submitting: they name their user.
_PERSONAL_PAYLOADS = frozenset(
    {
        "block_actions",
        "block_suggestion",
        "view_submission",
        "view_closed",
        "shortcut",
        "message_action",
        "interactive_message",
        "dialog_submission",
        "dialog_suggestion",
    }
)
NO_USER = (
    "I can't tell who sent this (the request names no Slack user), so I did nothing. "
    "Please try again."
)


def work_queue_of(context: Any) -> WorkQueue:
    queue: WorkQueue = context["work_queue"]
    return queue


def busy_notices_of(context: Any) -> WorkQueue:
    queue: WorkQueue = context["busy_notices"]
    return queue


def _already_acked(*_args: Any, **_kwargs: Any) -> None:
    """The ``ack`` handed to work running after the response was sent: acking again is moot."""


_BOLT_ARGS = frozenset(inspect.signature(Args.__init__).parameters) - {"self"}


def _caller(listener: Callable[..., Any]) -> Callable[..., Any]:
    """``listener`` called with the arguments it names (read once, not on every request): Bolt's
    own (``ack``, ``body``, ``client``…), the app's collaborators that ``bot.app`` puts in the
    context (``deps``, ``settings``), and overrides."""
    names = list(inspect.signature(listener).parameters)

    def value(args: Args, name: str, overrides: dict[str, Any]) -> Any:
        if name in overrides:
            return overrides[name]
        return getattr(args, name) if name in _BOLT_ARGS else args.context[name]

    def call(args: Args, **overrides: Any) -> Any:
        return listener(**{n: value(args, n, overrides) for n in names})

    return call


def _report(error: Exception, args: Args) -> None:
    handle_error(error, args.body, args.client, args.respond, args.context)


def _name_after(wrapper: F, listener: Callable[..., Any]) -> F:
    wrapper.__name__ = wrapper.__qualname__ = listener.__name__  # type: ignore[attr-defined]
    return wrapper


def immediate(listener: Callable[..., Any]) -> Callable[[Args], None]:
    """Run ``listener`` on the request thread; it must answer within Slack's 3 s by itself."""

    call = _caller(listener)

    def run_immediate(args: Args) -> None:
        try:
            call(args)
        except Exception as error:
            if args.ack.response is None:
                args.ack()  # never leave Slack waiting on our bug
            _report(error, args)

    return _name_after(run_immediate, listener)


def deferred(listener: Callable[..., Any]) -> Callable[[Args], None]:
    """Ack now; run ``listener`` (which may call Noko and Slack) on the work queue."""

    call = _caller(listener)

    def work(args: Args) -> None:
        try:
            call(args, ack=_already_acked)
        except Exception as error:
            _report(error, args)

    def run_deferred(args: Args) -> None:
        if not _submit_then_ack(args, lambda: work(args), args.ack):
            _refuse_busy(args)

    return _name_after(run_deferred, listener)


def deferred_view(
    check: Callable[..., F | None], run: Callable[..., Any]
) -> Callable[[Args], None]:
    """A modal submission: ``check`` (request thread) returns the parsed form, or acks inline
    errors and returns None; ``run(form, …)`` makes the change on the work queue."""

    call_check, call_run = _caller(check), _caller(run)

    def work(args: Args, form: F) -> None:
        try:
            call_run(args, form=form)
        except Exception as error:
            _report(error, args)

    def run_view(args: Args) -> None:
        try:
            form = call_check(args)
        except Exception as error:
            if args.ack.response is None:
                args.ack()
            _report(error, args)
            return
        if form is None:
            return  # ``check`` acked with the inline errors
        view = args.view or {}
        # Keep the modal open with a progress note; the result replaces it when done.
        working = working_view(view.get("callback_id"))
        if not _submit_then_ack(
            args, lambda: work(args, form), lambda: args.ack(response_action="update", view=working)
        ):
            # Refused inline: the modal stays open with everything the person entered.
            args.ack(response_action="errors", errors={_first_input_block(view): BUSY})

    return _name_after(run_view, run)


def _submit_then_ack(args: Args, work: Callable[[], None], ack: Callable[[], object]) -> bool:
    """Queue ``work`` and ack; the work starts only once the ack is decided (so it knows whether
    it was taken). Bolt writes the ack's HTTP response after this returns, so a reply the work
    sends within microseconds could still reach Slack first; every work item calls Noko or Slack
    before it answers, which in practice orders them. False when the queue is full."""
    acked = threading.Event()

    def after_ack() -> None:
        acked.wait(ACK_GATE_SECONDS)
        work()

    if not work_queue_of(args.context).try_submit(after_ack):
        return False
    try:
        ack()
    finally:
        acked.set()
    return True


def _first_input_block(view: dict[str, Any]) -> str:
    for block in view.get("blocks") or []:
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return "team"


def _refuse_busy(args: Args) -> None:
    """Tell the person their request was not taken: in the ack for a command, else in a reply."""
    if args.command is not None:
        args.ack(text=BUSY, response_type="ephemeral")
        return
    args.ack()
    body = args.body if isinstance(args.body, dict) else {}
    user = body.get("user") if isinstance(body.get("user"), dict) else {}
    user_id = str((user or {}).get("id") or "")
    respond, client = args.respond, args.client
    if body.get("type") == "event_callback" or not user_id:
        logger.warning("work queue full: dropped a %s event", (args.event or {}).get("type"))
        return

    def tell() -> None:
        if respond is not None and getattr(respond, "response_url", None):
            respond(text=BUSY, response_type="ephemeral", replace_original=False)
        else:  # App Home clicks have no response_url: a DM is the only way to answer
            client.chat_postMessage(channel=user_id, text=BUSY)

    if not busy_notices_of(args.context).try_submit(tell):
        logger.warning("work queue full: could not even tell %s it is busy", user_id)


class RequireUser(Middleware):
    """A signed slash command or interaction that names no user (``user_id`` / ``user.id``) is
    not run: every listener acts as, and answers, its user. A command gets a plain answer in its
    ack, an interaction an empty 200; one log line, no traceback."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        body = req.body if isinstance(req.body, dict) else {}
        if "command" in body:
            kind = "slash command"
        elif body.get("type") in _PERSONAL_PAYLOADS:
            kind = str(body["type"])
        else:
            return next()
        user_id = req.context.user_id
        if isinstance(user_id, str) and user_id.strip():
            return next()
        logger.warning("ignored a Slack %s that names no user", kind)
        if kind == "slash command":
            return BoltResponse(status=200, body={"response_type": "ephemeral", "text": NO_USER})
        return BoltResponse(status=200, body="")
