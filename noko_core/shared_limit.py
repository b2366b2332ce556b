"""Limiters shared by processes: one Noko budget (2 requests/s per IP) for a whole deployment.

Both keep one number where every process sees it: the next free slot. Taking a slot is one
atomic step (a file lock, or a Lua script in Redis):

- an interactive caller takes ``max(now, next)`` at once and sleeps until it, so interactive
  callers queue in arrival order, across processes;
- a background caller (``noko_core.background_requests()``) takes a slot only when it is free
  *now*; otherwise it sleeps until the slot frees and asks again. Any interactive caller that
  arrived meanwhile has already reserved that slot, so background work only gets slots nobody
  interactive wants;
- ``defer(seconds)`` (a 429 seen by any process) pushes the next slot to ``now + seconds``.

``FileLimiter`` shares through a small state file on one machine (``fcntl`` lock, wall clock);
``RedisLimiter`` through a Redis key, on Redis's clock; ``RedisLimiter`` falls back to a
``FileLimiter`` while Redis cannot be reached, with one warning (no password) per outage.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import logging
import os
import stat
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from noko_core.ratelimit import BACKGROUND_POLL_SECONDS, is_background

logger = logging.getLogger("noko_core")

# A stored slot further ahead than this is not a queue but a clock that jumped back (or a
# corrupt file): it is forgotten rather than waited for.
MAX_AHEAD_SECONDS = 3600.0
T = TypeVar("T")
# How long a Redis outage lasts at least before the next attempt to reach it.
REDIS_RETRY_SECONDS = 30.0
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def _key_part(base_url: str) -> str:
    return hashlib.sha256(base_url.rstrip("/").encode()).hexdigest()[:16]


def default_state_path(base_url: str) -> Path:
    """The default state file: one per Noko base URL, in a directory of the OS user's own in the
    temp directory (``noko-limiter-<uid>``, created ``0700``). The temp directory itself is
    writable by every local user, who could otherwise pre-create the file."""
    directory = Path(tempfile.gettempdir()) / f"noko-limiter-{os.getuid()}"
    return directory / f"noko-limiter-{_key_part(base_url)}.slot"


class UnsafeStateFileError(OSError):
    """The state file or its directory could be written by another local user."""


def _check_private(st: os.stat_result, what: str, path: Path) -> None:
    """Raise UnsafeStateFileError unless ``st`` (an fstat of ``path``) is owned by this process's
    user and writable by nobody else. Another user's file could stall every request for an
    hour (a slot far ahead) or lift the pace (a slot always in the past)."""
    uid = os.geteuid()
    if st.st_uid != uid:
        raise UnsafeStateFileError(f"{what} {path} is owned by uid {st.st_uid}, not {uid}")
    if st.st_mode & 0o022:
        mode = stat.S_IMODE(st.st_mode)
        raise UnsafeStateFileError(f"{what} {path} is writable by others (mode {mode:04o})")


class _Slots:
    """The acquire loop shared by the cross-process limiters; subclasses take slots atomically."""

    def __init__(
        self, requests_per_second: float, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        if not requests_per_second > 0:
            raise ValueError("requests_per_second must be positive")
        self._interval = 1.0 / requests_per_second
        self._sleep = sleep

    @property
    def interval(self) -> float:
        return self._interval

    def acquire(self) -> float:
        background = is_background()
        started = time.monotonic()
        while True:
            granted, wait = self._take(background)
            if granted:
                if wait > 0:
                    self._sleep(wait)
                return time.monotonic() - started
            self._sleep(min(max(wait, 0.001), BACKGROUND_POLL_SECONDS))

    def _take(self, background: bool) -> tuple[bool, float]:
        """(granted, seconds): a granted slot starts in ``seconds``; a refused background
        caller's slot would be free in ``seconds``."""
        raise NotImplementedError

    def defer(self, seconds: float) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


def _next_slot(stored: float, now: float, interval: float, background: bool) -> tuple[float, bool]:
    """The new stored value and whether the caller got a slot (the one rule of both backends)."""
    if stored > now + MAX_AHEAD_SECONDS:
        stored = now
    slot = max(now, stored)
    if background and slot > now:
        return stored, False
    return slot + interval, True


