"""Property tests over the readers: any bytes, in any text format, load without raising.

For any bytes written as a seed ``.txt`` file, ``.jsonl``, ``.csv`` or ``.tsv``: the reader returns,
every file yields articles or problem rows (never silence), and every section span lies inside its
article's text. The suite runs a short search; ``HYPOTHESIS_PROFILE=fuzz`` runs a long one
(``HYPOTHESIS_PROFILE=fuzz .venv/bin/python -m pytest -p no:randomly tests/test_readers_fuzz.py``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench import load_corpus, readers

settings.register_profile("fuzz", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PROFILE = settings(
    settings.get_profile("fuzz") if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else settings(max_examples=50),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SUFFIXES = (".txt", ".jsonl", ".csv", ".tsv")

#: Pieces real and broken files are made of, so that the search reaches past "not UTF-8".
FRAGMENTS = [
    b"date 2031-01-01 ", b"date 14.11.2031 ", b"Source: Velmora Courier", b"Details:", b"Background: ",
    b"id,date,title,text,outlet", b"id\tdate\ttext", b'{"id": "a", "date": "2031-01-02", "text": "Fictional."}',
    b'{"text": ', b"null", b"42", b'"', b'""', b",", b"\t", b"\n", b"\r\n", b"\r", b"\n\n", b"\x00",
    b"\xe9", b"\x96", b"\xc3\xa9", b"\xe2\x80\x99", b"\xc2\xa0", b"\xe2\x80\xa8", b"\xef\xbb\xbf", b"\xff\xfe",
    b"Velmora", b"A fictional sentence. ", b"Caf\xc3\xa9 Zelensky\xe2\x80\x99s", b"{", b"}", b"[", b"]", b"\\",
]  # fmt: skip
FAR_DATES = [b"9999-12-31", b"0900-06-01", b"1.1.2300", b"0000-00-00"]


def files(fragments: list[bytes]) -> st.SearchStrategy[bytes]:
    pieces = st.lists(st.one_of(st.sampled_from(fragments), st.binary(max_size=12)), max_size=40).map(b"".join)
    return st.one_of(pieces, st.binary(max_size=300))


def check_records(records, key: str) -> None:
    for record in records:
        text = record["text"]
        assert isinstance(text, str) and text, key
        for _name, start, end in record["sections"]:
            assert 0 <= start <= end <= len(text), (key, start, end, len(text))


@PROFILE
@given(data=files(FRAGMENTS + FAR_DATES), suffix=st.sampled_from(SUFFIXES))
def test_reader_never_raises_and_never_is_silent(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        units, problems = readers.discover(Path(folder))
        assert not problems and [u.reader for u in units] == ["seed" if suffix == ".txt" else "table"]
        chunks = list(readers.read_unit_chunks(units[0]))
        records = [r for c in chunks for r in c.records]
        assert records or any(c.problems for c in chunks), "a file gave neither articles nor problems"
        assert not any(p.reason == "reader_failed" for c in chunks for p in c.problems), [c.problems for c in chunks]
        check_records(records, str(path))
        if suffix != ".txt":
            assert sum(c.bytes_read for c in chunks) == len(data)


@PROFILE
@given(data=st.lists(st.tuples(files(FRAGMENTS), st.sampled_from(SUFFIXES)), min_size=1, max_size=4))
def test_load_corpus_returns_and_reports_every_file(data):
    with tempfile.TemporaryDirectory() as folder:
        for i, (content, suffix) in enumerate(data):
            (Path(folder) / f"f{i}{suffix}").write_bytes(content)
        corpus = load_corpus(folder, cache=False)
        for i, (_, suffix) in enumerate(data):
            name = str(Path(folder) / f"f{i}{suffix}")
            from_file = (
                corpus.articles["path"].str.startswith(name).sum() + corpus.errors["path"].str.startswith(name).sum()
            )
            assert from_file > 0, f"{name} gave neither articles nor problems"
        for row in corpus.articles.itertuples():
            check_records([{"text": row.text, "sections": row.sections}], row.path)


#: Words of prose for CSV cells: no digits, so that no line of a text reads as a dated row by chance.
PROSE = st.lists(
    st.sampled_from(["Velmora", "council", "said", ",", ", ", '"', '""', "\n", "\n\n", " ", "Café", "the", "’"]),
    min_size=1,
    max_size=30,
).map("".join)


def _csv_row(article_id: str, day: int, text: str) -> list[str]:
    return [article_id, f"2031-01-{day:02d}", "T", text, "Velmora Courier"]


@PROFILE
@given(texts=st.lists(PROSE.filter(lambda t: t.strip(" \n,\"’'")), min_size=1, max_size=12))
def test_csv_quoted_cells_over_lines_load_whole(texts):
    """Any texts written by a CSV writer (commas, quotes, line breaks in cells) load as they were written."""
    import csv

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "date", "title", "text", "outlet"])
            writer.writerows(_csv_row(f"r{i}", 1 + i % 28, text) for i, text in enumerate(texts))
        corpus = load_corpus(path, cache=False, boilerplate=False)
        assert "bad_row" not in set(corpus.errors["reason"])
        loaded = corpus.articles.set_index("article_id")["text"].to_dict()
        assert loaded == {f"r{i}": text.strip() for i, text in enumerate(texts)}


@PROFILE
@given(
    n=st.integers(min_value=2, max_value=15),
    data=st.data(),
)
def test_csv_unclosed_quote_is_one_error_row_wherever_it_closes(n, data):
    """A cell opening a quote that never closes is one error row at its line, whichever later row (if any)
    closes the quote with a stray one; every other row loads."""
    broken = data.draw(st.integers(min_value=0, max_value=n - 2), label="broken")
    closing = data.draw(st.one_of(st.none(), st.integers(min_value=broken + 1, max_value=n - 1)), label="closing")
    lines = ["id,date,title,text,outlet"]
    for i in range(n):
        text = f"Fictional text {i} of Velmora"
        if i == broken:
            text = '"' + text  # opened, never closed
        elif i == closing:
            text += '"'  # a stray quote that closes the one opened above
        lines.append(",".join(_csv_row(f"r{i}", 1 + i, text)))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        corpus = load_corpus(path, cache=False, boilerplate=False)
        assert set(corpus.articles["article_id"]) == {f"r{i}" for i in range(n) if i != broken}
        assert list(zip(corpus.errors["reason"], corpus.errors["line"], strict=True)) == [("bad_row", broken + 2)]
