"""Text files as readers see them: the encoding decided once per file, each line decoded on its own.

One stray byte that is not UTF-8 must not change how the rest of a file is read: a UTF-8 file keeps
``Café Zelensky’s`` intact even when one line holds a ``\\xe9`` from a legacy editor. So a file is
decoded line by line: a line that is valid UTF-8 is read as UTF-8, and only the bytes that are not
are read as cp1252 (with a warning naming the line). A file that is not UTF-8 at all (every non-ASCII
line fails) is a legacy file: ``charset-normalizer`` names its encoding (cp1252 for Western text,
which keeps the warning the README promises). UTF-16 and UTF-32 files with a byte-order mark load.

:func:`decode` turns a whole small file into text; :func:`lines` streams a large one in blocks of
``CHUNK_BYTES`` with the byte position reached, for progress bars and bounded memory.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from workbench.errors import Problem
from workbench.readers import open_binary
from workbench.text import DecodeProblem

#: Bytes read at a time from a large file (a table is parsed one block of lines at a time).
CHUNK_BYTES = 2 * 1024 * 1024
#: Bytes looked at to decide a file's encoding.
SAMPLE_BYTES = 256 * 1024
#: At most this many per-line encoding warnings per file; the rest are counted in one more row.
MAX_LINE_WARNINGS = 20
#: Encodings charset-normalizer names for Western text; read as cp1252 (a superset of Latin-1's letters).
_WESTERN = {
    "ascii",
    "utf_8",
    "latin_1",
    "iso8859_1",
    "iso8859_15",
    "cp1252",
    "cp850",
    "cp437",
    "mac_roman",
    "iso8859_9",
    "cp1254",
}
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _legacy_bytes(exc: UnicodeDecodeError) -> tuple[str, int]:
    """Error handler: read the bytes that are not UTF-8 as cp1252 (Latin-1 where cp1252 has a hole)."""
    bad = exc.object[exc.start : exc.end]
    chars = []
    for byte in bad:
        try:
            chars.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return "".join(chars), exc.end


codecs.register_error("workbench-cp1252", _legacy_bytes)


@dataclass(slots=True)
class Encoding:
    """How a file is decoded: ``name`` of the codec and whether the file is UTF-8 with stray bytes."""

    name: str
    wide: bool = False  # UTF-16/32: decoded as a stream, not line by line
    note: str | None = None  # a warning for the whole file (a legacy encoding)


@dataclass(slots=True)
class LineDecoder:
    """Decodes one line at a time and collects what had to be replaced, as problem rows."""

    encoding: Encoding
    where: str
    problems: list[Problem]
    strays: int = 0
    _reported: int = field(default=0)

    def __call__(self, raw: bytes, number: int) -> str:
        name = self.encoding.name
        if name == "utf-8":
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                text = raw.decode("utf-8", "workbench-cp1252")
                bad = raw[exc.start : exc.end][:8]
                read_as = bad.decode("utf-8", "workbench-cp1252")
                self._warn(number, f"byte(s) {bad!r} are not UTF-8; read as cp1252 ({read_as!r}) on this line only")
                return text
        try:
            return raw.decode(name)
        except UnicodeDecodeError:
            text = raw.decode(name, "replace")
            self._warn(number, f"{text.count(chr(0xFFFD))} byte(s) are not {name}; replaced by U+FFFD")
            return text

    def _warn(self, number: int, detail: str) -> None:
        self.strays += 1
        if self._reported < MAX_LINE_WARNINGS:
            self._reported += 1
            self.problems.append(Problem(self.where, "encoding", detail, "warning", number))

    def finish(self) -> None:
        """Add one row counting the encoding warnings that were not reported one by one."""
        if self.strays > self._reported:
            more = self.strays - self._reported
            self.problems.append(
                Problem(
                    self.where, "encoding", f"{more} more lines had bytes that are not {self.encoding.name}", "warning"
                )
            )


def sniff(sample: bytes, *, nul_is_binary: bool = True) -> Encoding:
    """Decide a file's encoding from its first bytes.

    Args:
        sample: the start of the file (``SAMPLE_BYTES`` suffice).
        nul_is_binary: a NUL byte makes a file binary (text files); tables allow a few (one bad row).

    Raises:
        DecodeProblem: ``binary`` when the bytes are not text.

    >>> sniff("Café".encode()).name, sniff("Café".encode("cp1252")).name
    ('utf-8', 'cp1252')
    """
    for bom, name in _WIDE_BOMS:
        if sample.startswith(bom):
            return Encoding(name, wide=True)
    nuls = sample.count(b"\x00")
    if nuls and (nul_is_binary or nuls * 100 > len(sample)):
        # UTF-16/32 without a byte-order mark: Latin text has a NUL in every other byte or more
        guess = _detect(sample) if nuls * 4 >= len(sample) else None
        if guess and guess.startswith(("utf_16", "utf_32")):
            return Encoding(guess, wide=True, note=f"no byte-order mark; read as {guess}")
        raise DecodeProblem("binary", "the file holds NUL bytes: it is binary, not text")
    try:
        sample.decode("utf-8")
        return Encoding("utf-8")
    except UnicodeDecodeError as exc:
        if len(sample) >= SAMPLE_BYTES and exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return Encoding("utf-8")  # the sample cut a character in two (a whole small file is not cut)
    text = sample.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    if good >= bad:  # mostly UTF-8: the bad bytes are strays, read line by line
        return Encoding("utf-8")
    guess = _detect(sample)
    if guess and guess.startswith(("utf_16", "utf_32")):
        if nuls:
            return Encoding(guess, wide=True, note=f"no byte-order mark; read as {guess}")
        guess = None  # UTF-16/32 of any text has NUL bytes; without them the detector was fooled by a short sample
    if guess is None or guess in _WESTERN or _mixed_script_words(sample, guess) > _mixed_script_words(sample, "cp1252"):
        # a short sample can fool the detector; words that mix Latin and another script show the wrong guess
        name, label = "cp1252", "cp1252 (Windows Latin-1)"
    else:
        name = label = guess
    return Encoding(name, note=f"not valid UTF-8; read as {label}")


def _mixed_script_words(sample: bytes, encoding: str) -> int:
    """Words that mix ASCII letters with letters of another script when ``sample`` is read as ``encoding``.

    Real words do not ("Zoë" read as cp1251 gives "Zoы"); both readings of genuine Cyrillic text give none.

    >>> sample = "Zoë quoted".encode("cp1252")
    >>> _mixed_script_words(sample, "cp1251"), _mixed_script_words(sample, "cp1252")
    (1, 0)
    """
    try:
        text = sample.decode(encoding, "replace")
    except LookupError:
        return 0
    mixed = 0
    for word in _WORD.findall(text):
        if word.isascii() or not any("a" <= ch.lower() <= "z" for ch in word):
            continue
        if any(ch.isalpha() and not ch.isascii() and not unicodedata.name(ch, "").startswith("LATIN") for ch in word):
            mixed += 1
    return mixed


_WORD = re.compile(r"[^\W\d_]+")  # runs of letters


def _detect(sample: bytes) -> str | None:
    """charset-normalizer's guess; cp1252 whenever it reads the bytes the same as the guess."""
    from charset_normalizer import from_bytes

    best = from_bytes(sample[:65536]).best()
    if best is None:
        return None
    return "cp1252" if "cp1252" in best.could_be_from_charset else best.encoding


