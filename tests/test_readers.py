"""Each reader on small fictional fixtures: input file -> expected rows and problems."""

from __future__ import annotations

import codecs
import json
import os
import re
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench import load_corpus, readers
from workbench.errors import WorkbenchError

TIMEML = """<?xml version='1.0' encoding='utf-8'?>
<TimeML><DOCID>{docid}</DOCID>
<DCT><TIMEX3 functionInDocument="CREATION_TIME" tid="t0" type="DATE" value="{dct}">{dct}</TIMEX3></DCT>
<EXTRAINFO>Velmora ferry wins award</EXTRAINFO>
<TEXT><s id="0">Velmora ferry wins award</s><s id="1">February 3 , 2031</s>\
<s id="2">The Velmora ferry , a fictional boat , has won an award for `` best service '' .</s></TEXT>
</TimeML>
"""


def load_one(folder: Path, name: str, tmp_path: Path):
    """Load a single fixture file copied alone into a fresh folder."""
    target = tmp_path / name
    shutil.copy(folder / name, target)
    return load_corpus(tmp_path, cache=False)


def reasons(corpus) -> list[tuple[str, str]]:
    return sorted(zip(corpus.errors["severity"], corpus.errors["reason"], strict=True))


# -- seed format ---------------------------------------------------------------------------


def test_seed_article_header_and_sections(seed_article):
    assert seed_article["published"] == pd.Timestamp("2024-11-14")
    assert seed_article["outlet"] == "European Pravda"
    assert seed_article["via"] == ["Voice of America"]
    assert seed_article["title"].startswith("US President Joe Biden plans to discuss")
    assert [name for name, _, _ in seed_article["sections"]] == ["lead", "details", "background"]
    text = seed_article["text"]
    assert "Source:" not in text and not text.startswith("date") and "Details:" not in text
    details = next(s for s in seed_article["sections"] if s[0] == "details")
    assert text[details[1] : details[2]].startswith("According to a White House official")
    assert seed_article["format"] == "seed" and seed_article["n_words"] > 250


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("good.txt", []),
        ("latin1.txt", [("warning", "encoding")]),
        ("bom.txt", []),
        ("crlf.txt", []),
        ("no_date.txt", [("error", "no_date")]),
        ("bad_date.txt", [("error", "bad_date")]),
        ("dotted_date.txt", [("warning", "date_format")]),
        ("long_date.txt", [("warning", "date_format")]),
        ("no_source.txt", [("warning", "no_source")]),
        ("empty.txt", [("error", "empty")]),
    ],
)
def test_seed_fixture_problems(fixtures_dir, tmp_path, name, expected):
    corpus = load_one(fixtures_dir / "corpus", name, tmp_path)
    assert reasons(corpus) == expected
    assert corpus.errors["path"].str.endswith(name).all()
    assert len(corpus) == (0 if name == "empty.txt" else 1)


@pytest.mark.parametrize(
    ("name", "published", "outlet", "via"),
    [
        ("good.txt", "2031-03-02", "Velmora Courier", ["Northwind Wire"]),
        ("latin1.txt", "2031-03-03", "Velmora Courier", []),
        ("bom.txt", "2031-03-04", "Velmora Courier", []),
        ("crlf.txt", "2031-03-05", "Velmora Courier", ["Northwind Wire"]),
        ("dotted_date.txt", "2031-11-14", "Velmora Courier", ["school newsletter"]),
        ("long_date.txt", "2031-11-14", "Ukrainska Pravda", ["Reuters", "CNN"]),
        ("no_date.txt", None, "Velmora Courier", []),
        ("bad_date.txt", None, "Velmora Courier", []),
        ("no_source.txt", "2031-03-07", None, []),
    ],
)
def test_seed_fixture_rows(fixtures_dir, tmp_path, name, published, outlet, via):
    row = load_one(fixtures_dir / "corpus", name, tmp_path).articles.iloc[0]
    assert pd.isna(row["published"]) if published is None else row["published"] == pd.Timestamp(published)
    assert pd.isna(row["outlet"]) if outlet is None else row["outlet"] == outlet
    assert row["via"] == via
    assert "\r" not in row["text"] and "\ufeff" not in row["text"]


def test_latin1_text_is_decoded(fixtures_dir, tmp_path):
    row = load_one(fixtures_dir / "corpus", "latin1.txt", tmp_path).articles.iloc[0]
    assert "café" in row["text"] and "Zoé Brandt" in row["text"]


def test_crlf_sections(fixtures_dir, tmp_path):
    row = load_one(fixtures_dir / "corpus", "crlf.txt", tmp_path).articles.iloc[0]
    assert [s[0] for s in row["sections"]] == ["lead", "details", "background"]


