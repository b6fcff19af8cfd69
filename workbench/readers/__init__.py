"""Corpus formats: one reader per format, registered under a name.

A reader turns one *unit* (a file, or a manifest with its text files) into article records and
problems. Callers never branch on the format: :func:`discover` finds the units under a path and
picks each one's reader, and :func:`read_unit` runs it and turns any crash into a problem row.

To add a format, write a module with a ``read(unit) -> Result`` function and register it::

    register(Reader("myformat", suffixes=(".xml",), read=read))

A format whose files can be large (tables) also gives ``read_chunks(unit) -> Iterator[Result]``:
:func:`read_unit_chunks` then yields one Result per block of the file, each saying how many bytes it
covered, so that a caller can hold one block at a time and show progress by bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errors import Problem, WorkbenchError


@dataclass(slots=True)
class Unit:
    """What one reader call reads: a file, or a manifest plus the text files it names.

    ``key`` is the file path as a string and ``signature`` its size and modification time, taken
    while walking the folder (one ``stat`` per file), so that a warm load touches no file content.
    A unit at a URL (``workbench.readers.urls``) has the URL as its key, the size and ETag (or
    modification time) from the listing as its signature, and its fsspec file system as ``fs``;
    readers open it with :func:`open_binary` / :func:`read_bytes` ``(key, unit.fs)``.
    """

    key: str
    reader: str
    members: tuple[Path, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    signature: str | None = None
    fs: Any = None  # an fsspec file system for a unit at a URL; None for a local file

    @property
    def path(self) -> Path:
        return Path(self.key)

    def files(self) -> tuple[Path, ...]:
        return (self.path, *self.members)

    def size(self) -> int:
        """Bytes of the unit's files (from the signature taken while walking, when there is one)."""
        if self.signature and not self.members and ":" in self.signature:
            return int(self.signature.split(":", 1)[0])
        total = 0
        if self.fs is not None:
            for file in (self.key, *self.members):
                with contextlib.suppress(OSError):
                    total += int(self.fs.size(file) or 0)
            return total
        for file in self.files():
            with contextlib.suppress(OSError):  # a missing file: reading it says what is wrong
                total += os.stat(file).st_size
        return total

    def fingerprint(self) -> str:
        """``reader:size:mtime`` of the file (a hash over all files for a manifest)."""
        if self.signature is None and self.fs is not None:
            from workbench.readers.urls import signature

            self.signature = signature(self.fs, self.key)
        if self.signature is None:
            parts = []
            for file in self.files():
                try:
                    st = os.stat(file)
                    parts.append(f"{st.st_size}:{st.st_mtime_ns}")
                except OSError:
                    parts.append("missing")
            text = "|".join(parts)
            self.signature = text if len(parts) == 1 else hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
        return f"{self.reader}:{self.signature}"


@dataclass(slots=True)
class Result:
    """What a reader returns: article records (dicts of article columns) and problems.

    ``bytes_read`` is how many bytes of the unit's file this Result covers (set by chunked readers;
    over all chunks of a file they add up to its size).
    """

    records: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    bytes_read: int = 0


@dataclass(frozen=True, slots=True)
class Reader:
    name: str
    suffixes: tuple[str, ...]
    read: Callable[[Unit], Result]
    #: For folder formats: given a folder and its file names, return its units (or None when it is not that format).
    claim_folder: Callable[[Path, list[str]], list[Unit] | None] | None = None
    #: In auto mode, drop this reader's units when the corpus has units of these readers
    #: (a TimeML corpus's ``.txt`` files are its documentation, not seed articles).
    yields_to: tuple[str, ...] = ()
    #: For formats whose files can be large: read a unit block by block (see :func:`read_unit_chunks`).
    read_chunks: Callable[[Unit], Iterator[Result]] | None = None
    #: For folder formats at a URL (``workbench.readers.urls``): given the folder's URL, its file names,
    #: the fsspec file system and the URLs of every file below the folder, return its units (or None).
    claim_url: Callable[[str, list[str], Any, list[str]], list[Unit] | None] | None = None


READERS: dict[str, Reader] = {}
#: File names (lower case, without suffix) that are documentation, never articles, in auto mode.
NOT_ARTICLES = frozenset({"readme", "license", "licence", "changelog", "changes", "notice", "copying", "authors"})


_SUFFIXES: dict[str, Reader] = {}


def register(reader: Reader) -> Reader:
    """Add a reader (a later registration under the same name replaces the earlier one).

    The built-in readers are registered first, so a reader registered by a user under a built-in's
    name replaces it whatever the import order.
    """
    _load_builtin()
    READERS[reader.name] = reader
    for suffix in reader.suffixes:
        _SUFFIXES[suffix] = reader
    return reader


def get(name: str) -> Reader:
    _load_builtin()
    try:
        return READERS[name]
    except KeyError:
        raise WorkbenchError(f"unknown corpus format {name!r}; known formats: {', '.join(sorted(READERS))}") from None