def decode(data: bytes, where: str, problems: list[Problem], *, nul_is_binary: bool = True) -> str:
    """A whole file's text, decoded line by line; encoding warnings are added to ``problems``.

    Line ends are kept as in the file (offsets of annotations made on it still apply); a byte-order
    mark is dropped.

    Raises:
        DecodeProblem: ``empty`` (nothing but white space, including non-breaking spaces and line
            separators) or ``binary``.

    >>> decode(b"caf\\xc3\\xa9 \\xe9", "x.txt", [])
    'café é'
    """
    if not data.strip():
        raise DecodeProblem("empty", "the file is empty or holds only white space")
    encoding = sniff(data[:SAMPLE_BYTES], nul_is_binary=nul_is_binary)
    if encoding.wide:
        text = data.decode(encoding.name, "replace")
    else:
        if data.startswith(codecs.BOM_UTF8):
            data = data[3:]
        try:
            text = data.decode(encoding.name)
        except UnicodeDecodeError:
            decoder = LineDecoder(encoding, where, problems)
            text = "".join(decoder(raw, number) for number, raw in enumerate(data.splitlines(keepends=True), start=1))
            decoder.finish()
    if encoding.note:
        problems.append(Problem(where, "encoding", encoding.note, "warning"))
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise DecodeProblem("empty", "the file is empty or holds only white space")
    return text


def lines(
    path: str, where: str, problems: list[Problem], *, chunk_bytes: int = CHUNK_BYTES, fs: Any = None
) -> Iterator[tuple[int, str, int]]:
    """Stream a text file as ``(line number, text without its line end, bytes read so far)``.

    Memory stays within about one block of ``chunk_bytes``, whatever the file's size. Lone CR line
    ends (old Mac files) count as line ends when the file has no LF.

    Raises:
        DecodeProblem: ``empty`` or ``binary``, before the first line.
    """
    with open_binary(path, fs) as handle:  # a local file, or a URL's through its fsspec file system
        head = handle.read(SAMPLE_BYTES)
        if not head:
            raise DecodeProblem("empty", "the file is empty")
        encoding = sniff(head, nul_is_binary=False)
        if encoding.note:
            problems.append(Problem(where, "encoding", encoding.note, "warning"))
        handle.seek(0)
        if encoding.wide:
            stream = io.TextIOWrapper(handle, encoding=encoding.name, errors="replace", newline=None)
            for number, text in enumerate(stream, start=1):
                yield number, text.rstrip("\n").lstrip("\ufeff") if number == 1 else text.rstrip("\n"), handle.tell()
            return
        newline = b"\r" if b"\n" not in head and b"\r" in head else b"\n"
        decoder = LineDecoder(encoding, where, problems)
        number = position = 0
        rest = b""
        while True:
            block = handle.read(chunk_bytes)
            if not block:
                break
            parts = (rest + block).split(newline)
            rest = parts.pop()
            for raw in parts:
                number += 1
                position += len(raw) + 1
                if number == 1 and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[3:]
                yield number, decoder(raw[:-1] if raw.endswith(b"\r") else raw, number), position
            del parts
        if rest:
            number += 1
            position += len(rest)
            if number == 1 and rest.startswith(codecs.BOM_UTF8):
                rest = rest[3:]
            yield number, decoder(rest.rstrip(b"\r"), number), position
        decoder.finish()
