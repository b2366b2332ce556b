"""The shared pace's state file is trusted only when this user alone can write it: another local
user who pre-creates it (or its directory) must not stall every Noko request or lift the pace.

Each attack plants a slot almost an hour ahead (what would stall every request) and checks the
limiter neither waits for it nor writes where the attacker can read and change it, paces this
process alone, and says so in one warning. Tests run as root: ``os.chown`` to another uid stands
for the other local user."""

from __future__ import annotations

import logging
import os
import stat
import tempfile
import time
from pathlib import Path

import pytest

from noko_core.shared_limit import FileLimiter, default_state_path, shared_limiter

OTHER_UID = 54321  # no such user here: "someone else"
NOKO = "https://api.nokotime.com/v2"
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="chown to another uid needs root")


class Sleeps:
    """The limiter's sleep, recorded instead of slept."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


def _stall(path: Path) -> str:
    """What the attacker writes: the next slot 59 minutes ahead."""
    planted = f"{time.time() + 3540:.6f}\n"
    path.write_text(planted)
    return planted


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def _paced_alone(limiter: FileLimiter, sleeps: Sleeps, caplog: pytest.LogCaptureFixture) -> str:
    """Three requests at 10/s: paced in this process (0.1 s apart), never the planted hour."""
    with caplog.at_level(logging.WARNING, logger="noko_core"):
        for _ in range(3):
            limiter.acquire()
    assert sleeps.seconds and max(sleeps.seconds) < 1.0  # not stalled
    assert sum(sleeps.seconds) >= 0.15  # still paced: the 2nd and 3rd wait their turn
    warnings = _warnings(caplog)
    assert len(warnings) == 1 and "per process" in warnings[0], warnings
    return warnings[0]


@pytest.fixture
def own_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "state"
    directory.mkdir(mode=0o700)
    return directory


def test_a_state_file_writable_by_everyone_is_not_trusted(
    own_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = own_dir / "slot"
    planted = _stall(path)
    path.chmod(0o666)
    sleeps = Sleeps()
    warning = _paced_alone(FileLimiter(path, 10.0, sleep=sleeps), sleeps, caplog)
    assert "writable by others (mode 0666)" in warning
    assert path.read_text() == planted  # nothing written where others can change it


@needs_root
def test_a_state_file_owned_by_another_user_is_not_trusted(
    own_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = own_dir / "slot"
    planted = _stall(path)
    path.chmod(0o600)
    os.chown(path, OTHER_UID, OTHER_UID)
    sleeps = Sleeps()
    warning = _paced_alone(FileLimiter(path, 10.0, sleep=sleeps), sleeps, caplog)
    assert f"owned by uid {OTHER_UID}" in warning
    assert path.read_text() == planted


def test_a_symlinked_state_file_is_not_followed_nor_waited_for(
    own_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    target = tmp_path / "attacker-slot"
    planted = _stall(target)
    (own_dir / "slot").symlink_to(target)
    sleeps = Sleeps()
    _paced_alone(FileLimiter(own_dir / "slot", 10.0, sleep=sleeps), sleeps, caplog)
    assert target.read_text() == planted


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o1777])
def test_a_directory_others_can_write_is_refused(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, mode: int
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(mode)  # like /tmp itself: anyone could replace the file
    sleeps = Sleeps()
    warning = _paced_alone(FileLimiter(shared / "slot", 10.0, sleep=sleeps), sleeps, caplog)
    assert f"directory {shared} is writable by others" in warning
    assert not (shared / "slot").exists()  # nothing created there


@needs_root
def test_a_directory_owned_by_another_user_is_refused(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o755)
    os.chown(theirs, OTHER_UID, OTHER_UID)
    sleeps = Sleeps()
    warning = _paced_alone(FileLimiter(theirs / "slot", 10.0, sleep=sleeps), sleeps, caplog)
    assert f"owned by uid {OTHER_UID}" in warning
    assert not (theirs / "slot").exists()


def test_the_default_file_lives_in_a_directory_of_the_users_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    path = default_state_path(NOKO)
    assert path.parent == tmp_path / f"noko-limiter-{os.getuid()}"
    with caplog.at_level(logging.WARNING, logger="noko_core"):
        shared_limiter(NOKO, 10.0).acquire()
    assert _warnings(caplog) == []
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.parent.stat().st_uid == os.geteuid()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert float(path.read_text()) > time.time() - 1  # the shared slot was used


@needs_root
def test_a_default_directory_pre_created_by_another_user_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    planted = default_state_path(NOKO)
    planted.parent.mkdir(mode=0o777)
    planted.parent.chmod(0o777)
    before = _stall(planted)
    os.chown(planted.parent, OTHER_UID, OTHER_UID)
    os.chown(planted, OTHER_UID, OTHER_UID)
    limiter = shared_limiter(NOKO, 10.0)
    assert isinstance(limiter, FileLimiter)
    sleeps = Sleeps()
    limiter._sleep = sleeps  # the default limiter's sleep, recorded
    _paced_alone(limiter, sleeps, caplog)
    assert planted.read_text() == before


def test_a_symlinked_default_directory_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    default_state_path(NOKO).parent.symlink_to(elsewhere)
    limiter = shared_limiter(NOKO, 10.0)
    assert isinstance(limiter, FileLimiter)
    sleeps = Sleeps()
    limiter._sleep = sleeps
    _paced_alone(limiter, sleeps, caplog)
    assert list(elsewhere.iterdir()) == []
