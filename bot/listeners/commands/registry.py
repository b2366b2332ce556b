"""The /noko-team subcommand registry: each module in ``subcommands/`` adds its SUBCOMMANDS."""

from __future__ import annotations

import difflib
import functools
import importlib
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from slack_sdk import WebClient

from bot.blocks.common import Reply
from bot.blocks.help import help_reply
from bot.deps import Deps
from bot.errors import UsageError, safe
from bot.ids import COMMAND
from bot.listeners.context import AuditChannel
from bot.services.access import Sight
from bot.services.changes import ChangeContext
from bot.services.people import Directory
from bot.settings import Settings


@dataclass
class CommandContext:
    """What a subcommand may use: collaborators, the caller, and where to answer."""

    deps: Deps
    settings: Settings
    client: WebClient
    changes: ChangeContext
    audit: AuditChannel
    channel_id: str
    trigger_id: str
    shared: bool = False  # --share: the reply goes to the channel (no buttons only you may press)

    @property
    def user_id(self) -> str:
        return self.changes.actor_id

    @property
    def directory(self) -> Directory:
        return self.changes.directory

    @property
    def sight(self) -> Sight:
        """Whose time the caller may read (their Noko level, or READ_ACCESS=everyone)."""
        return self.changes.actor_sight()

    def announce(self, reply: Reply) -> Reply:
        """Tell AUDIT_CHANNEL about a change, in the words the changer is answered with."""
        self.audit.announce(self.user_id, reply)
        return reply


@dataclass(frozen=True)
class Subcommand:
    """One subcommand. ``parse`` turns the words after its name into a pydantic model, or the
    readings of a team and the rest (raising UsageError or ValidationError); ``run`` returns
    the reply, or None when it opened a modal."""

    name: str
    args: str
    summary: str
    parse: Callable[[Sequence[str]], object]
    run: Callable[[CommandContext, Any], Reply | None]
    order: int = 100

    @property
    def usage(self) -> str:
        return f"{COMMAND} {self.name} {self.args}".rstrip()


@functools.cache
def load_registry() -> dict[str, Subcommand]:
    """Import every module of ``bot.listeners.commands.subcommands`` once and collect them."""
    from bot.listeners.commands import subcommands

    found: dict[str, Subcommand] = {}
    for module_info in sorted(pkgutil.iter_modules(subcommands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{subcommands.__name__}.{module_info.name}")
        for sub in getattr(module, "SUBCOMMANDS", ()):
            if sub.name in found or sub.name == "help":
                raise RuntimeError(f"subcommand {sub.name!r} is defined twice")
            found[sub.name] = sub
    return dict(sorted(found.items(), key=lambda item: (item[1].order, item[0])))


def help_for(registry: dict[str, Subcommand], problem: str | None = None) -> Reply:
    entries = [(f"{COMMAND} help", "Show this help.")]
    entries += [(s.usage, s.summary) for s in registry.values()]
    return help_reply(entries, problem)


def run_subcommand(ctx: CommandContext, name: str, words: Sequence[str]) -> Reply | None:
    """Parse then run; malformed text becomes a UsageError carrying the subcommand's usage."""
    registry = load_registry()
    if name in ("help", "?"):
        wanted = registry.get(words[0].lower()) if words else None
        return help_reply([(wanted.usage, wanted.summary)]) if wanted else help_for(registry)
    sub = registry.get(name)
    if sub is None:
        return unknown_subcommand(registry, name)
    try:
        args = sub.parse(words)
    except UsageError as error:
        raise UsageError(error.problem, sub.usage) from None
    except ValidationError as error:
        raise UsageError(_first_problem(error), sub.usage) from None
    return sub.run(ctx, args)


def unknown_subcommand(registry: dict[str, Subcommand], name: str) -> Reply:
    """The nearest subcommand when one is close ("lst" → list), else the whole help."""
    problem = f"I don't know the subcommand “{safe(name[:40])}”."
    near = difflib.get_close_matches(name.lower()[:40], list(registry), n=1, cutoff=0.6)
    if not near:
        return help_for(registry, problem)
    wanted = registry[near[0]]
    return help_reply(
        [(wanted.usage, wanted.summary)], f"{problem} Did you mean `{safe(wanted.usage)}`?"
    )


def _first_problem(error: ValidationError) -> str:
    item = error.errors()[0]
    where = ".".join(str(p) for p in item["loc"])
    return safe(f"{where}: {item['msg']}." if where else f"{item['msg']}.")


def usage_error(name: str, error: UsageError) -> UsageError:
    """The same problem, with the usage of ``name`` when it is a known subcommand."""
    sub = load_registry().get(name)
    return UsageError(error.problem, sub.usage if sub else f"{COMMAND} help")
