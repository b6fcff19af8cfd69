"""Clean text: line endings, byte-order marks, word counts, and the error for bytes that are not text.

Decoding itself (encodings, per-line repair) is ``workbench.readers.textfile``."""

from __future__ import annotations

import unicodedata


class DecodeProblem(ValueError):
    """The bytes are not text (``reason`` says why)."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


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
