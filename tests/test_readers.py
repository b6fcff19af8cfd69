"""Each reader on small fictional fixtures: input file -> expected rows and problems."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from workbench import load_corpus
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
    assert (pd.isna(row["published"]) if published is None else row["published"] == pd.Timestamp(published))
    assert (pd.isna(row["outlet"]) if outlet is None else row["outlet"] == outlet)
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

    def deny(path):
        if str(path).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied")
        return real(path)

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
    assert (row["text"], row["published"], row["outlet"]) == ("A fictional story.", pd.Timestamp("2031-02-02"), "Velmora Courier")
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
    assert (bridge["outlet"], bridge["via"], bridge["format"]) == ("The New York Times", ["Associated Press"], "manifest")
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
    assert set(articles["outlet"]) == {"Breitbart", "HuffPost", "The New York Times", "Politico", "USA Today", "The Washington Post", "Western Journal"}


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
