"""What can be wrong with the ``ltv`` command line itself, and a parser that says it so.

argparse complains in its own words (``usage: ... invalid choice: 'foo'``) and exits; the
``ltv`` command line explains every problem in one line that names the option, shows what
works and ends with a reason code (``ltv_engine.cli_messages``). ``CommandLineParser`` raises a
``UsageError`` instead, and the commands raise one for what they check themselves.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from enum import StrEnum
from typing import Any, NoReturn

USAGE_ERROR = 2  # the exit code of every refusal


class UsageReason(StrEnum):
    UNKNOWN_COMMAND = "unknown_command"
    UNKNOWN_OPTION = "unknown_option"
    BAD_USAGE = "bad_usage"  # argparse's own complaint, e.g. an option without its value
    CONFLICTING_OPTIONS = "conflicting_options"  # two ways of stating one input
    NOT_A_CHOICE = "not_a_choice"
    UNKNOWN_CURRENCY = "unknown_currency"
    CANNOT_READ = "cannot_read"
    CANNOT_WRITE = "cannot_write"


class UsageError(Exception):
    """A command line ``ltv`` cannot run: ``field`` keys the option explained (as
    ``InvalidInput.field`` does), ``details`` what the explanation quotes; ``option`` in the
    details names the option typed when it differs from the field's."""

    def __init__(self, reason: UsageReason, field: str, **details: Any) -> None:
        self.reason = reason
        self.field = field
        self.details: dict[str, Any] = details
        super().__init__(f"{reason.value} ({field})")


class CommandLineParser(argparse.ArgumentParser):
    """An ArgumentParser that raises ``UsageError`` where argparse would print and exit.

    Subcommands' parsers are of the same class (argparse makes them with the parent's), so an
    unknown option or a value missing after an option is said by the parser of its command.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(exit_on_error=False, **kwargs)

    def parse_known_args(  # type: ignore[override]  # one signature for the overloads
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        given = list(sys.argv[1:] if args is None else args)
        try:
            parsed, extras = super().parse_known_args(given, namespace)
        except argparse.ArgumentError as error:
            raise self._usage_error(error, given) from None
        if extras:
            raise UsageError(
                UsageReason.UNKNOWN_OPTION, self.prog, option=extras[0], command=self.prog
            )
        return parsed, extras

    def error(self, message: str) -> NoReturn:
        raise UsageError(UsageReason.BAD_USAGE, self.prog, said=message)

    def _usage_error(self, error: argparse.ArgumentError, given: list[str]) -> UsageError:
        name = error.argument_name or ""
        if name.startswith("-"):
            return UsageError(UsageReason.BAD_USAGE, self.prog, option=name, said=error.message)
        # a positional argparse checks: only the subcommand's name is one
        typed = next((word for word in given if not word.startswith("-")), "")
        return UsageError(UsageReason.UNKNOWN_COMMAND, "command", text=typed)


def fail(line: str) -> int:
    """Print ``error: <line>`` to stderr; the exit code of a refusal."""
    print(f"error: {line}", file=sys.stderr)
    return USAGE_ERROR
