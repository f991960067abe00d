"""Where the loader's problems are collected, and the one value a reader returns for a field it refused.

Layer: loader. Imports ``errors``; no Flask.

Like vdirsyncer's config reader, reading never stops at the first mistake: each reader reports what
is wrong to ``Problems`` and goes on, and ``calfeed check`` lists every problem at once. A field that
is not given is ``None``; a field that is given but cannot be used is ``INVALID`` — its problem has
been reported where it was found, so whoever gets ``INVALID`` only leaves the field (or the event) out.
"""

from __future__ import annotations

import enum
from typing import Any, Final, Literal

from ..errors import Problem


class Invalid(enum.Enum):
    """The type of ``INVALID``. Falsy, so ``value or ""`` reads as "the value, or nothing usable"."""

    INVALID = "invalid"

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Final = Invalid.INVALID


class Problems:
    """Every problem found in one file, in the order found (``in_order`` sorts them by place)."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.found: list[Problem] = []

    def at(self, line: int, column: int, message: str, hint: str = "") -> Invalid:
        """A problem at a place in the text where there is no YAML node (bytes, syntax, the file as a whole)."""
        self.found.append(Problem(message, self.filename, line, column, hint))
        return INVALID

    def error(self, node: Any, message: str, hint: str = "") -> Invalid:
        """An error at ``node`` (a YAML node or mark); returns ``INVALID`` for the reader to return."""
        self._add(node, message, hint, "error")
        return INVALID

    def warn(self, node: Any, message: str, hint: str = "") -> None:
        """Something valid but probably not what was meant; the file is still used."""
        self._add(node, message, hint, "warning")

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.found)

    def in_order(self) -> tuple[Problem, ...]:
        return tuple(sorted(self.found, key=lambda p: (p.line, p.column)))

    def _add(self, node: Any, message: str, hint: str, severity: str) -> None:
        mark = getattr(node, "start_mark", node)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        self.found.append(Problem(message, self.filename, line, column, hint, severity))