class FileLimiter(_Slots):
    """Shares the pace with every process of this machine that uses the same state file.

    The file holds the next free slot (Unix time, as text) and is locked with ``flock`` for the
    read-modify-write of each request; it is opened per request, so threads and forked
    processes each hold their own lock. The file is created ``0600``; neither it nor its
    directory is followed through a symlink, and both must belong to this process's user and be
    writable by nobody else (checked with ``fstat`` on what was opened). Otherwise, as when the
    file can't be used at all, this process paces alone, with one warning. ``create_dir``
    creates a missing directory ``0700`` (the default one, ``default_state_path``).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        requests_per_second: float,
        *,
        sleep: Callable[[float], None] = time.sleep,
        create_dir: bool = False,
    ) -> None:
        super().__init__(requests_per_second, sleep=sleep)
        self.path = Path(path)
        self._create_dir = create_dir
        # While the file cannot be used (a read-only disk, a wrong path): this process alone.
        self._broken = False
        self._memory = 0.0
        self._memory_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"FileLimiter(path={str(self.path)!r}, interval={self.interval})"

    def _take(self, background: bool) -> tuple[bool, float]:
        def step(stored: float, now: float) -> tuple[float, tuple[bool, float]]:
            new, granted = _next_slot(stored, now, self.interval, background)
            wait = (new - self.interval if granted else stored) - now
            return new, (granted, max(wait, 0.0))

        return self._update(step)

    def defer(self, seconds: float) -> None:
        def step(stored: float, now: float) -> tuple[float, None]:
            return max(stored, now + seconds), None

        self._update(step)

    def close(self) -> None:
        pass

    def _update(self, step: Callable[[float, float], tuple[float, T]]) -> T:
        if not self._broken:
            try:
                return self._update_file(step)
            except OSError as exc:
                self._broken = True
                why = str(exc) if isinstance(exc, UnsafeStateFileError) else _reason(exc)
                logger.warning(
                    "limiter state file %s unusable (%s): pacing Noko requests per process",
                    self.path,
                    why,
                )
        with self._memory_lock:
            self._memory, result = step(self._memory, time.time())
            return result

    def _open_directory(self) -> int:
        """The state file's directory, opened without following a symlink and checked."""
        parent = self.path.parent
        flags = os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW | _CLOEXEC
        try:
            fd = os.open(parent, flags)
        except FileNotFoundError:
            if not self._create_dir:
                raise
            with contextlib.suppress(FileExistsError):  # another process made it meanwhile
                os.mkdir(parent, 0o700)
            fd = os.open(parent, flags)
        try:
            _check_private(os.fstat(fd), "directory", parent)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _open_file(self) -> int:
        directory = self._open_directory()
        try:
            flags = os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC
            fd = os.open(self.path.name, flags, 0o600, dir_fd=directory)
        finally:
            os.close(directory)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise UnsafeStateFileError(f"{self.path} is not a regular file")
            _check_private(st, "file", self.path)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _update_file(self, step: Callable[[float, float], tuple[float, T]]) -> T:
        fd = self._open_file()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            raw = os.pread(fd, 64, 0)
            try:
                stored = float(raw.decode("ascii").strip() or "0")
            except (UnicodeDecodeError, ValueError):
                stored = 0.0  # a damaged file: start afresh
            new, result = step(stored, time.time())
            if new != stored:
                data = f"{new:.6f}\n".encode("ascii")
                os.pwrite(fd, data, 0)
                os.ftruncate(fd, len(data))
            return result
        finally:
            os.close(fd)  # also releases the lock


# KEYS[1]: the next free slot, in microseconds of Redis's clock.
# ARGV: mode ("i" interactive, "b" background, "d" defer), interval µs, defer µs.
# Returns {granted (0/1), µs until the slot}. Numbers stay below 2^53, exact in Lua's doubles.
_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local stored = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local mode, interval = ARGV[1], tonumber(ARGV[2])
if stored > now + tonumber(ARGV[4]) then stored = now end
local new, granted, wait
if mode == 'd' then
  new, granted, wait = math.max(stored, now + tonumber(ARGV[3])), 1, 0
else
  local slot = math.max(now, stored)
  if mode == 'b' and slot > now then
    return {0, slot - now}
  end
  new, granted, wait = slot + interval, 1, slot - now
