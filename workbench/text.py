"""Bytes to clean text: encodings, byte-order marks, line endings, word counts."""

from __future__ import annotations

import unicodedata


class DecodeProblem(ValueError):
    """The bytes are not text (``reason`` says why)."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def decode(data: bytes) -> tuple[str, str | None]:
    """Decode file bytes as UTF-8 (with or without BOM), falling back to cp1252.

    Returns:
        ``(text, warning)`` where ``warning`` names the fallback encoding when one was used.

    Raises:
        DecodeProblem: for empty or binary input.

    >>> decode("caf\\u00e9".encode("cp1252"))
    ('café', 'not valid UTF-8; read as cp1252 (Windows Latin-1)')
    """
    if not data.strip():
        raise DecodeProblem("empty", "the file is empty or holds only white space")
    head = data[:8192]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DecodeProblem("binary", "the file holds NUL bytes: it is binary, not text")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "not valid UTF-8; read as cp1252 (Windows Latin-1)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "not valid UTF-8; read as Latin-1"


def normalize_newlines(text: str, *, nfc: bool = True) -> str:
    """CRLF and lone CR become LF; a stray BOM is dropped; Unicode NFC unless ``nfc=False``
    (which keeps character offsets of annotations made on the file valid)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.lstrip("\ufeff")
    if nfc and not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return text


def count_words(text: str) -> int:
    """Number of white-space separated words (fast: this runs once per article at ingest)."""
    return len(text.split())
