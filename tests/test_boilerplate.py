"""Boilerplate found by frequency (workbench/boilerplate.py): fictional articles of fictional outlets."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from workbench import boilerplate, boilerplate_index
from workbench.sentences import sentences

_TOPICS = [
    "copper", "wheat", "coffee", "sugar", "cocoa", "cotton", "zinc", "nickel", "tin", "lead", "silver",
    "gold", "platinum", "rice", "barley", "oats", "soybeans", "palm oil", "rubber", "wool", "lumber",
    "orange juice", "pork bellies", "cattle", "hogs", "corn", "canola", "aluminium", "iron ore", "coal",
]  # fmt: skip
_EDITORS = [("Ana Pol", "Bo Ek"), ("Cy Dunn", "Di Fox"), ("Ed Gale", "Flo Hart")]


def _articles(
    n: int, outlet: str | None = "Harbour Wire", *, signoff: str = "Harbour", credits: bool = True
) -> pd.DataFrame:
    texts, titles = [], []
    for i in range(n):
        topic = _TOPICS[i % len(_TOPICS)]
        reporter, editor = _EDITORS[i % len(_EDITORS)]
        body = (
            f"Prices of {topic} rose {i + 2} pct on Tuesday, traders in Porto Vell said.\n\n"
            f"Dealers expect {topic} to stay firm while stocks of {topic} are low.\n\n"
        )
        if credits:
            body += f"(Reporting by {reporter}; Editing by {editor})\n"
        texts.append(body + signoff)
        titles.append(f"{topic.title()} prices rise")
    return pd.DataFrame(
        {
            "article_id": [f"a{i}" for i in range(n)],
            "outlet": pd.Series([outlet] * n, dtype="string"),
            "title": titles,
            "text": texts,
        }
    )


def test_a_signoff_in_30_articles_of_one_outlet_is_boilerplate():
    articles = _articles(30)
    patterns, ranges = boilerplate.find(articles)
    assert set(patterns["pattern"]) == {"Harbour", "(Reporting by X; Editing by X)"}
    assert (patterns["outlet"] == "Harbour Wire").all() and (patterns["articles"] == 30).all()
    text = articles.loc[0, "text"]
    assert [text[s:e] for s, e in ranges[0]] == ["(Reporting by Ana Pol; Editing by Bo Ek)", "Harbour"]


def test_two_articles_are_too_few():
    patterns, ranges = boilerplate.find(_articles(2))
    assert patterns.empty and ranges == [[], []]


def test_outlets_are_counted_apart_and_unknown_outlets_as_one_corpus():
    mixed = pd.concat(
        [_articles(4, "North Post"), _articles(4, "South Post").assign(article_id=lambda f: "s" + f["article_id"])]
    )
    assert boilerplate.find(mixed)[0].empty  # four each: under MIN_ARTICLES per outlet
    unknown = _articles(8, None)
    patterns, _ = boilerplate.find(unknown)
    assert "Harbour" in set(patterns["pattern"]) and patterns["outlet"].isna().all()


def test_story_updates_sharing_paragraphs_are_not_boilerplate():
    articles = _articles(8, credits=False, signoff="The strike began at dawn on Monday.")
    articles["title"] = "Dock strike"  # eight updates of one story
    assert boilerplate.find(articles)[0].empty


def test_datelines_stay_datelines():
    articles = _articles(10, credits=False)
    articles["text"] = "PORTO VELL (Harbour) - " + articles["text"]
    patterns, _ = boilerplate.find(articles)
    assert set(patterns["pattern"]) == {"Harbour"}


def test_mark_keeps_text_and_other_sections_and_prose_blanks_in_place():
    articles = _articles(30).assign(sections=[[("body", 0, 10)]] * 30)
    marked, patterns = boilerplate.mark(articles)
    assert marked["text"].equals(articles["text"]) and len(patterns) == 2
    first = marked.loc[0, "sections"]
    assert first[0] == ("body", 0, 10) and [s[0] for s in first[1:]] == ["boilerplate", "boilerplate"]
    clean = boilerplate.prose(marked.loc[0, "text"], first)
    assert len(clean) == len(marked.loc[0, "text"]) and "Harbour" not in clean and "Reporting" not in clean
    assert boilerplate.ranges(marked)[0] == boilerplate.spans(first)


def test_sentences_skip_boilerplate():
    marked, _ = boilerplate.mark(_articles(30))
    table = sentences(marked.iloc[:1])
    text = marked.loc[0, "text"]
    assert [text[s:e] for s, e in zip(table["start"], table["end"], strict=True)] == [
        "Prices of copper rose 2 pct on Tuesday, traders in Porto Vell said.",
        "Dealers expect copper to stay firm while stocks of copper are low.",
    ]


@pytest.mark.parametrize(
    "line", ["Copyright 1987 Harbour Wire. All rights reserved.", "Read more: harbour.example/markets"]
)
def test_copyright_and_read_more_lines_group_across_years_and_links(line):
    articles = _articles(12, credits=False, signoff=line)
    if "Copyright" in line:
        articles["text"] = [t.replace("1987", str(1980 + i)) for i, t in enumerate(articles["text"])]
    patterns, _ = boilerplate.find(articles)
    assert len(patterns) == 1 and patterns.loc[0, "articles"] == 12


def test_load_corpus_marks_boilerplate_and_can_turn_it_off(tmp_path):
    from workbench import load_corpus

    articles = _articles(30)
    table = pd.DataFrame(
        {"date": [f"1987-03-{i % 28 + 1:02d}" for i in range(30)], "title": articles["title"], "text": articles["text"]}
    )
    table.to_csv(tmp_path / "wire.csv", index=False)
    corpus = load_corpus(tmp_path / "wire.csv", cache=False)
    assert set(corpus.boilerplate["pattern"]) == {"Harbour", "(Reporting by X; Editing by X)"}
    assert corpus.boilerplate["outlet"].isna().all()  # no outlet column: one corpus
    first = corpus.articles.iloc[0]
    assert [first["text"][s:e] for _, s, e in first["sections"] if _ == "boilerplate"][-1] == "Harbour"
    texts = [
        first["text"][s:e]
        for s, e in corpus.sentences.query("article_id == @first.article_id")[["start", "end"]].values
    ]
    assert not any("Harbour" in t or "Reporting" in t for t in texts)
    assert len(corpus.filter(start="1987-03-05").boilerplate) == 2
    plain = load_corpus(tmp_path / "wire.csv", cache=False, boilerplate=False)
    assert plain.boilerplate.empty and not any(
        name == "boilerplate" for s in plain.articles["sections"] for name, *_ in s
    )


def test_stories_from_one_template_are_not_boilerplate():
    texts = [f"Anna Berg said talks resume, item {i}.\n\nItem {i} details." for i in range(24)]
    titles = [f"Anna Berg said talks resume, item {i}." for i in range(24)]
    articles = pd.DataFrame({"article_id": [f"a{i}" for i in range(24)], "title": titles, "text": texts})
    assert boilerplate.find(articles)[0].empty


def test_no_mention_comes_from_boilerplate():
    from workbench.ner import mentions

    marked, _ = boilerplate.mark(_articles(30, signoff="Reuter"))
    found = mentions(marked, sentences=sentences(marked))
    assert "Reuter" not in set(found["surface"]) and not found["surface"].str.contains("Ana Pol|Bo Ek").any()
    plain = _articles(30, signoff="Reuter")
    assert "Reuter" in set(mentions(plain, sentences=sentences(plain))["surface"])  # without the marks it would be one


def _marked(articles, **options):
    """``mark`` without a cache: sections and patterns, in comparable form."""
    marked, patterns = boilerplate.mark(articles, **options)
    return marked["sections"].tolist(), patterns


def _mixed(n: int, seed: int) -> pd.DataFrame:
    """``n`` articles of three outlets (and some without one), with sign-offs, credits, copies and edge cases."""
    rng = random.Random(seed)
    outlets = ["Harbour Wire", "Porto Post", None, ""]
    signoffs = [
        "Harbour",
        "Reuter",
        "Copyright 1987 Porto Post. All rights reserved.",
        "Read more: porto.example/markets",
        "PORTO VELL (Harbour) - Dealers said so.",
    ]
    rows = []
    for i in range(n):
        body = _articles(1 + i % 30, credits=rng.random() < 0.5).loc[i % 30, "text"].rsplit("\n", 1)[0]
        text = "\n\n".join([body, *rng.sample(signoffs, rng.randint(0, 2))])
        if rows and rng.random() < 0.1:
            text = rng.choice(rows)["text"]  # an exact copy (marked duplicate_of below)
        title = rng.choice([None, "", "Markets", f"Item {i}", body.split("\n")[0]])
        rows.append({"article_id": f"m{i}", "outlet": rng.choice(outlets), "title": title, "text": text})
    articles = pd.DataFrame(rows).astype({"outlet": "string"})
    articles["duplicate_of"] = pd.Series(
        [articles["article_id"][articles["text"] == t].iloc[0] if (articles["text"] == t).idxmax() != i else None
         for i, t in enumerate(articles["text"])],
        dtype="string",
    )  # fmt: skip
    return articles


def test_the_search_finds_patterns_in_the_mixed_corpus():
    patterns, ranges = boilerplate.find(_mixed(200, 0))
    assert {"Harbour", "Reuter", "(Reporting by X; Editing by X)"} <= set(patterns["pattern"])
    assert sum(map(bool, ranges)) > 100


def test_patterns_sharing_one_hash_give_what_distinct_hashes_give(monkeypatch):
    corpus = _mixed(200, 3)
    expected_patterns, expected_ranges = boilerplate.find(corpus)
    monkeypatch.setattr(boilerplate_index, "key_hash", lambda key: len(key) % 3)  # many collisions
    patterns, ranges = boilerplate.find(corpus)
    pd.testing.assert_frame_equal(patterns, expected_patterns)
    assert ranges == expected_ranges


def test_candidates_parked_in_files_give_what_candidates_in_memory_give(tmp_path, monkeypatch, mapped_file):
    from workbench.staging import Staging

    corpus = _mixed(200, 4)
    expected = boilerplate.search(corpus)
    monkeypatch.setattr(boilerplate, "SPLIT_ROWS", 16)
    monkeypatch.setattr(boilerplate, "PARK_BYTES", 1)  # every block of candidates parked as it is split
    parked = []
    real = Staging.park
    monkeypatch.setattr(Staging, "park", lambda self, table: parked.append(len(table)) or real(self, table))
    patterns, ranges, index = boilerplate.search(corpus, staging=Staging(tmp_path))
    pd.testing.assert_frame_equal(patterns, expected[0])
    assert ranges == expected[1]
    assert index.entries.equals(expected[2].entries) and sum(parked) == index.entries.num_rows
    blocks = -(-len(index.signatures) // 16)  # the distinct articles (copies aside), 16 a block
    assert len(parked) == index.entries.column("key").num_chunks == blocks > 5
    files = {mapped_file(chunk.buffers()[2]) for chunk in index.entries.column("key").chunks}
    assert len(files) == blocks and all(".staged-" in f and f.endswith("(deleted)") for f in files)
    assert not list(tmp_path.iterdir())  # unlinked once mapped


def test_candidates_split_in_processes_give_what_one_process_gives(monkeypatch):
    from workbench import tables

    corpus = _mixed(200, 5)
    expected = boilerplate.search(corpus)
    monkeypatch.setattr(boilerplate, "SPLIT_ROWS", 16)
    monkeypatch.setattr(boilerplate, "SPLIT_PARALLEL_MIN", 0)
    pools = []
    real = tables.process_pool
    monkeypatch.setattr(tables, "process_pool", lambda n: pools.append(n) or real(n))
    patterns, ranges, index = boilerplate.search(corpus, n_jobs=2)
    assert pools == [2]
    pd.testing.assert_frame_equal(patterns, expected[0])
    assert ranges == expected[1]
    assert index.entries.equals(expected[2].entries) and index.entries.column("key").num_chunks > 5


def test_keys_counted_a_range_of_hashes_at_a_time_give_what_one_count_gives(monkeypatch):
    corpus = _mixed(300, 6)
    expected = boilerplate.find(corpus)
    ranges = []
    real = boilerplate._widespread
    monkeypatch.setattr(boilerplate, "RANGE_ENTRIES", 100)
    monkeypatch.setattr(
        boilerplate, "_widespread", lambda entries, *a: ranges.append(entries.num_rows / 100) or real(entries, *a)
    )
    patterns, found = boilerplate.find(corpus)
    pd.testing.assert_frame_equal(patterns, expected[0])
    assert found == expected[1] and ranges[0] > 8  # 16 ranges of hashes


def test_a_block_of_rows_reads_what_the_rows_hold():
    frame = pd.DataFrame({"text": pd.array(["a", None, "c", "d", "e"], dtype="string[pyarrow]")})
    assert boilerplate_index.block(frame, "text", [1, 2, 4]) == [None, "c", "e"]
    assert boilerplate_index.block(frame, "text", [4, 0]) == ["e", "a"]  # out of order: read as they come
    assert boilerplate_index.block(frame, "text", []) == []


@pytest.mark.parametrize("dead_share", [0.0, 1.0])  # the candidates of articles gone: dropped, or kept uncounted
@pytest.mark.parametrize("seed", range(6))
def test_articles_added_changed_and_removed_in_steps_give_what_one_search_gives(
    tmp_path, seed, dead_share, monkeypatch
):
    monkeypatch.setattr(boilerplate, "DEAD_SHARE", dead_share)
    if seed % 2:  # the keys of the index counted a range of hashes at a time (8 to 16 ranges here)
        monkeypatch.setattr(boilerplate, "RANGE_ENTRIES", 300)
    rng = random.Random(seed)
    pool = _mixed(240, seed)
    options = rng.choice([{}, {"min_articles": 3}, {"min_share": 0.1}])
    steps = 0
    for _ in range(5):  # a random subset each time: some articles added, some gone
        rows = sorted(rng.sample(range(len(pool)), rng.randint(40, len(pool))))
        articles = pool.iloc[rows].reset_index(drop=True)
        if rng.random() < 0.5:  # a changed file: new text (a sign-off more), a new title
            articles.loc[rng.randrange(len(articles)), "text"] += "\n\nReuter"
            articles.loc[rng.randrange(len(articles)), "title"] = "Changed"
        got = boilerplate.mark(articles, cache_dir=tmp_path, **options)
        want = _marked(articles, **options)
        assert got[0]["sections"].tolist() == want[0]
        pd.testing.assert_frame_equal(got[1], want[1])
        steps += not want[1].empty
    assert steps  # the comparisons covered some boilerplate


def test_a_warm_mark_reads_the_result_and_splits_no_article(tmp_path, monkeypatch):
    articles = _articles(30)
    first, patterns = boilerplate.mark(articles, cache_dir=tmp_path)
    assert (tmp_path / "boilerplate.json").exists() and len(list(tmp_path.glob("boilerplate.*"))) == 5
    monkeypatch.setattr(boilerplate, "_entries", lambda *a: pytest.fail("an article was split again"))
    again, cached = boilerplate.mark(articles, cache_dir=tmp_path)
    assert again["sections"].tolist() == first["sections"].tolist() and cached.equals(patterns)


def test_a_new_article_alone_is_split_and_counted_with_the_cached_ones(tmp_path, monkeypatch):
    articles = _articles(30)
    boilerplate.mark(articles.iloc[:29], cache_dir=tmp_path)
    split = []
    real = boilerplate._entries
    monkeypatch.setattr(boilerplate, "_entries", lambda text, title: split.append(text) or real(text, title))
    marked, patterns = boilerplate.mark(articles, cache_dir=tmp_path)
    assert split == [articles.loc[29, "text"]]
    assert marked["sections"].tolist() == _marked(articles)[0] and patterns["articles"].tolist() == [30, 30]
    split.clear()
    fewer, patterns = boilerplate.mark(articles.iloc[:28], cache_dir=tmp_path)  # removed: nothing to split
    assert split == [] and patterns["articles"].tolist() == [28, 28] and len(fewer) == 28


def test_a_cache_of_an_earlier_version_is_replaced(tmp_path):
    (tmp_path / "boilerplate-0123.patterns.parquet").write_bytes(b"old")
    boilerplate.mark(_articles(30), cache_dir=tmp_path)
    assert not list(tmp_path.glob("boilerplate-*"))


@pytest.mark.parametrize("name", ["patterns", "ranges", "signatures", "entries"])
def test_a_damaged_cache_file_warns_and_is_searched_again(tmp_path, name):
    articles = _articles(30)
    _, patterns = boilerplate.mark(articles, cache_dir=tmp_path)
    (path,) = tmp_path.glob(f"boilerplate.{name}.*")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))
    changed = articles.assign(text=articles["text"] + "\n") if name in ("signatures", "entries") else articles
    with pytest.warns(UserWarning, match="corrupt"):
        again, found = boilerplate.mark(changed, cache_dir=tmp_path)  # a change makes the index be read
    assert again["sections"].tolist() == _marked(changed)[0] and found.equals(patterns)


def test_an_unwritable_cache_warns_and_gives_the_result(tmp_path, monkeypatch):
    from workbench import cache as cachestore

    def full_disk(path, write):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cachestore, "write_atomic", full_disk)
    with pytest.warns(UserWarning, match="No space left"):
        _, patterns = boilerplate.mark(_articles(30), cache_dir=tmp_path)
    assert len(patterns) == 2


def test_a_load_after_files_are_added_changed_and_removed_marks_what_a_fresh_load_marks(
    folder, cache_dir, write_article, monkeypatch
):
    from workbench import load_corpus

    for i in range(12):
        write_article(folder, f"w{i:02d}", f"2031-03-{i + 1:02d}", body=f"{_TOPICS[i].title()} rose.\n\nReuter")
    load_corpus(folder)
    for i in range(12, 15):
        write_article(folder, f"w{i:02d}", f"2031-03-{i + 1:02d}", body=f"{_TOPICS[i].title()} rose.\n\nReuter")
    write_article(folder, "w03", "2031-03-04", body="Tin fell.\n\nReuter")
    (folder / "w05.txt").unlink()
    split = []
    real = boilerplate._entries
    monkeypatch.setattr(boilerplate, "_entries", lambda text, title: split.append(text) or real(text, title))
    again = load_corpus(folder)
    assert sorted(text.split("\n")[0] for text in split) == [
        "Barley rose.",
        "Platinum rose.",
        "Rice rose.",
        "Tin fell.",
    ]
    fresh = load_corpus(folder, cache=False)
    assert again.articles["sections"].tolist() == fresh.articles["sections"].tolist()
    pd.testing.assert_frame_equal(again.boilerplate, fresh.boilerplate)
    assert again.boilerplate.set_index("pattern").loc["Reuter", "articles"] == 14  # 12 + 3 - 1


@pytest.mark.parametrize("column", ["title", "outlet", "duplicate_of"])
def test_a_missing_column_counts_as_empty(column):
    articles = _mixed(120, 1)
    missing, empty = (
        boilerplate.find(articles.drop(columns=column)),
        boilerplate.find(articles.assign(**{column: None})),
    )
    pd.testing.assert_frame_equal(missing[0], empty[0])
    assert missing[1] == empty[1] and not missing[0].empty