def test_binary_file(tmp_path):
    (tmp_path / "blob.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "fine.txt").write_text("date 2031-01-01 A fictional lead.\n\nSource: Velmora Courier\n")
    corpus = load_corpus(tmp_path, cache=False)
    assert reasons(corpus) == [("error", "binary")]
    assert corpus.articles["article_id"].tolist() == ["fine"]


def test_ten_megabyte_single_line(tmp_path):
    line = ("Velmora is a fictional town and this sentence repeats. " * 190_000)[: 10 * 1024 * 1024]
    (tmp_path / "huge.txt").write_text(line)
    corpus = load_corpus(tmp_path, cache=False)
    assert len(corpus) == 1
    assert ("warning", "large_file") in reasons(corpus) and ("error", "no_date") in reasons(corpus)


def test_unreadable_file(tmp_path, monkeypatch):
    (tmp_path / "locked.txt").write_text("date 2031-01-01 Locked.\n")
    (tmp_path / "open.txt").write_text("date 2031-01-02 Open.\n\nSource: Velmora Courier\n")
    import workbench.readers.seed as seed

    real = seed.read_bytes

    def deny(path, fs=None):
        if str(path).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied")
        return real(path, fs)

    monkeypatch.setattr(seed, "read_bytes", deny)
    corpus = load_corpus(tmp_path, cache=False)
    assert reasons(corpus) == [("error", "unreadable")]
    assert corpus.errors.iloc[0]["detail"] == "cannot read: Permission denied"
    assert corpus.articles["article_id"].tolist() == ["open"]


def test_symlink_loops(tmp_path):
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "back").symlink_to(tmp_path)
    (tmp_path / "sub" / "ok.txt").write_text("date 2031-01-01 Fine.\n\nSource: Velmora Courier\n")
    corpus = load_corpus(tmp_path, cache=False)
    assert corpus.articles["article_id"].tolist() == ["ok"]
    assert set(corpus.errors["reason"]) == {"link_loop"}
    assert (corpus.errors.loc[corpus.errors["path"].str.endswith(".txt"), "severity"] == "error").all()


def test_duplicate_texts_are_flagged_not_dropped(tmp_path):
    body = "date 2031-01-01 Same lead.\n\nSource: Velmora Courier\n\nDetails: Same text.\n"
    (tmp_path / "first.txt").write_text(body)
    (tmp_path / "second.txt").write_text(body)
    articles = load_corpus(tmp_path, cache=False).articles.set_index("article_id")
    assert pd.isna(articles.loc["first", "duplicate_of"])
    assert articles.loc["second", "duplicate_of"] == "first"


