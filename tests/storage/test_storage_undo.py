"""Undo offers in the database: stored under an opaque id, claimed once, released on failure,
and dropped a day after they expired."""

from __future__ import annotations

import datetime as dt

from bot.storage import Repository

NOW = dt.datetime(2026, 11, 9, 8, 0, tzinfo=dt.UTC)


def _offer(repo: Repository, offer_id: str, now: dt.datetime = NOW) -> None:
    repo.offer_undo(
        offer_id=offer_id,
        slack_user_id="U1",
        action="remove",
        team_id=7,
        team_name="R&D <team>",
        noko_user_ids=[3, 4],
        now=now,
        expires_at=now + dt.timedelta(minutes=10),
    )


def test_an_offer_is_stored_and_claimed_once(repo: Repository) -> None:
    _offer(repo, "abc")
    offer = repo.get_undo("abc")
    assert offer is not None and offer.used_at is None
    assert (offer.action, offer.team_id, offer.team_name, offer.noko_user_ids) == (
        "remove", 7, "R&D <team>", (3, 4)
    )  # fmt: skip
    assert offer.expires_at == NOW + dt.timedelta(minutes=10)

    assert repo.claim_undo("abc", by="U2", now=NOW) is True
    assert repo.claim_undo("abc", by="U3", now=NOW) is False
    used = repo.get_undo("abc")
    assert used is not None and (used.used_at, used.used_by) == (NOW, "U2")

    repo.release_undo("abc")
    assert repo.claim_undo("abc", by="U3", now=NOW) is True
    assert repo.get_undo("nope") is None and repo.claim_undo("nope", by="U3", now=NOW) is False


def test_offers_expired_over_a_day_ago_are_dropped(repo: Repository) -> None:
    _offer(repo, "old")
    _offer(repo, "recent", NOW + dt.timedelta(hours=20))
    _offer(repo, "new", NOW + dt.timedelta(days=1, minutes=11))
    assert repo.get_undo("old") is None
    assert repo.get_undo("recent") is not None and repo.get_undo("new") is not None
