"""Options of the analysis functions, checked and normalised once for notebooks, panel and CLI.

Every public analysis function takes the Corpus first, then keyword-only options with one vocabulary:
``top_n`` (how many), ``freq`` (a period), ``by`` (a grouping column), ``level``, ``measure``,
``min_count``, ``types`` (entity types) and ``kinds`` (source kinds). The functions here turn what a
notebook parameter or a command-line option may hold (``"PERSON,GPE"``, ``"week"``, ``"3"``, ``None``)
into one form, or raise a :class:`~workbench.errors.WorkbenchError` that names the allowed values.

This module is also the one home of the period table (:data:`PERIODS`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from workbench.errors import WorkbenchError

#: freq code -> (name, pandas period alias). Weeks run Monday to Sunday and are labelled by their Monday.
PERIODS = {"D": ("day", "D"), "W": ("week", "W-SUN"), "M": ("month", "M"), "Q": ("quarter", "Q"), "Y": ("year", "Y")}
LEVELS = ("article", "sentence")


def freq(value: str) -> str:
    """A period code (``"D"``, ``"W"``, ``"M"``, ``"Q"``, ``"Y"``) from a code or a name, in any case.

    >>> freq("week"), freq("m"), freq("Y")
    ('W', 'M', 'Y')
    """
    text = str(value).strip()
    for code, (name, _) in PERIODS.items():
        if text.upper() == code or text.casefold() in (name, f"{name}s"):
            return code
    raise WorkbenchError(
        f"freq={value!r}: use one of {', '.join(PERIODS)} (or {', '.join(n for n, _ in PERIODS.values())})"
    )


def period_alias(value: str) -> str:
    """The pandas period alias of a freq (``"W"`` -> ``"W-SUN"``: weeks from Monday to Sunday).

    >>> period_alias("week")
    'W-SUN'
    """
    return PERIODS[freq(value)][1]


def period_name(value: str) -> str:
    """The name of a freq's period (``"W"`` -> ``"week"``).

    >>> period_name("M")
    'month'
    """
    return PERIODS[freq(value)][0]


def names(value: str | Iterable[Any] | None, *, upper: bool = False) -> list[str] | None:
    """A list of names from a comma-separated string, a list or a single value; ``None`` for nothing.

    >>> names(" PERSON, gpe ", upper=True), names(["anonymous"]), names(""), names(None)
    (['PERSON', 'GPE'], ['anonymous'], None, None)
    """
    if value is None:
        return None
    values = [value] if isinstance(value, str) else list(value)
    out = [t.strip() for v in values for t in str(v).split(",") if t.strip()]
    out = [t.upper() for t in out] if upper else out
    return out or None


def types(value: str | Iterable[str] | None) -> list[str] | None:
    """Entity types, upper case (``"person,GPE"`` -> ``["PERSON", "GPE"]``); ``None`` keeps all.

    >>> types("person,GPE")
    ['PERSON', 'GPE']
    """
    return names(value, upper=True)


def kinds(value: str | Iterable[str] | None) -> list[str] | None:
    """Source kinds, lower case (``"Government, outlet"`` -> ``["government", "outlet"]``); ``None`` keeps all.

    >>> kinds("Government, outlet")
    ['government', 'outlet']
    """
    found = names(value)
    return [k.lower() for k in found] if found else None


def count(value: Any, name: str, *, minimum: int = 1) -> int:
    """A whole number of at least ``minimum`` (a string from a command line is fine).

    >>> count("3", "min_count"), count(0, "min_count")
    (3, 1)
    """
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise WorkbenchError(f"{name}={value!r}: expected a whole number") from None
    return max(number, minimum)


def top_n(value: Any) -> int | None:
    """How many to keep: ``None`` (or 0) keeps all, otherwise a positive number.

    >>> top_n("5"), top_n(None)
    (5, None)
    """
    if value is None or value == "" or value == 0:
        return None
    return count(value, "top_n")


def choice(value: str, allowed: Iterable[str], name: str) -> str:
    """``value`` if it is one of ``allowed`` (case-insensitive), else a WorkbenchError naming them.

    >>> choice("Sentence", LEVELS, "level")
    'sentence'
    """
    allowed = tuple(allowed)
    text = str(value).strip().casefold()
    if text not in allowed:
        raise WorkbenchError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return text
