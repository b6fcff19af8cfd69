"""Errors and problem records.

Loading never raises for one bad file: each problem becomes a row of ``corpus.errors``. Only wrong
use of the API (a missing corpus path, an unknown format, ``strict=True`` with a bad file) raises a
:class:`WorkbenchError`, which the CLI turns into a clean message and exit code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

ERROR_COLUMNS = ["path", "line", "severity", "reason", "detail"]


class WorkbenchError(Exception):
    """A problem the user can fix: bad path, bad parameter, unreadable corpus."""


class CorpusError(WorkbenchError):
    """Raised by ``load_corpus(strict=True)`` for the first problem found."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One row of ``corpus.errors``.

    Attributes:
        path: the file (and row or member) concerned.
        reason: a short code such as ``empty``, ``binary``, ``encoding``, ``no_date``, ``bad_date``.
        detail: a sentence a person can act on.
        severity: ``error`` (data is missing or wrong) or ``warning`` (loaded, but check it).
        line: 1-based line (or table row) when known.
    """

    path: str
    reason: str
    detail: str
    severity: str = "error"
    line: int | None = None


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Turn problems into the tidy ``errors`` table."""
    if not problems:  # the common case, once per batch of files: skip the dtype conversions
        return _EMPTY.copy()
    frame = pd.DataFrame([asdict(p) for p in problems], columns=ERROR_COLUMNS)
    frame["line"] = frame["line"].astype("Int64")
    return frame.astype({"path": "string", "severity": "string", "reason": "string", "detail": "string"})


_EMPTY = pd.DataFrame({"path": [], "line": [], "severity": [], "reason": [], "detail": []}).astype(
    {"path": "string", "line": "Int64", "severity": "string", "reason": "string", "detail": "string"}
)