def names() -> list[str]:
    _load_builtin()
    return sorted(READERS)


_builtin = {"loaded": False}


def _load_builtin() -> None:
    """Register the built-in readers, once.

    A flag, not an empty registry, says whether they are loaded: importing one reader module on its
    own (``workbench.readers.table``) registers that reader only, and the others must still load.
    """
    if _builtin["loaded"]:
        return
    _builtin["loaded"] = True  # first: each built-in module calls register(), which comes back here
    try:
        from workbench.readers import manifest, seed, table, timeml  # noqa: F401  (they register)
    except BaseException:
        _builtin["loaded"] = False
        raise


def _walk(root: Path, problems: list[Problem]) -> Iterator[tuple[Path, list[os.DirEntry]]]:
    """Yield (folder, file entries) top-down, following folder links once, reporting loops."""
    seen: set[tuple[int, int]] = set()
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        try:
            st = os.stat(folder)
        except OSError as exc:
            problems.append(Problem(folder, "unreadable", f"cannot open folder: {exc.strerror or exc}"))
            continue
        if (st.st_dev, st.st_ino) in seen:
            problems.append(Problem(folder, "link_loop", "folder link points back into the corpus; skipped", "warning"))
            continue
        seen.add((st.st_dev, st.st_ino))
        files, subfolders = [], []
        try:
            entries = list(os.scandir(folder))  # unsorted: the corpus sorts articles once at the end
        except OSError as exc:
            problems.append(Problem(folder, "unreadable", f"cannot list folder: {exc.strerror or exc}"))
            continue
        for entry in entries:
            if entry.name.startswith((".", "~")):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            (subfolders if is_dir else files).append(entry if not is_dir else entry.path)
        yield Path(folder), files
        stack.extend(reversed(subfolders))


def discover(
    path: Path, *, format: str = "auto", options: dict[str, Any] | None = None
) -> tuple[list[Unit], list[Problem]]:
    """Find the units to read under ``path`` and the reader for each.

    Folder formats (a manifest beside text files) claim their whole folder first; remaining files
    go to the reader registered for their suffix. Files of unknown type are left alone.
    """
    _load_builtin()
    options = options or {}
    problems: list[Problem] = []
    if not path.exists() and not path.is_symlink():
        raise WorkbenchError(f"corpus path does not exist: {path}")
    if format != "auto":
        get(format)
    if path.is_file() or (path.is_symlink() and not path.is_dir()):
        reader = READERS[format] if format != "auto" else _by_suffix(path)
        if reader is None:
            raise WorkbenchError(
                f"{path}: no reader for files ending {path.suffix or '(no suffix)'}; "
                f"pass format= one of {', '.join(names())}"
            )
        return [Unit(str(path), reader.name, options=options)], problems
    units: list[Unit] = []
    claimed: list[Path] = []
    forced = READERS.get(format)
    files: list[os.DirEntry] = []  # the article files outside claimed folders, and their readers' names
    reader_names: list[str] = []
    by_suffix: dict[str, Reader | None] = {}  # suffix as spelt -> reader (one lookup per suffix, not per file)
    for folder, entries in _walk(path, problems):
        if any(folder.is_relative_to(c) for c in claimed):
            continue
        folder_units = None
        for reader in READERS.values():
            if reader.claim_folder and format in ("auto", reader.name):
                folder_units = reader.claim_folder(folder, [e.name for e in entries])
                if folder_units is not None:
                    break
        if folder_units is not None:
            for unit in folder_units:
                unit.options = options
            units.extend(folder_units)
            claimed.append(folder)
            continue
        for entry in entries:  # hot loop: one pass per file of the corpus
            name = entry.name
            dot = name.rfind(".")
            if dot <= 0:
                continue
            suffix = name[dot:]
            reader = (
                by_suffix[suffix] if suffix in by_suffix else by_suffix.setdefault(suffix, _reader_for(suffix, forced))
            )
            if reader is None or (
                forced is None and dot <= _LONGEST_NOT_ARTICLE and name[:dot].lower() in NOT_ARTICLES
            ):
                continue
            files.append(entry)
            reader_names.append(reader.name)
    for entry, name, signature in zip(files, reader_names, _signatures(files), strict=True):
        units.append(Unit(entry.path, name, (), options, signature))
    return drop_yielding(units) if format == "auto" else units, problems


def drop_yielding(units: list[Unit]) -> list[Unit]:
    """Drop the units of readers that yield to a reader present in the corpus (``Reader.yields_to``)."""
    present = {u.reader for u in units}
    dropped = {name for name in present if set(READERS[name].yields_to) & present}
    return [u for u in units if u.reader not in dropped] if dropped else units


_LONGEST_NOT_ARTICLE = max(map(len, NOT_ARTICLES))


def _reader_for(suffix: str, forced: Reader | None) -> Reader | None:
    """The reader of files ending ``suffix``: the forced one if it reads them, else the registered one."""
    if forced is not None:
        return forced if suffix.lower() in forced.suffixes else None
    return _SUFFIXES.get(suffix.lower())


