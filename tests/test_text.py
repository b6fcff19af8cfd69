"""Decoding and normalising bytes."""

import pytest

from workbench.readers.textfile import decode as textfile_decode
from workbench.text import DecodeProblem, count_words, normalize_newlines


def decode(data: bytes) -> tuple[str, str | None]:
    """The readers' whole-file decoder, with its warnings joined into one message (None when there are none)."""
    problems = []
    text = textfile_decode(data, "fixture.txt", problems)
    return text, "; ".join(p.detail for p in problems) or None


@pytest.mark.parametrize(
    ("data", "text", "warning"),
    [
        ("Zoë".encode(), "Zoë", None),
        ("\ufeffZoë".encode(), "Zoë", None),
        ("Zoë “quoted”".encode("cp1252"), "Zoë “quoted”", "cp1252"),
        ("Zoë".encode("utf-16"), "Zoë", None),
    ],
)
def test_decode(data, text, warning):
    got, message = decode(data)
    assert got == text
    assert (message is None) if warning is None else (warning in message)


@pytest.mark.parametrize(("data", "reason"), [(b"", "empty"), (b"  \n ", "empty"), (b"GIF89a\x00\x01", "binary")])
def test_decode_problems(data, reason):
    with pytest.raises(DecodeProblem) as info:
        decode(data)
    assert info.value.reason == reason


def test_normalize_newlines():
    assert normalize_newlines("a\r\nb\rc\n") == "a\nb\nc\n"


def test_count_words():
    assert count_words("North Korean troops, 50,000 of them.") == 6
