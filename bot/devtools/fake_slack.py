"""A local fake of Slack's Web API and response_url that records every call, over real HTTP."""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100
SECTION_TEXT_LIMIT = 3000

BOT_USER_ID = "UBOT"  # auth.test's user_id: the bot's own Slack user

# A Web API method answered by another fake (the Socket Mode side): (args, headers) -> answer.
MethodAnswer = Callable[[dict[str, Any], dict[str, str]], tuple[int, dict[str, Any]]]


@dataclass(frozen=True)
class SlackUser:
    """A workspace member as users.info describes them."""

    id: str
    name: str
    email: str | None = None
    tz: str = "Europe/Berlin"
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False  # deactivated: users.info still answers, with ``deleted: true``

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "real_name": self.name,
            "tz": self.tz,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_bot": self.is_bot,
            "deleted": self.deleted,
            "profile": {"email": self.email, "real_name": self.name, "display_name": self.name},
        }


@dataclass(frozen=True)
class SlackCall:
    """One recorded call: a Web API method (``chat.postMessage``) or ``response_url``."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float
    status: int
    path: str = ""


@dataclass
class _Fault:
    method: str
    count: int
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    stall: float | None = None


@dataclass
class Upload:
    """A file of the upload flow: announced (files.getUploadURLExternal), its bytes POSTed to
    the upload URL, then shared (files.completeUploadExternal: channel, thread, title)."""

    id: str
    filename: str
    length: int
    content: bytes | None = None
    completed: dict[str, Any] | None = None


@dataclass
class _Conversation:
    """A conversation as conversations.info describes it to the bot."""

    is_im: bool = False
    is_private: bool = False
    bot_member: bool = True


@dataclass
class _State:
    users: dict[str, SlackUser] = field(default_factory=dict)
    # Channels with a member list of their own (None: hidden from the bot, as a private channel
    # without it); any other channel has every known user as a member.
    channels: dict[str, list[str] | None] = field(default_factory=dict)
    calls: list[SlackCall] = field(default_factory=list)
    faults: list[_Fault] = field(default_factory=list)
    plugged: dict[str, MethodAnswer] = field(default_factory=dict)
    stalling: list[str] = field(default_factory=list)  # methods of calls held by a stall now
    # Conversations with flags of their own; any other is a public channel the bot is in (a
    # "D…" id: a DM), or hidden when ``channels`` hides it.
    conversations: dict[str, _Conversation] = field(default_factory=dict)
    # Messages chat.postMessage accepted, oldest first, for conversations.history.
    messages: list[dict[str, Any]] = field(default_factory=list)
    cond: threading.Condition = field(default_factory=threading.Condition)
    ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    uploads: dict[str, Upload] = field(default_factory=dict)
    base_url: str = ""
    latency: float = 0.0  # seconds added to every call (benchmarks: Slack's round trip)


class FakeSlack:
    """Records Slack Web API calls and answers them like Slack would, on 127.0.0.1.

    Point ``WebClient(base_url=fake.api_url)`` at it; ``response_url`` values made with
    :meth:`response_url` are served too. ``wait_for`` polls for calls made by listener threads.
    """

    def __init__(
        self, users: list[SlackUser] | None = None, *, port: int = 0, latency: float = 0.0
    ) -> None:
        self._state = _State(users={u.id: u for u in users or []}, latency=latency)
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _make_handler(self._state))
        self._server.daemon_threads = True
        self._state.base_url = self.base_url
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeSlack:
        # A short poll: stop() waits up to one poll interval, and tests start one per test.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, key: str = "1") -> str:
        return f"{self.base_url}/response/{key}"

    # -- directory ---------------------------------------------------------------------------
    def add_user(self, user: SlackUser) -> None:
        with self._state.cond:
            self._state.users[user.id] = user

    def set_channel(self, channel_id: str, members: Sequence[str] | None) -> None:
        """Give ``channel_id`` these members, or hide it (``None``: channel_not_found)."""
        with self._state.cond:
            self._state.channels[channel_id] = None if members is None else list(members)

    def set_conversation(
        self,
        channel_id: str,
        *,
        is_im: bool = False,
        is_private: bool = False,
        bot_member: bool = True,
    ) -> None:
        """Describe ``channel_id`` to conversations.info; chat.postMessage answers
        ``not_in_channel`` while the bot is not a member, conversations.join adds it to a
        public one."""
        with self._state.cond:
            self._state.conversations[channel_id] = _Conversation(is_im, is_private, bot_member)

    def bot_joins(self, channel_id: str, inviter: str = "U0001") -> dict[str, Any]:
        """Make the bot a member of ``channel_id`` and return the ``member_joined_channel``
        event Slack then sends (for the test driver's ``event``)."""
        with self._state.cond:
            conversation = self._state.conversations.setdefault(channel_id, _Conversation())
            conversation.bot_member = True
        return {
            "type": "member_joined_channel",
            "user": BOT_USER_ID,
            "channel": channel_id,
            "channel_type": "G" if conversation.is_private else "C",
            "team": "T0001",
            "inviter": inviter,
        }

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Messages chat.postMessage accepted (channel, ts, text, thread_ts, metadata)."""
        with self._state.cond:
            return [dict(m) for m in self._state.messages]

    def serve_method(self, method: str, answer: MethodAnswer) -> None:
        """Answer ``method`` with ``answer(args, headers)`` (lower-case header names); how the
        Socket Mode fake (bot/devtools/fake_socket_mode.py) serves ``apps.connections.open``."""
        with self._state.cond:
            self._state.plugged[method] = answer

    # -- inspection --------------------------------------------------------------------------
    @property
    def calls(self) -> list[SlackCall]:
        with self._state.cond:
            return list(self._state.calls)

    def uploads(self) -> list[Upload]:
        """Files of the upload flow, in the order their URLs were handed out."""
        with self._state.cond:
            return list(self._state.uploads.values())

    def calls_to(self, method: str) -> list[SlackCall]:
        return [c for c in self.calls if c.method == method]

    def clear(self) -> None:
        with self._state.cond:
            self._state.calls.clear()

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[SlackCall]:
        """Wait until ``count`` calls to ``method`` were recorded; raise AssertionError if not."""
        deadline = time.monotonic() + timeout
        with self._state.cond:
            while True:
                found = [c for c in self._state.calls if c.method == method]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [c.method for c in self._state.calls]
                    raise AssertionError(f"expected {count} x {method}; calls so far: {seen}")
                self._state.cond.wait(remaining)

    def wait_stalling(self, method: str, timeout: float = 10.0) -> None:
        """Wait until a call to ``method`` is being held by an injected ``stall``."""
        deadline = time.monotonic() + timeout
        with self._state.cond:
            while method not in self._state.stalling:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no call to {method} is stalling")
                self._state.cond.wait(remaining)

    # -- fault injection ---------------------------------------------------------------------
    def inject(
        self,
        method: str,
        *,
        count: int = 1,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        stall: float | None = None,
    ) -> None:
        """Make the next ``count`` calls to ``method`` fail.

        ``status=429`` (with ``retry_after``) or ``500`` answers that HTTP status; ``error``
        answers ``{"ok": false, "error": error}``; ``stall`` sleeps that long, *records the call
        as delivered* (the post went through) and then answers normally, so a client with a
        shorter timeout sees a timeout for a call that did happen.
        """
        fault = _Fault(method, count, status, error, retry_after, stall)
        with self._state.cond:
            self._state.faults.append(fault)


def _make_handler(state: _State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            if state.latency:
                time.sleep(state.latency)
            path = urlsplit(self.path).path
            if path.startswith("/upload/"):
                self._upload(path[len("/upload/") :])
                return
            args = _parse_body(self)
            if path.startswith("/response/"):
                method = "response_url"
            elif path.startswith("/api/"):
                method = path[len("/api/") :]
            else:
                self._send(404, {"ok": False, "error": "unknown_path"})
                return
            fault = _take_fault(state, method)
            if fault and fault.stall is None:
                self._record(method, args, fault.status if fault.status != 200 else 200)
                self._send_fault(fault)
                return
            if fault and fault.stall is not None:
                _hold(state, method, fault.stall)
            with state.cond:
                plugged = state.plugged.get(method)
            if plugged is not None:
                status, payload = plugged(args, {k.lower(): v for k, v in self.headers.items()})
            else:
                status, payload = _answer(state, method, args)
            self._record(method, args, status)
            self._send(status, payload)

        def _upload(self, file_id: str) -> None:
            """The upload URL: raw bytes in the body, as slack_sdk's files_upload_v2 sends them."""
            length = int(self.headers.get("Content-Length") or 0)
            content = self.rfile.read(length) if length else b""
            with state.cond:
                upload = state.uploads.get(file_id)
                if upload is not None and upload.completed is None:
                    upload.content = content
            self._record("upload", {"file_id": file_id, "bytes": len(content)}, 200)
            if upload is None:
                self._send(404, {"ok": False, "error": "unknown_upload"})
            else:
                self._send_text(200, f"OK - {len(content)}")

        def _send_text(self, status: int, text: str) -> None:
            body = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            self.do_POST()

        def _record(self, method: str, args: dict[str, Any], status: int) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            path = urlsplit(self.path).path
            call = SlackCall(method, args, headers, time.monotonic(), status, path)
            with state.cond:
                state.calls.append(call)
                state.cond.notify_all()

        def _send_fault(self, fault: _Fault) -> None:
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
            if fault.error:
                self._send(200, {"ok": False, "error": fault.error})
            else:
                self._send(fault.status, {"ok": False, "error": "fake_fault"}, headers)

        def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _hold(state: _State, method: str, seconds: float) -> None:
    with state.cond:
        state.stalling.append(method)
        state.cond.notify_all()
    time.sleep(seconds)
    with state.cond:
        state.stalling.remove(method)


def _parse_body(handler: BaseHTTPRequestHandler) -> dict[str, Any]:
    length = int(handler.headers.get("Content-Length") or 0)
    raw = handler.rfile.read(length) if length else b""
    query = dict(parse_qs(urlsplit(handler.path).query))
    args: dict[str, Any] = {k: v[-1] for k, v in query.items()}
    ctype = handler.headers.get("Content-Type", "")
    if raw and "json" in ctype:
        loaded = json.loads(raw)
        if isinstance(loaded, dict):
            args.update(loaded)
    elif raw:
        args.update({k: v[-1] for k, v in parse_qs(raw.decode()).items()})
    for key in ("blocks", "view", "attachments", "metadata"):
        if isinstance(args.get(key), str):
            with contextlib.suppress(ValueError):
                args[key] = json.loads(args[key])
    return args


def _take_fault(state: _State, method: str) -> _Fault | None:
    with state.cond:
        for fault in state.faults:
            if fault.method == method and fault.count > 0:
                fault.count -= 1
                if fault.count == 0:
                    state.faults.remove(fault)
                return fault
    return None


def _answer(state: _State, method: str, args: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    problem = _limits_problem(method, args)
    if problem:
        return 200, {"ok": False, "error": problem}
    if method == "response_url":
        return 200, {"ok": True}
    if method == "auth.test":
        return 200, {"ok": True, "user_id": BOT_USER_ID, "bot_id": "BBOT", "team_id": "T0001"}
    if method == "chat.postMessage":
        return _post_answer(state, args)
    if method == "chat.update":
        ts = f"{int(time.time())}.{next(state.ts):06d}"
        return 200, {"ok": True, "channel": args.get("channel"), "ts": ts, "message": args}
    if method == "chat.postEphemeral":
        return 200, {"ok": True, "message_ts": f"{int(time.time())}.{next(state.ts):06d}"}
    if method in ("views.open", "views.update", "views.push", "views.publish"):
        view = dict(args.get("view") or {})
        view.setdefault("id", args.get("view_id") or f"V{next(state.ts):08d}")
        return 200, {"ok": True, "view": view}
    if method == "users.info":
        return _user_answer(state.users.get(str(args.get("user"))))
    if method == "users.lookupByEmail":
        email = str(args.get("email", "")).lower()
        match = next((u for u in state.users.values() if (u.email or "").lower() == email), None)
        return _user_answer(match)
    if method == "users.list":
        with state.cond:
            users = [state.users[key].to_api() for key in sorted(state.users)]
        return _page_answer("members", users, args)
    if method == "files.getUploadURLExternal":
        return _upload_url_answer(state, args)
    if method == "files.completeUploadExternal":
        return _complete_upload_answer(state, args)
    if method == "conversations.members":
        return _members_answer(state, args)
    if method == "conversations.info":
        return _info_answer(state, str(args.get("channel", "")))
    if method == "conversations.join":
        return _join_answer(state, str(args.get("channel", "")))
    if method == "conversations.history":
        return _history_answer(state, args)
    return 200, {"ok": True}


def _conversation(state: _State, channel: str) -> _Conversation | None:
    """The flags of ``channel``; None when the bot can't see it (channel_not_found)."""
    with state.cond:
        if channel in state.conversations:
            return state.conversations[channel]
        if not channel or (channel in state.channels and state.channels[channel] is None):
            return None
    return _Conversation(is_im=channel.startswith("D"))


def _info_answer(state: _State, channel: str) -> tuple[int, dict[str, Any]]:
    found = _conversation(state, channel)
    if found is None:
        return 200, {"ok": False, "error": "channel_not_found"}
    info = {
        "id": channel,
        "name": channel.lower(),
        "is_channel": not found.is_im and not found.is_private,
        "is_group": found.is_private,
        "is_im": found.is_im,
        "is_mpim": False,
        "is_private": found.is_private or found.is_im,
        "is_member": found.bot_member,
    }
    return 200, {"ok": True, "channel": info}


def _join_answer(state: _State, channel: str) -> tuple[int, dict[str, Any]]:
    found = _conversation(state, channel)
    if found is None:
        return 200, {"ok": False, "error": "channel_not_found"}
    if found.is_im or found.is_private:
        return 200, {"ok": False, "error": "method_not_supported_for_channel_type"}
    with state.cond:
        state.conversations.setdefault(channel, found).bot_member = True
    return _info_answer(state, channel)


def _post_answer(state: _State, args: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    channel = str(args.get("channel", ""))
    with state.cond:
        known = state.conversations.get(channel)
    if known is not None and not known.bot_member:
        return 200, {"ok": False, "error": "not_in_channel"}
    ts = f"{int(time.time())}.{next(state.ts):06d}"
    message = {
        "channel": channel,
        "ts": ts,
        "text": args.get("text"),
        "thread_ts": args.get("thread_ts"),
        "metadata": args.get("metadata"),
    }
    with state.cond:
        state.messages.append(message)
    return 200, {"ok": True, "channel": channel, "ts": ts, "message": args}


def _history_answer(state: _State, args: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """A channel's messages (not thread replies), newest first, after ``oldest``; metadata only
    with ``include_all_metadata``, as in Slack."""
    channel = str(args.get("channel", ""))
    found = _conversation(state, channel)
    if found is None:
        return 200, {"ok": False, "error": "channel_not_found"}
    if not found.bot_member:
        return 200, {"ok": False, "error": "not_in_channel"}
    oldest = float(args.get("oldest") or 0)
    limit = min(max(int(args.get("limit") or 100), 1), 999)
    with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
    with state.cond:
        mine = [
            dict(m)
            for m in state.messages
            if m["channel"] == channel and not m["thread_ts"] and float(m["ts"]) > oldest
        ]
    page = []
    for message in reversed(mine[-limit:]):
        item = {"type": "message", "ts": message["ts"], "text": message["text"]}
        if with_metadata and message["metadata"]:
            item["metadata"] = message["metadata"]
        page.append(item)
    return 200, {"ok": True, "messages": page, "has_more": len(mine) > limit}


def _members_answer(state: _State, args: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """One page of a channel's members."""
    channel = str(args.get("channel", ""))
    with state.cond:
        members = state.channels.get(channel, sorted(state.users))
    if members is None or not channel:
        return 200, {"ok": False, "error": "channel_not_found"}
    return _page_answer("members", members, args)


def _page_answer(
    key: str, items: Sequence[Any], args: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    """One page of ``items`` for Slack's cursor paging (``limit``, ``cursor``); ``next_cursor``
    is empty on the last page, as in Slack."""
    limit = min(max(int(args.get("limit") or 100), 1), 1000)
    cursor = str(args.get("cursor") or "")
    if cursor and not cursor.startswith("next:"):
        return 200, {"ok": False, "error": "invalid_cursor"}
    start = int(cursor[len("next:") :] or 0) if cursor else 0
    page = list(items[start : start + limit])
    more = start + limit < len(items)
    meta = {"next_cursor": f"next:{start + limit}" if more else ""}
    return 200, {"ok": True, key: page, "response_metadata": meta}


def _upload_url_answer(state: _State, args: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    filename = str(args.get("filename") or "")
    length = int(args.get("length") or 0)
    if not filename or length <= 0:
        return 200, {"ok": False, "error": "invalid_arguments"}
    file_id = f"F{next(state.ts):08d}"
    with state.cond:
        state.uploads[file_id] = Upload(file_id, filename, length)
    return 200, {"ok": True, "file_id": file_id, "upload_url": f"{state.base_url}/upload/{file_id}"}


def _complete_upload_answer(state: _State, args: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Shares uploaded files; Slack refuses a file whose bytes never arrived or differ in size
    from the length announced."""
    files = args.get("files")
    if isinstance(files, str):
        with contextlib.suppress(ValueError):
            files = json.loads(files)
    if not isinstance(files, list) or not files:
        return 200, {"ok": False, "error": "invalid_arguments"}
    shared = []
    with state.cond:
        for item in files:
            upload = state.uploads.get(str((item or {}).get("id")))
            if upload is None or upload.content is None or len(upload.content) != upload.length:
                return 200, {"ok": False, "error": "file_not_found"}
            upload.completed = {
                "channel_id": args.get("channel_id"),
                "thread_ts": args.get("thread_ts"),
                "initial_comment": args.get("initial_comment"),
                "title": item.get("title"),
            }
            shared.append({"id": upload.id, "name": upload.filename, "title": item.get("title")})
    return 200, {"ok": True, "files": shared}


def _user_answer(user: SlackUser | None) -> tuple[int, dict[str, Any]]:
    if user is None:
        return 200, {"ok": False, "error": "users_not_found"}
    return 200, {"ok": True, "user": user.to_api()}


def _limits_problem(method: str, args: dict[str, Any]) -> str | None:
    """Refuse payloads Slack would refuse, so tests catch them."""
    if method in ("chat.postMessage", "chat.postEphemeral", "chat.update", "response_url"):
        blocks = args.get("blocks") or []
        if len(blocks) > MESSAGE_BLOCK_LIMIT:
            return "invalid_blocks"
        if not args.get("text") and not blocks:
            return "no_text"
    elif method.startswith("views."):
        blocks = (args.get("view") or {}).get("blocks") or []
        if len(blocks) > VIEW_BLOCK_LIMIT:
            return "invalid_blocks"
    else:
        return None
    for block in blocks:
        text = (block.get("text") or {}).get("text", "") if isinstance(block, dict) else ""
        if len(text) > SECTION_TEXT_LIMIT:
            return "invalid_blocks"
    return None
