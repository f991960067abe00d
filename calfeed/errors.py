"""Problems found in an events file, as values.

Layer: bottom (imports nothing of calfeed).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in an events file, with where and how to fix it."""

    message: str
    file: str = ""
    line: int = 0  # 1-based; 0 when the problem concerns the whole file
    column: int = 0  # 1-based
    hint: str = ""
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line, self.column) if p)
        text = f"{where}: {self.severity}: {self.message}" if where else f"{self.severity}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
        }


class EventsFileError(Exception):
    """An events file that cannot be used. Carries every error found, not just the first."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ConfigError(ValueError):
    """A setting (a ``CALFEED_*`` variable) that the site cannot start with; the message says which and why."""
