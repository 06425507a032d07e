"""Shared helpers of the readers of official formats: declared encodings, Czech numbers.

Encodings are declared by the caller (the source catalogue says which one each file
uses) and checked, never guessed: a file that turns out to be in another encoding is an
error that says which encoding was found.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from analysis.errors import CellProblem, DataValidationError, SocplanError

EXCERPT = 160  # characters of a library's message quoted in an error
R = TypeVar("R")


def _short(text: object) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= EXCERPT else text[:EXCERPT] + " …"


def malformed(path: Path, exc: Exception) -> DataValidationError:
    """The error for a file a reader could not parse: file, the line or key where the
    parser stopped when it says so, and what was expected."""
    name = path.name
    if isinstance(exc, json.JSONDecodeError):
        problem = CellProblem(
            name,
            exc.lineno,
            None,
            None,
            f"valid JSON (parser stopped: {exc.msg}, column {exc.colno})",
        )
    elif isinstance(exc, pd.errors.EmptyDataError):
        problem = CellProblem(name, None, None, None, "a non-empty table with a header row")
    elif isinstance(exc, pd.errors.ParserError):
        line = re.search(r"(?:line|row) (\d+)", str(exc))
        problem = CellProblem(
            name,
            int(line.group(1)) if line else None,
            None,
            None,
            f"a table with the same number of fields on every line ({_short(exc)})",
        )
    elif isinstance(exc, KeyError):
        key = exc.args[0] if exc.args else "?"
        problem = CellProblem(
            name, None, _short(key), None, "this column or key, as the documented format has it"
        )
    elif isinstance(exc, (AttributeError, TypeError, IndexError)):
        problem = CellProblem(
            name, None, None, None, f"the structure of the documented format ({_short(exc)})"
        )
    elif isinstance(exc, ValueError):
        problem = CellProblem(
            name, None, None, None, f"values of the documented types ({_short(exc)})"
        )
    elif isinstance(exc, OSError):
        problem = CellProblem(name, None, None, None, f"a readable file ({_short(exc.strerror)})")
    else:
        problem = CellProblem(
            name, None, None, None, f"the documented format ({type(exc).__name__}: {_short(exc)})"
        )
    return DataValidationError([problem])


def reader(fn: Callable[..., R]) -> Callable[..., R]:
    """Make a reader fail only with socplan's errors: whatever a malformed file makes
    the parsing libraries raise becomes an error naming the file (:func:`malformed`)."""

    @functools.wraps(fn)
    def read(path: Path | str, *args: Any, **kwargs: Any) -> R:
        try:
            return fn(path, *args, **kwargs)
        except SocplanError:
            raise
        except (MemoryError, RecursionError):
            raise
        except Exception as exc:
            raise malformed(Path(path), exc) from None

    return read


ENCODING_NAMES = {"cp1250": "Windows-1250", "utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)"}


def _looks_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any(b >= 0x80 for b in data)


# Czech letters as UTF-8 bytes: in Windows-1250 they read as pairs like "ÄŤ" or "Ĺ™",
# which Czech text does not contain, so one of them in a Windows-1250 file is a line
# that was saved as UTF-8 (a file that mixes encodings).
_UTF8_CZECH = re.compile(
    b"\xc3[\xa1\xa9\xad\xb3\xba\xbd\x81\x89\x8d\x93\x9a\x9d]"
    b"|\xc4[\x8c\x8d\x8e\x8f\x9a\x9b]|\xc5[\x87\x88\x98\x99\xa0\xa1\xa4\xa5\xae\xaf\xbd\xbe]"
)


def read_text(path: Path | str, encoding: str) -> str:
    """Decode a file in its declared encoding; a mismatch is an error naming what was found.

    A Windows-1250 file that is valid UTF-8 with non-ASCII bytes was re-encoded (Czech
    Windows-1250 text almost never forms valid multi-byte UTF-8 by chance).
    """
    path = Path(path)
    data = path.read_bytes()
    declared = ENCODING_NAMES.get(encoding, encoding)
    if encoding == "cp1250" and _looks_utf8(data):
        raise DataValidationError(
            [
                CellProblem(
                    path.name,
                    None,
                    None,
                    "UTF-8",
                    f"{declared} text as declared, but the file is encoded as UTF-8",
                )
            ]
        )
    mixed = _UTF8_CZECH.search(data) if encoding == "cp1250" else None
    if mixed:
        raise DataValidationError(
            [
                CellProblem(
                    path.name,
                    data[: mixed.start()].count(b"\n") + 1,
                    None,
                    "UTF-8",
                    f"{declared} text as declared, but this line is encoded as UTF-8 "
                    "(the file mixes encodings)",
                )
            ]
        )
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        found = "Windows-1250 or another single-byte encoding"
        raise DataValidationError(
            [
                CellProblem(
                    path.name,
                    line,
                    None,
                    found,
                    f"{declared} text as declared (byte {exc.start} is not valid {declared})",
                )
            ]
        ) from None
    return text.lstrip("\ufeff")


_SPACES = re.compile(r"[\s\u00a0\u202f]")


def czech_int(text: str) -> int:
    """``'1 357 326'`` → ``1357326``; raises ValueError for anything else."""
    cleaned = _SPACES.sub("", text)
    if not re.fullmatch(r"-?\d+", cleaned):
        raise ValueError(text)
    return int(cleaned)


def czech_float(text: str) -> float:
    """``'49 621,5'`` → ``49621.5`` (decimal comma, space thousands separators)."""
    cleaned = _SPACES.sub("", text).replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        raise ValueError(text)
    return float(cleaned)


def parse_age_band(label: str) -> tuple[int, int | None]:
    """``'95+'`` → ``(95, None)``, ``'1-4'`` → ``(1, 4)``, ``'0'`` → ``(0, 0)``."""
    if label.endswith("+"):
        return int(label[:-1]), None
    if "-" in label:
        lo, hi = label.split("-")
        return int(lo), int(hi)
    return int(label), int(label)


def raise_if(problems: list[CellProblem]) -> None:
    if problems:
        raise DataValidationError(problems)


_BLANK_OR_COMMA = re.compile(r"[\s,]*")


def json_item_lines(text: str, key: str | None = None) -> list[int]:
    """The line on which each item of a JSON list starts (the first line is 1).

    ``key`` names the list inside the top-level object (``{"mista": [...]}``); without
    it the document itself is the list. Returns an empty list when the document has no
    such list (the reader reports the structure). Lines are what a person opening the
    file in an editor sees, so errors name them instead of an item's position.
    """
    if key is None:
        start = re.match(r"\s*\[", text)
    else:
        start = re.search(r'"' + re.escape(key) + r'"\s*:\s*\[', text)
    if start is None:
        return []
    decoder = json.JSONDecoder()
    pos, line, counted = start.end(), 1, 0
    lines = []
    while True:
        pos = _BLANK_OR_COMMA.match(text, pos).end()
        if pos >= len(text) or text[pos] == "]":
            return lines
        line += text.count("\n", counted, pos)
        counted = pos
        lines.append(line)
        try:
            _, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            return lines
