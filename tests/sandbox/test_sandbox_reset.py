"""reset() puts a running sandbox back to how it was built, so tests can share one server."""

from __future__ import annotations

from sandbox_helpers import Api

from noko_core.sandbox import Dataset, RecordedRequest, Sandbox
from noko_core.sandbox.recording import Recorder


def test_reset_restores_teams_faults_knobs_and_log(
    sandbox: Sandbox, api: Api, dataset: Dataset
) -> None:
    port = sandbox.port
    api.request("DELETE", "/teams/2")
    api.request("PUT", "/teams/1/remove_all_users")
    sandbox.inject("status", status=500, count=5)
    sandbox.rate_limit, sandbox.latency = True, 2.0

    sandbox.reset()

    assert (sandbox.port, sandbox.rate_limit, sandbox.latency) == (port, False, 0.0)
    assert sandbox.requests == []
    assert api.get("/teams/2").status_code == 200  # no fault left, and the team is back
    members = [user["id"] for user in api.get("/teams/1").json()["users"]]
    assert members == dataset.teams[0].user_ids
    assert len(sandbox.requests) == 2


def _record(path: str) -> RecordedRequest:
    return RecordedRequest("GET", path, {}, "", {}, b"", None, 200, 0.0, 0.0)


def test_clear_leaves_out_requests_that_arrived_before_it() -> None:
    recorder = Recorder()
    early = recorder.ticket()  # arrived, still being answered

    recorder.clear()
    late = recorder.ticket()
    recorder.add(early, _record("/v2/early"))
    recorder.add(late, _record("/v2/late"))

    assert [r.path for r in recorder.all()] == ["/v2/late"]


def test_reset_restores_users_and_project_participants_changed_in_place(
    sandbox: Sandbox, api: Api, dataset: Dataset
) -> None:
    """A test that changes a role or an assignment (as Noko's admin screens do) leaves nothing
    behind for the next one."""
    user, project = next(iter(sandbox.store.users.values())), dataset.projects[0]
    role = user.role
    user.role = "contractor"
    sandbox.store.projects[project.id].participant_ids.clear()

    sandbox.reset()

    assert api.get(f"/users/{user.id}").json()["role"] == role
    participants = [u["id"] for u in api.get(f"/projects/{project.id}").json()["participants"]]
    assert participants == project.participant_ids != []
