"""Sharing a file into a channel through Slack's upload flow: files.getUploadURLExternal, the
bytes POSTed to the upload URL it returns, then files.completeUploadExternal (``files.upload``
is retired). Needs the ``files:write`` scope; the file is private to the workspace."""

from __future__ import annotations

from slack_sdk import WebClient


def share_file(
    client: WebClient,
    *,
    channel: str,
    content: bytes,
    filename: str,
    title: str,
    thread_ts: str | None = None,
    comment: str | None = None,
) -> str:
    """Upload ``content`` and share it in ``channel`` (in the thread of ``thread_ts``); returns
    the file's id. Raises SlackApiError or SlackRequestError when Slack refuses it."""
    response = client.files_upload_v2(
        channel=channel,
        file=content,
        filename=filename,
        title=title,
        thread_ts=thread_ts,
        initial_comment=comment,
    )
    return str((response.get("file") or {}).get("id") or "")
