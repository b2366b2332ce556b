"""The audit log: an attempt recorded before it is made, completed after, whatever it names."""

from __future__ import annotations

import pytest

from bot.storage import Repository, open_repository
from bot.storage.db import make_engine, upgrade_engine


def test_begin_audit_records_a_pending_attempt(repo: Repository) -> None:
    audit_id = repo.begin_audit(slack_user_id="U1", action="create", team_name="Ops")

    [row] = repo.list_audit()

    assert (row.id, row.result, row.team_name, row.finished_at) == (
        audit_id,
        "pending",
        "Ops",
        None,
    )


def test_finish_audit_completes_the_same_row(repo: Repository, clock) -> None:
    audit_id = repo.begin_audit(slack_user_id="U1", action="add", team_name="ops")
    clock.advance(seconds=3)

    repo.finish_audit(
        audit_id, result="unknown", team_id=4, team_name="Ops", noko_user_ids=[7], detail="lost"
    )

    [row] = repo.list_audit()
    assert (row.id, row.result, row.team_id, row.team_name) == (audit_id, "unknown", 4, "Ops")
    assert (row.noko_user_ids, row.detail) == ((7,), "lost")
    assert row.finished_at is not None and (row.finished_at - row.at).total_seconds() == 3


@pytest.mark.parametrize("result", ["pending", "maybe"])
def test_finish_audit_refuses_a_result_that_is_not_an_ending(repo: Repository, result) -> None:
    audit_id = repo.begin_audit(slack_user_id="U1", action="add", team_name="Ops")

    with pytest.raises(ValueError):
        repo.finish_audit(audit_id, result=result, team_id=None, team_name=None, noko_user_ids=[])


def test_audit_holds_long_names_nul_and_surrogates(repo: Repository) -> None:
    name = "Ä" * 3000 + "\x00" + "\ud800"

    repo.record_audit(
        slack_user_id="U1",
        action="rename",
        team_id=1,
        team_name=name,
        noko_user_ids=[],
        result="denied",
        detail="\x00why",
    )

    [row] = repo.list_audit()
    assert row.team_name == "Ä" * 3000 + "\ufffd?"
    assert row.detail == "\ufffdwhy"


def test_upgrade_from_0001_keeps_audit_rows(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade_engine(engine, "0001")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO audit_log (created_at, slack_user_id, action, team_name, noko_user_ids,"
            " result) VALUES ('2026-11-01 09:00:00', 'U1', 'add', 'Ops', '[]', 'ok')"
        )
    engine.dispose()

    repo = open_repository(database_url)
    repo.record_audit(
        slack_user_id="U2",
        action="rename",
        team_id=1,
        team_name="x" * 600,
        noko_user_ids=[],
        result="ok",
    )

    assert [len(r.team_name or "") for r in repo.list_audit()] == [600, 3]
    repo.close()