end
redis.call('SET', KEYS[1], string.format('%d', new), 'PX', math.floor((new - now) / 1000) + 60000)
return {granted, wait}
"""


def redact_url(url: str) -> str:
    """``url`` without its password (and user name), for logs and messages."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<unparseable URL>"
    netloc = f"***@{host}{port}" if parts.username or parts.password else f"{host}{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class RedisLimiter(_Slots):
    """Shares the pace with every process, on any machine, that uses the same Redis and key.

    ``url`` may be ``redis://`` or ``rediss://`` (TLS; Heroku Redis's certificates are
    self-signed, so they are not verified, as Heroku documents). The key is
    ``{prefix}:{hash of base_url}:next``. While Redis cannot be reached, ``fallback`` paces the
    requests instead: one warning when that starts (the URL without its password), one info
    line when Redis answers again; Redis is tried again after ``REDIS_RETRY_SECONDS``.
    """

    def __init__(
        self,
        url: str,
        base_url: str,
        requests_per_second: float,
        *,
        fallback: FileLimiter,
        prefix: str = "noko-limiter",
        timeout: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import redis  # a dependency of the bot; imported here so noko_core alone does not need it

        super().__init__(requests_per_second, sleep=sleep)
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        options: dict[str, Any] = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
        if url.startswith("rediss://"):
            options["ssl_cert_reqs"] = None
        self._redis = redis.Redis.from_url(url, **options)
        self._script = self._redis.register_script(_SCRIPT)
        self._where = redact_url(url)
        self.key = f"{prefix}:{_key_part(base_url)}:next"
        self.fallback = fallback
        self._lock = threading.Lock()
        self._down_until: float | None = None  # monotonic time of the next attempt, while down

    def __repr__(self) -> str:
        return f"RedisLimiter(url={self._where!r}, key={self.key!r})"

    @property
    def using_fallback(self) -> bool:
        return self._down_until is not None

    def _take(self, background: bool) -> tuple[bool, float]:
        reply = self._call("b" if background else "i", 0.0)
        if reply is None:
            return self.fallback._take(background)
        granted, wait_us = reply
        return bool(granted), int(wait_us) / 1_000_000

    def defer(self, seconds: float) -> None:
        if self._call("d", seconds) is None:
            self.fallback.defer(seconds)

    def close(self) -> None:
        self._redis.close()
        self.fallback.close()

    def _call(self, mode: str, defer: float) -> tuple[int, int] | None:
        with self._lock:
            if self._down_until is not None and time.monotonic() < self._down_until:
                return None
        args: list[str | int] = [
            mode,
            round(self.interval * 1e6),
            round(defer * 1e6),
            round(MAX_AHEAD_SECONDS * 1e6),
        ]
        try:
            reply = self._script(keys=[self.key], args=args)
        except self._errors as exc:
            with self._lock:
                first = self._down_until is None
                self._down_until = time.monotonic() + REDIS_RETRY_SECONDS
            if first:
                logger.warning(
                    "Redis at %s unreachable (%s): pacing Noko requests with %r instead",
                    self._where,
                    _reason(exc),
                    self.fallback,
                )
            return None
        with self._lock:
            if self._down_until is not None:
                logger.info("Redis at %s answers again: pacing Noko requests there", self._where)
            self._down_until = None
        granted, wait = reply
        return int(granted), int(wait)


def _reason(exc: BaseException) -> str:
    # Only the class name and errno: redis-py's messages may include the host and more.
    code = getattr(exc, "errno", None)
    name = errno.errorcode.get(code, "") if isinstance(code, int) else ""
    return f"{type(exc).__name__}{' ' + name if name else ''}"


def shared_limiter(
    base_url: str,
    requests_per_second: float,
    *,
    redis_url: str | None = None,
    state_path: str | os.PathLike[str] | None = None,
    redis_prefix: str = "noko-limiter",
) -> FileLimiter | RedisLimiter:
    """The deployment-wide limiter: Redis when ``redis_url`` is given (falling back to the
    state file while Redis is down), else the state file (default ``default_state_path``)."""
    path = Path(state_path) if state_path is not None else default_state_path(base_url)
    local = FileLimiter(path, requests_per_second, create_dir=state_path is None)
    if not redis_url:
        return local
    return RedisLimiter(
        redis_url, base_url, requests_per_second, fallback=local, prefix=redis_prefix
    )