def test_duplicate_ids_get_suffixes(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.txt").write_text(f"date 2031-01-01 Lead {folder}.\n\nSource: Velmora Courier\n")
    corpus = load_corpus(tmp_path, cache=False)
    assert sorted(corpus.articles["article_id"]) == ["same", "same~2"]
    assert reasons(corpus) == [("warning", "duplicate_id")]


# -- tables --------------------------------------------------------------------------------


def test_csv_table(fixtures_dir):
    corpus = load_corpus(fixtures_dir / "tables" / "articles.csv", cache=False)
    articles = corpus.articles.set_index("article_id")
    assert sorted(articles.index) == ["t1", "t2", "t3"]
    assert articles.loc["t1", "title"] == "Velmora ferry resumes"
    assert articles.loc["t1", "outlet"] == "Velmora Courier"
    assert articles.loc["t2", "published"] == pd.Timestamp("2031-04-01")
    assert pd.isna(articles.loc["t3", "published"])
    assert articles.loc["t1", "url"] == "https://example.invalid/t1"
    got = sorted(zip(corpus.errors["reason"], corpus.errors["line"], strict=True))
    assert got == [("bad_date", 6), ("date_format", 5), ("no_text", 7)]  # file lines: t1's text spans lines 2-4


def test_tsv_with_wire_and_outlet_alias(fixtures_dir):
    row = load_corpus(fixtures_dir / "tables" / "articles.tsv", cache=False).articles.iloc[0]
    assert (row["article_id"], row["outlet"], row["via"]) == ("v1", "The New York Times", ["Associated Press"])


def test_jsonl_table(fixtures_dir):
    corpus = load_corpus(fixtures_dir / "tables" / "articles.jsonl", cache=False)
    assert corpus.articles["article_id"].tolist() == ["j1", "j2"]
    assert corpus.articles["outlet"].tolist() == ["Velmora Courier", "Northwind Wire"]


def test_parquet_table_and_column_mapping(tmp_path):
    frame = pd.DataFrame({"story": ["A fictional story."], "when": ["2031-02-02"], "who": ["Velmora Courier"]})
    frame.to_parquet(tmp_path / "stories.parquet")
    corpus = load_corpus(tmp_path, cache=False, columns={"story": "text", "when": "published", "who": "outlet"})
    row = corpus.articles.iloc[0]
    assert (row["text"], row["published"], row["outlet"]) == (
        "A fictional story.",
        pd.Timestamp("2031-02-02"),
        "Velmora Courier",
    )
    assert len(row["article_id"]) == 16  # a content hash when the table has no id


def test_table_without_text_column(fixtures_dir):
    corpus = load_corpus(fixtures_dir / "tables" / "no_text_column.csv", cache=False)
    assert len(corpus) == 0
    assert corpus.errors["reason"].tolist() == ["no_text_column"]
    assert "headline" in corpus.errors["detail"].iloc[0]


# -- manifest ------------------------------------------------------------------------------


def test_manifest_folder(fixtures_dir, tmp_path):
    shutil.copytree(fixtures_dir / "manifest", tmp_path / "m")
    (tmp_path / "m" / "part" / "attributions").mkdir()
    (tmp_path / "m" / "part" / "attributions" / "velmora_2031-07-01_bridge_x.ann").write_text("T1\tSource 0 3\tVel\n")
    corpus = load_corpus(tmp_path / "m", cache=False)
    articles = corpus.articles.set_index("article_id")
    assert sorted(articles.index) == ["velmora_2031-07-01_bridge", "velmora_2031-07-02_market"]
    bridge = articles.loc["velmora_2031-07-01_bridge"]
    assert (bridge["outlet"], bridge["via"], bridge["format"]) == (
        "The New York Times",
        ["Associated Press"],
        "manifest",
    )
    assert bridge["text"].startswith("Velmora bridge opens\n\nVELMORA (AP)")  # verbatim: annotation offsets apply
    assert [s[0] for s in bridge["sections"]] == ["title", "body"]
    assert articles.loc["velmora_2031-07-02_market", "via"] == []
    assert corpus.errors["reason"].tolist() == ["missing_file"]


# -- TimeML --------------------------------------------------------------------------------


def test_timeml_with_malformed_dct(tmp_path):
    (tmp_path / "1_velmora.tml").write_text(TIMEML.format(docid=1, dct="03-02-2031"))
    (tmp_path / "2_velmora.tml").write_text(TIMEML.format(docid=2, dct="2031-02-10"))
    (tmp_path / "README.txt").write_text("Documentation, not an article.\n")
    corpus = load_corpus(tmp_path, cache=False)
    articles = corpus.articles.set_index("article_id")
    assert sorted(articles.index) == ["1_velmora", "2_velmora"]
    first = articles.loc["1_velmora"]
    assert first["published"] == pd.Timestamp("2031-02-03")  # the dateline settles the order
    assert first["title"] == "Velmora ferry wins award"
    assert first["text"].split("\n")[2] == "The Velmora ferry, a fictional boat, has won an award for “best service”."
    assert reasons(corpus) == [("warning", "bad_dct")]


# -- real corpora --------------------------------------------------------------------------


@pytest.mark.shared
def test_polnear_loads_completely(polnear_corpus):
    articles = polnear_corpus.articles
    assert len(articles) == 924
    assert articles["outlet"].notna().all() and articles["published"].notna().all()
    assert polnear_corpus.errors.empty
    wires = articles["via"].map(len) > 0
    assert wires.sum() == 75  # AP 33, AFP 9, UPI 21, Reuters 12
    assert set(articles["outlet"]) == {
        "Breitbart",
        "HuffPost",
        "The New York Times",
        "Politico",
        "USA Today",
        "The Washington Post",
        "Western Journal",
    }


@pytest.mark.shared
def test_wikinews_loads_completely(wikinews_dir):
    corpus = load_corpus(wikinews_dir, cache=False)
    assert len(corpus) == 120 and corpus.articles["published"].notna().all()
    assert corpus.errors[["severity", "reason"]].values.tolist() == [["warning", "bad_dct"]]
    assert "03-02-2009" in corpus.errors["detail"].iloc[0]


def test_missing_path_raises(tmp_path):
    with pytest.raises(WorkbenchError, match="does not exist"):
        load_corpus(tmp_path / "nowhere")


def test_unknown_format_raises(tmp_path):
    with pytest.raises(WorkbenchError, match="unknown corpus format 'xml'"):
        load_corpus(tmp_path, format="xml")


def test_forced_format(fixtures_dir, tmp_path):
    shutil.copy(fixtures_dir / "corpus" / "good.txt", tmp_path / "good.article")
    assert len(load_corpus(tmp_path / "good.article", format="seed", cache=False)) == 1
    assert os.path.exists(tmp_path / "good.article")


@pytest.mark.shared
def test_polnear_text_is_verbatim(polnear_corpus):
    """Annotation offsets (BRAT .ann files) index the raw file: the text must be exactly it."""
    for row in polnear_corpus.articles.itertuples():
        assert Path(row.path).read_text(encoding="utf-8-sig") == row.text, row.path


# -- nothing lost: one bad row is one error row (issue 15) ---------------------------------

HEADER = "id,date,title,text,outlet\n"


def table_problems(corpus) -> list[tuple[str, str, int]]:
    errors = corpus.errors
    return sorted(
        zip(
            errors["severity"],
            errors["reason"],
            errors["line"].astype(object).where(errors["line"].notna(), None),
            strict=True,
        ),
        key=str,
    )


@pytest.mark.parametrize(
    ("bad_line", "detail"),
    [
        ("42", "a number"),
        ('"just a string"', "a string"),
        ("null", "null"),
        ("[1, 2]", "a list"),
        ("{not json", "not JSON"),
        ('{"id": "cut", "text": "Cut sh', "cut short"),
    ],
)
def test_jsonl_bad_line_is_one_error_row(tmp_path, bad_line, detail):
    good = [{"id": f"j{i}", "date": "2031-06-01", "text": f"Fictional article {i} about Velmora."} for i in range(1, 5)]
    lines = [json.dumps(good[0]), "", json.dumps(good[1]), bad_line, json.dumps(good[2]), "", json.dumps(good[3])]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n")
    corpus = load_corpus(tmp_path, cache=False)
    assert sorted(corpus.articles["article_id"]) == ["j1", "j2", "j3", "j4"]
    assert table_problems(corpus) == [("error", "bad_row", 4)]  # the real file line, blank lines counted
    assert detail in corpus.errors["detail"].iloc[0]


def test_csv_unclosed_quote_and_nul_rows(tmp_path):
    rows = [HEADER.strip()]
    rows.append('c1,2031-01-01,One,"A fictional text,\nover two lines.",Velmora Courier')  # lines 2-3: valid
    rows.append('c2,2031-01-02,Two,"A quote that never closes,Velmora Courier')  # line 4
    rows.append("c3,2031-01-03,Three,Plain text of row three.,Velmora Courier")  # line 5
    rows.append('c4,2031-01-04,Four,"Quoted, fine.",Velmora Courier')  # line 6
    rows.append("c5,2031-01-05,Five,A NUL \x00 byte.,Velmora Courier")  # line 7
    rows.append("c6,2031-01-06,Six,Row six is fine.,Velmora Courier")  # line 8
    (tmp_path / "a.csv").write_text("\n".join(rows) + "\n")
    corpus = load_corpus(tmp_path, cache=False)
    assert sorted(corpus.articles["article_id"]) == ["c1", "c3", "c4", "c6"]
    assert table_problems(corpus) == [("error", "bad_row", 4), ("error", "bad_row", 7)]
    assert corpus.articles.set_index("article_id").loc["c1", "text"] == "A fictional text,\nover two lines."


def test_csv_many_bad_rows_keep_every_valid_row(tmp_path):
    rows, bad = [HEADER.strip()], set()
    for i in range(1, 301):
        if i % 30 == 0:
            rows.append(f'b{i},2031-01-01,Bad,"Broken quote in row {i},Velmora Courier')
            bad.add(i + 1)
        else:
            rows.append(f'g{i},2031-01-01,Good,"Text of row {i}, fictional.",Velmora Courier')
    (tmp_path / "a.csv").write_text("\n".join(rows) + "\n")
    corpus = load_corpus(tmp_path, cache=False)
    assert len(corpus) == 290
    assert set(corpus.errors["line"]) == bad and set(corpus.errors["reason"]) == {"bad_row"}


@pytest.mark.parametrize(
    ("rows", "bad_lines", "loaded"),
    [
        (  # the quote opened on line 2 is closed by a stray quote ending row c3: c2 was swallowed
            [
                'c1,2031-01-01,One,"An opening quote that never closes,Velmora Courier',
                "c2,2031-01-02,Two,Plain text of row two.,Velmora Courier",
                'c3,2031-01-03,Three,Text that ends in a stray quote",Velmora Courier',
                "c4,2031-01-04,Four,Row four.,Velmora Courier",
            ],
            [2],
            {"c2", "c3", "c4"},
        ),
        (  # no row between: the closing row itself reads as a row (the quote opened after the first cell)
            [
                'c1,2031-01-01,One,"Never closed,Velmora Courier',
                'c2,2031-01-02,Two,Stray quote",Velmora Courier',
            ],
            [2],
            {"c2"},
        ),
        (  # two broken rows, each swallowing rows, a quoted cell over two lines between them
            [
                'c1,2031-01-01,One,"Never closed one,Velmora Courier',
                "c2,2031-01-02,Two,Row two.,Velmora Courier",
                'c3,2031-01-03,Three,Closes it",Velmora Courier',
                'c4,2031-01-04,Four,"Two lines,\nfine.",Velmora Courier',
                'c5,2031-01-05,Five,"Never closed two,Velmora Courier',
                "c6,2031-01-06,Six,Row six.,",
                "c7,,Seven,Row seven has no date.,Velmora Courier",
                'c8,2031-01-08,Eight,Closes it too",Velmora Courier',
            ],
            [2, 7, 9],  # line 9: c7 is a row of its own again (it loads, reported for its missing date)
            {"c2", "c3", "c4", "c6", "c7", "c8"},
        ),
    ],
)
def test_csv_quote_closed_by_a_later_row_does_not_swallow_rows(tmp_path, rows, bad_lines, loaded):
    (tmp_path / "a.csv").write_text(HEADER + "\n".join(rows) + "\n")
    corpus = load_corpus(tmp_path, cache=False)
    assert set(corpus.articles["article_id"]) == loaded
    assert sorted(corpus.errors["line"]) == bad_lines
    quote_errors = corpus.errors[corpus.errors["reason"] == "bad_row"]
    assert len(quote_errors) == len(rows) - len(loaded) and all("never closed" in d for d in quote_errors["detail"])
    texts = corpus.articles.set_index("article_id")["text"]
    multi_line = {"c4"} if any("fine." in r for r in rows) else set()  # the one legitimate quoted cell over lines
    assert {i for i in loaded if "\n" in texts[i]} == multi_line


@pytest.mark.parametrize(
    ("header", "row"),
    [
        # lines of the quoted text that have the header's width, but not its form (dates, ids)
        (HEADER, 'm1,2031-01-01,T,"First paragraph.\nYes, he said, no, she said, maybe.\nLast, a, b, c, d.",V'),
        # the quoted text opens the record: its last line, alone, has the header's width and form
        ("text,date,id\n", '"A text over\ntwo lines, ending",2031-01-01,m1'),
        # a table without date, id or URL column: no form to check, the quoted cell is kept whole
        ("title,text,outlet\n", 't,"One,\ntwo,three",V'),
    ],
)
def test_csv_quoted_cells_over_several_lines_still_load(tmp_path, header, row):
    (tmp_path / "a.csv").write_text(header + row + "\nm2,2031-01-02,T,Plain.,V\n" * (header == HEADER))
    corpus = load_corpus(tmp_path, cache=False)
    assert "\n" in corpus.articles["text"].iloc[0]
    assert "bad_row" not in set(corpus.errors["reason"])


def test_csv_too_many_cells(tmp_path):
    (tmp_path / "a.csv").write_text(HEADER + "x1,2031-01-01,T,Text one.,V\nx2,2031-01-01,T,Text two.,V,extra\n")
    corpus = load_corpus(tmp_path, cache=False)
    assert corpus.articles["article_id"].tolist() == ["x1"]
    assert table_problems(corpus) == [("error", "bad_row", 3)]


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_header_only_table_warns(tmp_path, suffix):
    (tmp_path / f"a{suffix}").write_text(HEADER.replace(",", "\t" if suffix == ".tsv" else ","))
    corpus = load_corpus(tmp_path, cache=False)
    assert len(corpus) == 0
    assert reasons(corpus) == [("warning", "no_rows")]


def test_tsv_has_no_quoting(tmp_path):
    rows = [
        "id\tdate\ttext",
        'q1\t2031-01-01\t"Quoted start" then more.',
        'q2\t2031-01-02\tA lone " opens nothing.',
        "q3\t2031-01-03\tRow three.",
    ]
    (tmp_path / "a.tsv").write_text("\n".join(rows) + "\n")
    corpus = load_corpus(tmp_path, cache=False)
    texts = corpus.articles.set_index("article_id")["text"]
    assert texts.to_dict() == {"q1": '"Quoted start" then more.', "q2": 'A lone " opens nothing.', "q3": "Row three."}
    assert corpus.errors.empty


def test_stray_byte_decodes_one_line_only(tmp_path):
    data = (HEADER + "e1,2031-01-01,T,Café Zelensky’s day.,V\n").encode() + b"e2,2031-01-02,T,Caf\xe9 stray byte.,V\n"
    (tmp_path / "a.csv").write_bytes(data)
    corpus = load_corpus(tmp_path, cache=False)
    texts = corpus.articles.set_index("article_id")["text"]
    assert texts["e1"] == "Café Zelensky’s day." and texts["e2"] == "Café stray byte."
    assert table_problems(corpus) == [("warning", "encoding", 3)]
    assert "\\xe9" in corpus.errors["detail"].iloc[0]


def test_cp1252_table_warns(tmp_path):
    (tmp_path / "a.csv").write_bytes((HEADER + "w1,2031-01-01,T,Café “quoted” in cp1252.,V\n").encode("cp1252"))
    corpus = load_corpus(tmp_path, cache=False)
    assert corpus.articles["text"].tolist() == ["Café “quoted” in cp1252."]
    assert reasons(corpus) == [("warning", "encoding")]
    assert "cp1252" in corpus.errors["detail"].iloc[0]


def test_cyrillic_legacy_file_is_detected(tmp_path):
    text = "Київ. Президент України заявив, що переговори тривають. " * 4
    (tmp_path / "a.csv").write_bytes((HEADER + f'k1,2031-01-01,T,"{text}",V\n').encode("cp1251"))
    corpus = load_corpus(tmp_path, cache=False)
    assert corpus.articles["text"].tolist() == [text.strip()]
    assert reasons(corpus) == [("warning", "encoding")]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_bom_loads(tmp_path, encoding):
    data = (HEADER + "u1,2031-01-01,T,Café in UTF-16.,V\n").encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    (tmp_path / "a.csv").write_bytes(data)
    (tmp_path / "s.txt").write_bytes(
        "date 2031-01-02 Seed café in UTF-16.\n\nSource: Velmora Courier\n".encode("utf-16")
    )
    corpus = load_corpus(tmp_path, cache=False)
    assert sorted(corpus.articles["text"]) == ["Café in UTF-16.", "Seed café in UTF-16."]
    assert corpus.errors.empty


def test_seed_stray_byte_keeps_other_lines(tmp_path):
    data = (
        "date 2031-01-01 Café Zelensky’s lead.\n\nSource: Velmora Courier\n\nDetails: ".encode()
        + b"A stray \x96 dash.\n"
    )
    (tmp_path / "s.txt").write_bytes(data)
    corpus = load_corpus(tmp_path, cache=False)
    text = corpus.articles["text"].iloc[0]
    assert "Café Zelensky’s lead." in text and "A stray – dash." in text
    assert table_problems(corpus) == [("warning", "encoding", 5)]


@pytest.mark.parametrize("filler", ["\u00a0", "\u2028", "\u00a0 \u2029\n\u3000"])
@pytest.mark.parametrize("name", ["s.txt", "a.csv", "a.tsv", "a.jsonl"])
def test_only_exotic_white_space_is_empty(tmp_path, filler, name):
    (tmp_path / name).write_text(filler * 50, encoding="utf-8")
    corpus = load_corpus(tmp_path, cache=False)
    assert len(corpus) == 0
    assert reasons(corpus) == [("error", "empty")]


# -- dates outside pandas' nanosecond range --------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "iso"),
    [
        ("9999-12-31", "9999-12-31"),
        ("0900-06-01", "0900-06-01"),
        ("1.1.2300", "2300-01-01"),
        ("1500-02-03", "1500-02-03"),
    ],
)
def test_far_dates_are_kept_with_a_warning(tmp_path, cell, iso):
    (tmp_path / "a.csv").write_text(HEADER + f"d1,{cell},T,A fictional text.,V\n")
    (tmp_path / "s.txt").write_text(f"date {cell} A fictional seed lead.\n\nSource: Velmora Courier\n")
    for unit in readers.discover(tmp_path)[0]:
        result = readers.read_unit(unit)
        assert result.records[0]["published"].date().isoformat() == iso
        assert "implausible_date" in [p.reason for p in result.problems]
        assert all(p.severity == "warning" for p in result.problems)