#: From this many files, their ``stat`` calls run in threads (the system calls wait on the disk, not
#: on Python): a warm load of 100,000 files spends most of its discovery in them.
STAT_THREADS_MIN_FILES = 2000
_STAT_BATCH = 500


def _signatures(entries: list[os.DirEntry]) -> list[str | None]:
    """``size:mtime_ns`` of each file (None when it cannot be read: reading it will say what is wrong).

    ``DirEntry.stat`` is a system call per file on Linux (the directory listing holds no sizes), so
    large folders are stat'ed by a few threads at once.
    """
    if len(entries) < STAT_THREADS_MIN_FILES:
        return _stat_batch(entries)
    from concurrent.futures import ThreadPoolExecutor

    batches = [entries[i : i + _STAT_BATCH] for i in range(0, len(entries), _STAT_BATCH)]
    with ThreadPoolExecutor(max_workers=min(8, 2 * (os.cpu_count() or 1))) as pool:
        return [signature for batch in pool.map(_stat_batch, batches) for signature in batch]


def _stat_batch(entries: list[os.DirEntry]) -> list[str | None]:
    out: list[str | None] = []
    for entry in entries:
        try:
            st = entry.stat()
            out.append(f"{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            out.append(None)  # a broken link or a loop
    return out


def _by_suffix(path: Path) -> Reader | None:
    return _SUFFIXES.get(path.suffix.lower())


def read_unit(unit: Unit) -> Result:
    """Run the unit's reader; a reader crash becomes an error row, never an exception."""
    try:
        return get(unit.reader).read(unit)
    except OSError as exc:
        reason = "link_loop" if exc.errno == 40 else "unreadable"
        return Result(problems=[Problem(unit.key, reason, f"cannot read: {exc.strerror or exc}")])
    except Exception as exc:  # a reader bug must not lose the rest of the corpus
        return Result(
            problems=[Problem(unit.key, "reader_failed", f"{unit.reader} reader failed: {type(exc).__name__}: {exc}")]
        )


def read_unit_chunks(unit: Unit) -> Iterator[Result]:
    """Run the unit's reader block by block (one Result for readers without ``read_chunks``).

    Like :func:`read_unit`, a crash becomes an error row: the blocks already yielded stay valid.
    """
    reader = get(unit.reader)
    if reader.read_chunks is None:
        result = read_unit(unit)
        result.bytes_read = unit.size()
        yield result
        return
    try:
        yield from reader.read_chunks(unit)
    except OSError as exc:
        reason = "link_loop" if exc.errno == 40 else "unreadable"
        yield Result(problems=[Problem(unit.key, reason, f"cannot read: {exc.strerror or exc}")])
    except Exception as exc:  # a reader bug must not lose the rest of the corpus
        yield Result(
            problems=[Problem(unit.key, "reader_failed", f"{unit.reader} reader failed: {type(exc).__name__}: {exc}")]
        )


_DIGITS = re.compile(r"(\d+)")


def natural_key(path: str) -> tuple:
    """Sort key putting ``row=2`` before ``row=10`` and ``file2`` before ``file10``.

    >>> sorted(["a.csv#row=10", "a.csv#row=2", "a.csv#row=1"], key=natural_key)
    ['a.csv#row=1', 'a.csv#row=2', 'a.csv#row=10']
    """
    parts: list = _DIGITS.split(path)  # text, digits, text, ...: the digits at odd places
    parts[1::2] = map(int, parts[1::2])
    return tuple(parts)


def natural_text(path: str) -> str:
    """A string whose order (by code point, as Arrow sorts UTF-8) is the order of ``natural_key(path)``.

    Each run of digits becomes a NUL character, a character for the number of its digits, then the
    digits (the number written without leading zeros): the NUL sorts a text that ends where the other's
    digits begin first, as a shorter string sorts first in the key's tuple, and a number of fewer digits
    sorts before one of more.

    >>> sorted(["a.csv#row=10", "a.csv#row=2", "a-1", "a1"], key=natural_text)
    ['a1', 'a-1', 'a.csv#row=2', 'a.csv#row=10']
    """
    return _DIGITS.sub(_number_text, path)


def _number_text(match: re.Match) -> str:
    digits = str(int(match.group()))
    return f"\0{chr(0x30 + len(digits))}{digits}"


def read_bytes(path: str | Path, fs: Any = None) -> bytes:
    """The bytes of a local file, or of a file at a URL given its fsspec file system ``fs``."""
    if fs is not None:
        return fs.cat_file(str(path))
    with open(path, "rb") as handle:
        return handle.read()


def open_binary(path: str | Path, fs: Any = None):
    """An open binary file: local, or at a URL given its fsspec file system ``fs``."""
    if fs is not None:
        return fs.open(str(path), "rb")
    return open(path, "rb")
