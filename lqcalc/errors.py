"""One error hierarchy for the whole library; the CLI maps it to exit codes.

* :class:`UsageError` (exit 2): the command or its settings are wrong.
* :class:`DataError` (exit 3): the input data break a rule; carries :class:`Problem` rows.
* :class:`InternalError` (exit 1): a bug or a failing dependency, never the user's data.
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass
from typing import Iterable


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows.

    ``rule`` is a stable identifier (``non_numeric``, ``negative_value``, ...), ``message``
    the plain-words description, ``hint`` how to fix it.
    """

    rule: str
    message: str
    file: str | None = None
    line: int | None = None
    column: str | None = None
    value: str | None = None
    hint: str | None = None
    severity: str = "error"

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(str(self.file) + (f":{self.line}" if self.line is not None else ""))
        elif self.line is not None:
            parts.append(f"line {self.line}")
        if self.column:
            parts.append(f"column {self.column!r}")
        if self.value is not None:
            parts.append(f"value {self.value!r}")
        return ", ".join(parts)

    def render(self) -> str:
        where = self.where()
        text = f"[{self.rule}] {self.message}"
        if where:
            text += f" ({where})"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def to_dict(self) -> dict:
        return asdict(self)


class LqcalcError(Exception):
    """Base class of every error lqcalc raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def render(self) -> str:
        text = self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class UsageError(LqcalcError):
    """The command line, the config file or an option value is wrong (exit 2)."""

    exit_code = 2


class DataError(LqcalcError):
    """The input data break one or more rules (exit 3)."""

    exit_code = 3

    def __init__(self, message: str, problems: Iterable[Problem] = (), hint: str | None = None,
                 report: list[str] | None = None):
        super().__init__(message, hint)
        self.problems: list[Problem] = list(problems)
        self.report: list[str] = list(report or [])   # the report files that list every problem

    def render(self, limit: int = 20) -> str:
        lines = [self.message]
        hints: set[str | None] = set()
        for p in self.problems[:limit]:
            # a hint repeated on every problem of a rule is printed with its first one
            shown = p if p.hint not in hints else Problem(p.rule, p.message, p.file, p.line, p.column, p.value)
            hints.add(p.hint)
            lines.append("  " + shown.render().replace("\n", "\n  "))
        if len(self.problems) > limit:
            where = (f"every problem is in {', '.join(self.report)}" if self.report
                     else "--report PATH writes every one of them")
            lines.append(f"  ... and {len(self.problems) - limit} more: {where}")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)


class InternalError(LqcalcError):
    """A failure that is not the user's fault (exit 1)."""

    exit_code = 1


def did_you_mean(word: str, choices: Iterable[str], n: int = 3) -> str:
    """A "did you mean" phrase for ``word`` among ``choices`` ('' when nothing is close).

    >>> did_you_mean("employmnt", ["employment", "region"])
    "did you mean 'employment'?"
    >>> did_you_mean("zzz", ["employment"])
    ''
    """
    choices = [str(c) for c in choices]
    close = difflib.get_close_matches(str(word), choices, n=n, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in choices}
        close = [lowered[c] for c in difflib.get_close_matches(str(word).lower(), list(lowered), n=n, cutoff=0.6)]
    if not close:
        return ""
    return "did you mean " + " or ".join(repr(c) for c in close) + "?"


def closest(word: str, choices: Iterable[str], n: int = 5) -> list[str]:
    """The ``n`` choices most similar to ``word`` (always some, unless ``choices`` is empty)."""
    choices = [str(c) for c in choices]
    scored = sorted(choices, key=lambda c: -difflib.SequenceMatcher(None, str(word), c).ratio())
    return scored[:n]