def test_parquet_date32_far_out(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    dates = pa.array([date(9999, 12, 31), date(900, 6, 1), date(2031, 1, 1)], type=pa.date32())
    pq.write_table(
        pa.table({"id": ["p1", "p2", "p3"], "date": dates, "text": ["One.", "Two.", "Three."]}), tmp_path / "a.parquet"
    )
    (unit,), _ = readers.discover(tmp_path / "a.parquet")
    result = readers.read_unit(unit)
    assert [r["published"].date() for r in result.records] == [date(9999, 12, 31), date(900, 6, 1), date(2031, 1, 1)]
    assert [(p.reason, p.path.rsplit("#", 1)[1]) for p in result.problems] == [
        ("implausible_date", "row=1"),
        ("implausible_date", "row=2"),
    ]


# -- streaming in blocks ---------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".tsv"])
def test_large_table_is_read_in_blocks(tmp_path, suffix):
    path = tmp_path / f"big{suffix}"
    with open(path, "w") as handle:
        if suffix == ".jsonl":
            for i in range(2000):
                handle.write(
                    json.dumps({"id": f"r{i}", "date": "2031-01-01", "text": f"Fictional row {i}. " * 5}) + "\n"
                )
        else:
            sep = "\t" if suffix == ".tsv" else ","
            handle.write(sep.join(["id", "date", "text"]) + "\n")
            for i in range(2000):
                handle.write(sep.join([f"r{i}", "2031-01-01", f"Fictional row {i}. " * 5]) + "\n")
    unit = readers.Unit(str(path), "table", options={"chunk_bytes": 20_000})
    chunks = list(readers.read_unit_chunks(unit))
    assert len(chunks) > 5
    assert max(len(c.records) for c in chunks) < 400  # about 20 KB of rows each, not the file
    assert sum(c.bytes_read for c in chunks) == path.stat().st_size
    ids = [r["article_id"] for c in chunks for r in c.records]
    assert ids == [f"r{i}" for i in range(2000)]  # file order
    assert not any(c.problems for c in chunks)


def test_chunked_reader_crash_keeps_earlier_blocks(tmp_path, monkeypatch):
    from workbench.readers import table

    path = tmp_path / "a.jsonl"
    path.write_text(
        "".join(json.dumps({"id": f"r{i}", "date": "2031-01-01", "text": "Fictional."}) + "\n" for i in range(100))
    )
    real = table.row_record

    def flaky(row, *args, **kwargs):
        if row["id"] == "r50":
            raise RuntimeError("boom")
        return real(row, *args, **kwargs)

    monkeypatch.setattr(table, "row_record", flaky)
    chunks = list(readers.read_unit_chunks(readers.Unit(str(path), "table", options={"chunk_bytes": 500})))
    assert len([r for c in chunks for r in c.records]) >= 40
    assert chunks[-1].problems[-1].reason == "reader_failed"


# -- order and names ---------------------------------------------------------------------------


def test_natural_key():
    names = ["a.csv#row=10", "a.csv#row=2", "a.csv#row=100", "a.csv#row=1", "file10.txt", "file9.txt"]
    assert sorted(names, key=readers.natural_key) == [
        "a.csv#row=1",
        "a.csv#row=2",
        "a.csv#row=10",
        "a.csv#row=100",
        "file9.txt",
        "file10.txt",
    ]


@given(st.text(alphabet="ab/._#=-0123456789٣", max_size=24))
def test_natural_key_is_text_and_numbers_in_turn(path):
    """The key orders articles (and so the rows of every table): text and the value of each run of digits."""
    pieces = re.split(r"(\d+)", path)
    assert readers.natural_key(path) == tuple(int(x) if i % 2 else x for i, x in enumerate(pieces))


@given(st.lists(st.text(alphabet="ab/._#=-01239٣", max_size=16), max_size=30))
def test_natural_text_sorts_as_the_natural_key_in_arrow(paths):
    """The load sorts paths in Arrow on ``natural_text``: the order (ties kept in place) of ``natural_key``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    expected = sorted(range(len(paths)), key=lambda i: readers.natural_key(paths[i]))
    keys = pa.array([readers.natural_text(p) for p in paths], type=pa.large_string())
    assert pc.sort_indices(pa.table({"path": keys}), sort_keys=[("path", "ascending")]).to_pylist() == expected


def test_table_rows_keep_file_order(tmp_path):
    rows = [HEADER.strip()] + [f"n{i},2031-01-01,T,Fictional text {i}.,V" for i in range(1, 13)]
    (tmp_path / "a.csv").write_text("\n".join(rows) + "\n")
    (unit,), _ = readers.discover(tmp_path)
    assert [r["article_id"] for r in readers.read_unit(unit).records] == [f"n{i}" for i in range(1, 13)]
    assert [r["path"].rsplit("=", 1)[1] for r in readers.read_unit(unit).records] == [str(i) for i in range(1, 13)]


def test_readme_lists_the_recognised_columns():
    from workbench.readers.table import COLUMN_NAMES

    readme = (Path(__file__).parents[1] / "README.md").read_text()
    section = readme.split("Table columns recognised", 1)[1].split("\n\n", 1)[0]
    listed = {}
    for line in section.splitlines()[1:]:
        column, _, names = line.partition(":")
        listed[column.strip(" -`*")] = tuple(re.findall(r"`([^`]+)`", names))
    assert listed == COLUMN_NAMES


def test_no_text_column_message_lists_the_text_names(tmp_path):
    from workbench.readers.table import COLUMN_NAMES

    (tmp_path / "a.csv").write_text("id,date,headline\nx,2031-01-01,Only a headline\n")
    detail = load_corpus(tmp_path, cache=False).errors["detail"].iloc[0]
    assert all(name in detail for name in COLUMN_NAMES["text"])


# -- what ingest does with what the readers give ----------------------------------------------


def test_load_corpus_keeps_far_dates(tmp_path):
    (tmp_path / "far.txt").write_text("date 9999-12-31 A fictional lead.\n\nSource: Velmora Courier\n")
    (tmp_path / "old.txt").write_text("date 0900-06-01 A fictional old lead.\n\nSource: Velmora Courier\n")
    corpus = load_corpus(tmp_path, cache=False)
    assert sorted(d.date().isoformat() for d in corpus.articles["published"]) == ["0900-06-01", "9999-12-31"]
    assert reasons(corpus) == [("warning", "implausible_date")] * 2


def test_load_corpus_keeps_table_row_order_and_natural_file_order(tmp_path):
    rows = [HEADER.strip()] + [f"n{i},2031-01-01,T,Fictional text {i}.,V" for i in range(1, 13)]
    (tmp_path / "a.csv").write_text("\n".join(rows) + "\n")
    for i in (1, 2, 10):
        (tmp_path / f"s{i}.txt").write_text(f"date 2031-01-01 Fictional seed {i}.\n\nSource: Velmora Courier\n")
    ids = load_corpus(tmp_path, cache=False).articles["article_id"].tolist()
    assert ids == [f"n{i}" for i in range(1, 13)] + ["s1", "s2", "s10"]


def test_csv_cell_larger_than_the_csv_module_default(tmp_path):
    text = "Velmora is a fictional town. " * 20_000  # 580 KB in one quoted cell, over several lines
    (tmp_path / "a.csv").write_text(HEADER + f'big,2031-01-01,T,"{text}\n\n{text}",V\nsmall,2031-01-02,T,Small.,V\n')
    corpus = load_corpus(tmp_path, cache=False)
    assert sorted(corpus.articles["article_id"]) == ["big", "small"] and corpus.errors.empty


def test_utf16_without_bom_and_literal_quotes(tmp_path):
    (tmp_path / "a.csv").write_bytes((HEADER + 'x1,2031-01-01,T,A 5" screen and "more",V\n').encode("utf-16-le"))
    (tmp_path / "b.csv").write_text(HEADER + 'x2,2031-01-02,T,A 5" screen,V\n')
    corpus = load_corpus(tmp_path, cache=False)
    assert corpus.articles["text"].tolist() == ['A 5" screen and "more"', 'A 5" screen']
    assert reasons(corpus) == [("warning", "encoding")] and "utf_16" in corpus.errors["detail"].iloc[0]


def test_every_unit_reports_its_bytes(fixtures_dir, tmp_path):
    shutil.copytree(fixtures_dir / "corpus", tmp_path / "c")
    shutil.copytree(fixtures_dir / "manifest", tmp_path / "m")
    units, _ = readers.discover(tmp_path)
    for unit in units:
        covered = sum(chunk.bytes_read for chunk in readers.read_unit_chunks(unit))
        assert covered == sum(f.stat().st_size for f in unit.files()), unit.key


def test_parquet_date_beyond_year_9999_is_one_row_error(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    dates = pa.array([3_000_000, 0], type=pa.int32()).cast(pa.date32())  # 10183-09-21 and 1970-01-01
    pq.write_table(pa.table({"id": ["p1", "p2"], "date": dates, "text": ["One.", "Two."]}), tmp_path / "a.parquet")
    (unit,), _ = readers.discover(tmp_path / "a.parquet")
    result = readers.read_unit(unit)
    assert [r["article_id"] for r in result.records] == ["p1", "p2"]  # the article is kept, without a date
    assert result.records[0]["published"] is pd.NaT
    assert [(p.path.rsplit("#", 1)[1], p.reason) for p in result.problems] == [("row=1", "bad_date")]


# -- the registry ----------------------------------------------------------------------------------

_IMPORT_ONE_READER_FIRST = """
import sys
import workbench.readers.{module}
from workbench import load_corpus, readers
from workbench.readers import Reader, register

print(",".join(readers.names()))
print(len(load_corpus(sys.argv[1], cache=False)))
mine = register(Reader("seed", suffixes=(".txt",), read=lambda unit: None))
print(readers.get("seed") is mine)
"""


@pytest.mark.parametrize("module", ["table", "seed", "timeml"])
def test_importing_one_reader_first_still_loads_every_built_in(module, tmp_path):
    """Import order is real only in a fresh interpreter: one reader module imported alone first must not
    leave the other built-ins unregistered (the seeds then loaded 0 articles), and a user's reader
    registered under a built-in's name replaces it."""
    import subprocess
    import sys

    from workbench import config

    script = tmp_path / "script.py"
    script.write_text(_IMPORT_ONE_READER_FIRST.format(module=module), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(config.SEEDS_DIR)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "manifest,seed,table,timeml",
        str(len(load_corpus(config.SEEDS_DIR, cache=False))),
        "True",
    ]
