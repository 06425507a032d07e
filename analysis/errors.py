"""Errors that socplan reports to its users.

Every error says where the problem is (file, and for tables the row and column) and what
was expected, so that a user can fix the input without reading code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class SocplanError(Exception):
    """Base class of errors shown to users without a traceback."""


@dataclass(frozen=True)
class CellProblem:
    """One failed check on one cell (or column) of an input table.

    ``row`` is the 1-based line number in the file, counting the header as line 1, so
    that it matches what a spreadsheet or text editor shows. ``None`` means the problem
    concerns the whole column (e.g. the column is missing).
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        got = "" if self.value is None else f" (found {self.value!r})"
        return f"{where}: expected {self.expected}{got}"


class DataValidationError(SocplanError):
    """An input table failed validation; no analysis may use it."""

    def __init__(self, problems: list[CellProblem], limit: int = 20) -> None:
        self.problems = problems
        shown = "\n  ".join(str(p) for p in problems[:limit])
        more = f"\n  … and {len(problems) - limit} more" if len(problems) > limit else ""
        files = sorted({p.file for p in problems})
        super().__init__(
            f"invalid input data in {', '.join(files)} "
            f"({len(problems)} problem{'s' if len(problems) != 1 else ''}):\n  {shown}{more}"
        )


class ParameterError(SocplanError):
    """A parameter file is missing, malformed, or holds unknown or mistyped keys."""

    def __init__(self, file: Path | str, messages: list[str]) -> None:
        self.file = str(file)
        self.messages = messages
        body = "\n  ".join(messages)
        super().__init__(f"invalid parameters in {file}:\n  {body}")


class OutputFolderError(SocplanError):
    """An output folder that is a file, lies under a file, or cannot be written."""


class PipelineError(SocplanError):
    """A chapter notebook failed while the report was being built."""
