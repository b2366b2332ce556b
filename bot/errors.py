"""The bot's error tree and the one place that turns any exception into a sentence for users."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence

from bot.ids import COMMAND
from noko_core.errors import (
    NokoAuthError,
    NokoError,
    NokoForbiddenError,
    NokoHTTPError,
    NokoInputError,
    NokoNotFoundError,
    NokoOutcomeUnknownError,
    NokoRateLimitError,
    NokoServerError,
    NokoTransportError,
    NokoValidationError,
)


class BotError(Exception):
    """An error whose ``user_message`` can be shown to the Slack user as is: mrkdwn, with any
    text from people or Noko in it escaped once with ``safe``."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class UsageError(BotError):
    """The command text could not be understood: ``problem`` is mrkdwn (user text in it already
    escaped), ``usage`` the subcommand's usage line as typed (its ``<team>`` gets escaped)."""

    def __init__(self, problem: str, usage: str | None = None) -> None:
        text = problem if usage is None else f"{problem}\nUsage: `{safe(usage)}`"
        super().__init__(text)
        self.problem = problem
        self.usage = usage


class InputError(BotError):
    """Text the person typed can't be used (too long, empty); nothing was attempted."""


class TeamNotFoundError(BotError):
    """No team matches what the user typed; ``suggestions`` are the closest names."""

    def __init__(self, query: str, suggestions: Sequence[str] = ()) -> None:
        hint = ""
        if suggestions:
            hint = " Did you mean " + ", ".join(f"*{safe(s)}*" for s in suggestions) + "?"
        elif _MARKUP.search(query):
            hint = " That is a mention or a link: name the team first, then the people."
        shown = safe(readable(query))
        super().__init__(f"Team not found: no Noko team matches “{shown}”.{hint}")
        self.query = query
        self.suggestions = list(suggestions)


class AmbiguousTeamError(BotError):
    """Several teams match a prefix; the user must be more specific."""

    def __init__(self, query: str, candidates: Sequence[str]) -> None:
        names = ", ".join(f"*{safe(c)}*" for c in candidates)
        super().__init__(
            f"“{safe(readable(query))}” matches several teams: {names}. "
            "Type more of the name, or use quotes."
        )
        self.candidates = list(candidates)


class AmbiguousReadingError(BotError):
    """The words split into a team and the rest in several ways, each naming a team: the
    readings are listed as commands with the team's name quoted, which always works."""

    def __init__(self, command: str, readings: Sequence[tuple[str | None, Sequence[str]]]) -> None:
        lines = "\n".join(f"• `{_as_command(command, team, rest)}`" for team, rest in readings)
        super().__init__(
            f"I can read that in {len(readings)} ways, so I did nothing. "
            f"Say which, with the team's name in quotes:\n{lines}"
        )
        self.readings = list(readings)


def _as_command(command: str, team: str | None, rest: Sequence[str]) -> str:
    quoted = [f'"{w}"' if " " in w else w for w in rest]
    words = [COMMAND, command, *([f'"{team}"'] if team is not None else []), *quoted]
    return safe(readable(" ".join(words))).replace("`", "'")


class NotAllowedError(BotError):
    """The Slack user may not change Noko teams; ``reason`` is the audit's short why."""

    def __init__(self, user_message: str, reason: str | None = None) -> None:
        super().__init__(user_message)
        self.reason = reason


class MembersNotFoundError(BotError):
    """Some people named in a command could not be mapped to Noko users."""

    def __init__(self, problems: Sequence[str]) -> None:
        listed = "; ".join(problems)
        super().__init__(f"Nothing was changed: I couldn't match {listed}.")
        self.problems = list(problems)


# Slack's markup in what people type: <@U123|name>, <#C123|name>, <!here>, <https://…|label>.
_MARKUP = re.compile(r"<([@#!]?)([^<>|]*)(?:\|([^<>]*))?>")
# The three entities Slack puts on typed characters, undone in one pass ("&amp;lt;" is "&lt;").
_TYPED_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITY_CHARS = {"amp": "&", "lt": "<", "gt": ">"}


def readable(text: str) -> str:
    """What people saw when they typed ``text``, as plain text: a mention as "@name", a channel
    as "#name", a link as its label (never the raw markup: ids and URLs are not what they wrote),
    and the entities Slack put on typed ``& < >`` (kept on words like "&lt;!here&gt;" so they
    never pass for markup) back as the characters. Echo typed text in mrkdwn as
    ``safe(readable(text))``: escaped exactly once, never a live mention or broadcast; in
    plain_text (a header, a modal's initial_value) as ``readable(text)``."""

    def shown(match: re.Match[str]) -> str:
        sigil, target, label = match.groups()
        if sigil == "!":
            return "@" + (label or target.split("^")[0]).lstrip("@")
        if sigil in ("@", "#"):
            return sigil + (label or "someone" if sigil == "@" else label or "a channel")
        return label or target

    return _TYPED_ENTITY.sub(lambda m: _ENTITY_CHARS[m.group(1)], _MARKUP.sub(shown, text))


def safe(text: str) -> str:
    """User text made inert in Slack mrkdwn (no <!channel>, no links), as Slack asks."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def new_error_id() -> str:
    """A short id shown to users and logged with the traceback, to find one in the other."""
    return secrets.token_hex(4)


def noko_error_message(error: NokoError) -> str:
    """One helpful sentence per kind of Noko failure (never the token, never a traceback)."""
    if isinstance(error, NokoNotFoundError):
        return "Team not found in Noko: it may have been deleted or renamed. Try `/noko-team list`."
    if isinstance(error, NokoRateLimitError):
        return "Noko is busy, try again in a minute."
    if isinstance(error, NokoOutcomeUnknownError):
        return safe(
            "Noko didn't answer in time, so I can't tell whether that change happened. "
            "Look with `/noko-team show <team>` before trying again."
        )
    if isinstance(error, NokoServerError | NokoTransportError):
        return "Noko didn't answer (it timed out or had an error). Please try again in a moment."
    if isinstance(error, NokoAuthError):
        return "Noko rejected the bot's access token. Ask an admin to check NOKO_ACCESS_TOKEN."
    if isinstance(error, NokoForbiddenError):
        return "The bot's Noko account is not allowed to do that (a Noko plan or role limit)."
    if isinstance(error, NokoValidationError):
        return f"Noko refused the change: {safe(_validation_details(error))}"
    if isinstance(error, NokoInputError):
        return f"That request didn't make sense to the Noko client: {safe(str(error))}"
    if isinstance(error, NokoHTTPError):
        return f"Noko answered with an unexpected error (HTTP {error.status})."
    return "Something went wrong talking to Noko. Please try again."


def _validation_details(error: NokoValidationError) -> str:
    parts = [str(e.get("message") or e) for e in error.errors if isinstance(e, dict)]
    return "; ".join(parts) or error.message or "the input was not valid"


def user_message_for(error: Exception, error_id: str) -> str:
    """The sentence to show for ``error``; unknown errors get only the id, for the logs."""
    if isinstance(error, BotError):
        return error.user_message
    if isinstance(error, NokoError):
        return noko_error_message(error)
    slack_error = _slack_error_code(error)
    if slack_error is not None:
        return f"Slack refused a request ({slack_error}). Please try again. (error id {error_id})"
    return f"Something went wrong on my side (error id `{error_id}`). An admin can look it up."


def _slack_error_code(error: Exception) -> str | None:
    # Duck-typed on purpose: this module stays free of Slack imports (see tests/test_layers.py).
    response = getattr(error, "response", None)
    if type(error).__name__ == "SlackApiError" and response is not None:
        try:
            return str(response.get("error") or "unknown_error")
        except (AttributeError, TypeError):
            return "unknown_error"
    return None


def is_known(error: Exception) -> bool:
    """Known errors are expected outcomes: logged briefly, without a traceback."""
    return isinstance(error, BotError | NokoError)


class ViewFailedError(Exception):
    """``cause`` happened while filling the open modal ``view_id``: show it there, not in chat."""

    def __init__(self, cause: Exception, *, view_id: str, kind: str) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.view_id = view_id
        self.kind = kind
