"""workbench.partials: analyses from the partitioned tables (issue 12, item 4) equal the in-memory ones.

Each analysis runs twice on the same cached corpus: once forced onto the partitioned path (counts
per partition, summed; ``STREAM_MIN_ARTICLES = 0``) and once on the in-memory path (the table held
whole), and the two results must be equal frame for frame.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import workbench
from workbench import load_corpus, partials, tables
from workbench.pairs import kinds_of
from workbench.reuse import copies, store
from workbench.tables import TABLES, TableSpec
from workbench.timelines import date_expressions, event_entities

ENTITIES = [
    ("Ada Quill", "PERSON"), ("Borduria", "GPE"), ("Zembla Mining", "ORG"), ("Cato Reyes", "PERSON"),
    ("Syldavia", "GPE"), ("Klow", "LOC"), ("Ottokar", "PERSON"), ("Vargas", "ORG"),
    ("Arden", "GPE"), ("arden", "PERSON"), ("Émile Zola", "PERSON"), ("Zulu Bank", "ORG"),
]  # fmt: skip
OUTLETS = ["Velmora Courier", "Northwind Wire", "Quillby Post"]


def _fake_mentions(articles: pd.DataFrame) -> pd.DataFrame:
    """Random mentions seeded by the article id: several sentences, repeated entities, an entity typed two ways."""
    rows = []
    for article_id in articles["article_id"]:
        seed = sum(ord(ch) * 31**i for i, ch in enumerate(str(article_id))) % 2**32
        rng = np.random.default_rng(seed)
        for k in range(int(rng.integers(0, 9))):
            name, kind = ENTITIES[int(rng.integers(0, len(ENTITIES)))]
            if name == "Vargas" and rng.random() < 0.5:
                kind = "PERSON"  # one entity with two types (ties in some partitions)
            rows.append((article_id, int(rng.integers(0, 4)), 10 * k, name, kind))
    frame = pd.DataFrame(rows, columns=["article_id", "sentence", "start", "entity", "type"])
    return frame.astype(
        {"article_id": "string", "sentence": "int32", "start": "int64", "entity": "string", "type": "string"}
    )


SOURCES = [
    ("Ada Quill", "Ada Quill", "person"), ("analysts", None, "anonymous"), ("Analysts", None, "anonymous"),
    ("the Company", None, None), ("Borduria", "Borduria", "government"), ("Reuters", "Reuters", "outlet"),
]  # fmt: skip


QUOTES = [
    "we will rebuild the northern bridge before the winter comes",
    "nobody in this government has ever seen such a budget",
    "the mine will stay open as long as the workers want",
]  # long enough (8 words) to be followed across articles by workbench.reuse


def _fake_attributions(articles: pd.DataFrame) -> pd.DataFrame:
    """Random attributions seeded by the article id: text rows (described sources spelled two ways, NA kinds)
    and credit rows (the publishing outlet, wires)."""
    from workbench.attribution import ATTRIBUTION_COLUMNS

    rows = []
    for article_id in articles["article_id"]:
        rng = np.random.default_rng(sum(ord(ch) * 7**i for i, ch in enumerate(str(article_id))) % 2**32)
        rows.append({"article_id": article_id, "level": "header", "source": "Velmora Courier", "cue": "published"})
        if rng.random() < 0.5:
            wire = ["Reuters", "AP"][int(rng.integers(0, 2))]
            rows.append({"article_id": article_id, "level": ["metadata", "dateline"][int(rng.integers(0, 2))],
                         "source": wire, "cue": "wire"})  # fmt: skip
        for k in range(int(rng.integers(0, 6))):
            source, entity, kind = SOURCES[int(rng.integers(0, len(SOURCES)))]
            quoted = rng.random() < 0.7
            rows.append({"article_id": article_id, "level": "text", "sentence": k, "source": source,
                         "source_entity": entity, "source_kind": kind, "cue": "said",
                         "content": f"words {k} {QUOTES[k % 3]}" if quoted else None,
                         "content_start": 10 * k if quoted else None,
                         "direct": bool(rng.random() < 0.5) if quoted else None})  # fmt: skip
    frame = pd.DataFrame.from_records(rows, columns=list(ATTRIBUTION_COLUMNS))
    return frame.astype(ATTRIBUTION_COLUMNS)


@pytest.fixture
def fake_mentions():
    saved = TABLES["mentions"], TABLES["attributions"]
    TABLES["mentions"] = TableSpec(f"{__name__}:_fake_mentions")
    TABLES["attributions"] = TableSpec(f"{__name__}:_fake_attributions")
    yield
    TABLES["mentions"], TABLES["attributions"] = saved


@pytest.fixture
def corpus_dir(tmp_path, write_article):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i in range(40):
        month, day = 1 + i % 4, 1 + (7 * i) % 27
        write_article(folder, f"art{i:02d}", f"2031-{month:02d}-{day:02d}", outlet=OUTLETS[i % 3])
    write_article(folder, "undated", "someday")  # no publication date
    (folder / "no-outlet.txt").write_text("date 2031-02-03 A fictional event happened.\n\nDetails: none.\n")
    return folder


@pytest.fixture
def two_paths(corpus_dir, cache_dir, monkeypatch, fake_mentions):
    """``run(function, *args, **options) -> (partitioned result, in-memory result)`` on one cached corpus."""
    return _two_paths(corpus_dir, monkeypatch)


@pytest.fixture
def copies_dir(tmp_path, write_article):
    """40 articles of 3 outlets whose bodies repeat one of 5 stories of 80 words (plus a sentence of their own)."""
    folder = tmp_path / "copies"
    folder.mkdir()
    words = ["river", "council", "bridge", "winter", "budget", "mine", "workers", "harbour", "election", "ferry"]
    stories = [" ".join(words[(s * 7 + 3 * i) % len(words)] + f"{i % 13}" for i in range(80)) for s in range(5)]
    for i in range(40):
        body = f"{stories[i % 5]}. Reported by desk {i} of the paper."
        write_article(folder, f"art{i:02d}", f"2031-{1 + i % 4:02d}-{1 + (7 * i) % 27:02d}", OUTLETS[i % 3], body)
    return folder


@pytest.fixture
def copies_paths(copies_dir, cache_dir, monkeypatch, fake_mentions):
    """:func:`two_paths` on :func:`copies_dir`."""
    return _two_paths(copies_dir, monkeypatch)


def _two_paths(corpus_dir, monkeypatch):
    monkeypatch.setattr(tables, "PARTITION_ARTICLES", 4)
    monkeypatch.setattr(partials, "STREAM_MIN_ARTICLES", 0)  # every corpus with a cache streams...
    held = load_corpus(corpus_dir)
    held.table("mentions"), held.table("attributions")  # ...unless the table is in memory already
    streaming = load_corpus(corpus_dir)
    assert not partials.streamed(held, "mentions") and partials.streamed(streaming, "mentions")

    def run(function, *args, **options):
        streamed = function(streaming, *args, **options)
        assert not streaming._tables  # nothing held whole
        return streamed, function(held, *args, **options)

    run.corpus = streaming
    return run


def test_partitioned(two_paths):
    assert (len(two_paths.corpus), two_paths.corpus.level) == (42, 4)  # 16 partitions of about 3 articles


@pytest.mark.parametrize("level", ["article", "sentence"])
@pytest.mark.parametrize("options", [{}, {"min_count": 1}, {"types": "PERSON,ORG", "top_n": 5}, {"min_count": 3}])
def test_cooccurrence_equal(two_paths, level, options):
    for measure in ("count", "pmi", "npmi", "jaccard"):
        streamed, held = two_paths(workbench.cooccurrence, level=level, measure=measure, **options)
        assert len(held)
        pd.testing.assert_frame_equal(streamed, held)


@pytest.mark.parametrize("level", ["article", "sentence"])
def test_cooccurrence_per_period_equal(two_paths, level):
    for freq in ("W", "M"):
        streamed, held = two_paths(workbench.cooccurrence, level=level, freq=freq, min_count=1, top_n=4)
        assert held["period"].nunique() > 2
        pd.testing.assert_frame_equal(streamed, held)


def test_partners_equal(two_paths):
    for entity in ("Ada Quill", "Vargas", "Nobody", None):
        for options in ({}, {"level": "sentence", "measure": "pmi"}, {"types": "GPE,ORG", "min_count": 1}):
            streamed, held = two_paths(workbench.partners, entity, **options)
            pd.testing.assert_frame_equal(streamed, held)


def test_frequencies_equal(two_paths):
    for options in ({}, {"measure": "articles"}, {"types": "ORG", "top_n": 2}, {"types": "FAC"}):
        streamed, held = two_paths(workbench.frequencies, **options)
        pd.testing.assert_frame_equal(streamed, held)
        assert len(held) or options == {"types": "FAC"}


def test_type_ties_go_to_the_type_seen_first_in_article_order():
    # partition 1 (read first) holds the later article; the whole table would see "ORG" first (article x0)
    whole = pd.DataFrame(
        {"article_id": ["x0", "x0", "x1", "x1", "x2"], "entity": ["V", "W", "V", "W", "W"],
         "type": ["ORG", "GPE", "PERSON", "PERSON", "PERSON"]}
    )  # fmt: skip
    positions = partials.article_positions(pd.DataFrame({"article_id": ["x0", "x1", "x2"]}))
    entities = partials.Codes()
    votes = partials.TypeVotes(entities, positions)
    for part in (whole.iloc[2:], whole.iloc[:2]):
        local, names = pd.factorize(part["entity"])
        votes.add(entities.of(names)[local], part["type"], part["article_id"])
    names, rank = entities.sorted()
    codes, expected_names = pd.factorize(whole["entity"], sort=True)
    assert list(names) == list(expected_names)
    assert list(votes.kinds(rank)) == list(kinds_of(codes, whole["type"], len(expected_names))) == ["ORG", "PERSON"]


def test_no_mentions_both_paths(two_paths):
    for function in (workbench.cooccurrence, workbench.frequencies):
        streamed, held = two_paths(function, types="FAC")
        assert not len(held)
        pd.testing.assert_frame_equal(streamed, held)


def test_timeline_equal(two_paths):
    for by in ("entity", "type", None, "outlet"):
        for options in ({}, {"freq": "W", "normalize": True, "top_n": 3}, {"groups": ["ada quill", "Klow"]}):
            if options.get("groups") and by != "entity":
                continue
            streamed, held = two_paths(workbench.timeline, by=by, **options)
            assert len(held)
            pd.testing.assert_frame_equal(streamed, held)
            assert streamed.attrs == held.attrs


def test_sources_equal(two_paths):
    assert two_paths.corpus.articles["outlet"].isna().any()
    for kinds in (None, "anonymous,unknown"):
        for name in ("sources_by_outlet", "kinds_by_outlet", "citation_flows", "top_sources", "attribution_over_time"):
            streamed, held = two_paths(getattr(workbench, name), kinds=kinds)
            assert len(held), name
            pd.testing.assert_frame_equal(streamed, held, obj=name)
    for options in ({}, {"focus": "analysts"}, {"direct_only": True}):
        streamed, held = two_paths(workbench.quotes, **options)
        assert len(held)
        pd.testing.assert_frame_equal(streamed, held)
        for top_n in (1, 7, len(held) + 1):  # the first rows of all, from each partition's first rows
            first, first_held = two_paths(workbench.quotes, **options, top_n=top_n)
            pd.testing.assert_frame_equal(first, held.head(top_n))
            pd.testing.assert_frame_equal(first_held, held.head(top_n))
            assert first.attrs["rows"] == first_held.attrs["rows"] == len(held)
    streamed, held = two_paths(workbench.upstream)
    pd.testing.assert_frame_equal(streamed, held)
    assert set(held["upstream"]) == {"Reuters", "AP"}
    streamed, held = two_paths(workbench.timeline, by="source", freq="M")
    pd.testing.assert_frame_equal(streamed, held)
    assert {"Analysts", "analysts"} & set(held["group"])


def _graph_frames(g) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A graph's nodes and edges (with their attributes) as tables, in the graph's order."""
    nodes = pd.DataFrame([{"node": n, **data} for n, data in g.nodes(data=True)])
    edges = pd.DataFrame([{"a": a, "b": b, **data} for a, b, data in g.edges(data=True)])
    return nodes, edges


@pytest.mark.parametrize("level", ["article", "sentence"])
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"top_n": 5},
        {"types": "PERSON,ORG", "top_n": 4, "measure": "jaccard", "min_count": 1},
        {"min_count": 1, "top_n": 6},
    ],
)
def test_graph_equal(two_paths, level, options):
    streamed, held = two_paths(workbench.graph, level=level, **options)
    assert held.number_of_edges()
    for s, h in zip(_graph_frames(streamed), _graph_frames(held), strict=True):
        pd.testing.assert_frame_equal(s, h)
    pd.testing.assert_frame_equal(workbench.centrality(streamed), workbench.centrality(held))


def test_evidence_equal(two_paths, monkeypatch):
    for level, measure in (("sentence", "count"), ("article", "npmi")):
        pairs = workbench.cooccurrence(two_paths.corpus, level=level, measure=measure, min_count=1)
        for options in ({}, {"top_n": 3, "per_pair": 1}, {"top_n": 0}):
            streamed, held = two_paths(workbench.evidence_table, pairs, measure=measure, **options)
            assert len(held) or options.get("top_n") == 0
            pd.testing.assert_frame_equal(streamed, held)
    for a, b in (("Ada Quill", "Vargas"), ("Klow", "Nobody")):
        for top_n in (None, 2):
            streamed, held = two_paths(workbench.evidence, a, b, top_n=top_n)
            pd.testing.assert_frame_equal(streamed, held)
    # the sentences are read for the articles shown only
    converted = []
    read = tables._read_cached_table

    def counting(store, keys=None, **options):
        result = read(store, keys, **options)
        converted.append((Path(store).name, len(result[0]) if result else 0))
        return result

    monkeypatch.setattr(tables, "_read_cached_table", counting)
    streamed, held = two_paths(workbench.evidence, "Ada Quill", "Vargas", top_n=2)
    assert len(held) == 2
    sentences = sum(n for name, n in converted if name.startswith("sentences"))
    everything = sum(len(p) for p in load_corpus(two_paths.corpus.root).table_partitions("sentences"))
    assert 0 < sentences <= everything / 4  # the two articles shown (of 42), not every sentence


def test_reuse_equal(copies_paths, monkeypatch):
    monkeypatch.setattr(store, "STORE", False)  # each path computes its copies (the store would share them)
    calls = [
        ("copy_origins", {}), ("copy_origins", {"partial": True}), ("copy_flows", {"min_count": 1}),
        ("stories", {}), ("story_articles", {}), ("shared_texts", {"top_n": 5}),
        ("quote_appearances", {}), ("travelling_quotes", {"top_n": None}),
    ]  # fmt: skip
    for name, options in calls:
        streamed, held = copies_paths(getattr(workbench, name), **options)
        assert len(held), name
        pd.testing.assert_frame_equal(streamed, held, obj=name)
    streamed, held = copies_paths(workbench.describe_copies)
    assert streamed == held
    whole = load_corpus(copies_paths.corpus.root)
    expected = copies(whole.articles, attributions=whole.attributions, n_jobs=1)  # every attribution row
    pd.testing.assert_frame_equal(copies_paths.corpus.copies, expected)
    assert expected["credited"].any() and not expected["credited"].all()  # credit rows (a wire's name) count
    # ... and the credit rows kept are those naming an outlet of the corpus, not every name at those levels
    from workbench.reuse.copying import CREDIT_LEVELS, _key, credit_rows

    kept = credit_rows(whole)
    outlets = {_key(name) for name in whole.articles["outlet"].dropna()}
    assert len(kept) and all(
        {_key(e), _key(s)} & outlets for e, s in zip(kept["source_entity"], kept["source"], strict=True)
    )
    at_level = whole.attributions[whole.attributions["level"].isin(CREDIT_LEVELS)]
    assert len(kept) < len(at_level.dropna(subset=["source"]))


@pytest.mark.shared
@pytest.mark.slow
def test_polnear_both_paths_equal(polnear_dir, cache_dir, monkeypatch):
    """Every analysis of PolNeAR (924 articles in 8 partitions) equal on the two paths."""
    monkeypatch.setattr(tables, "PARTITION_ARTICLES", 128)
    monkeypatch.setattr(partials, "STREAM_MIN_ARTICLES", 0)
    held = load_corpus(polnear_dir)
    for name in ("sentences", "mentions", "attributions", "dates"):
        held.table(name)
    streaming = load_corpus(polnear_dir)
    assert streaming.level == 3 and partials.streamed(streaming, "mentions")
    top = workbench.frequencies(held, top_n=1)["entity"].iloc[0]
    calls = [
        ("cooccurrence", (), {}),
        ("cooccurrence", (), {"level": "sentence", "measure": "npmi", "types": "PERSON,ORG"}),
        ("cooccurrence", (), {"freq": "M", "top_n": 20}),
        ("partners", (top,), {"level": "sentence", "measure": "pmi"}),
        ("frequencies", (), {"measure": "articles"}),
        ("timeline", (), {"by": "entity", "freq": "W"}),
        ("timeline", (), {"by": "source", "freq": "M", "normalize": True}),
        ("sources_by_outlet", (), {"top_n": 5}),
        ("kinds_by_outlet", (), {}),
        ("citation_flows", (), {}),
        ("top_sources", (), {"top_n": None}),
        ("attribution_over_time", (), {"freq": "M"}),
        ("upstream", (), {}),
        ("quotes", (), {"kinds": "person"}),
        ("lags", (), {}),
        ("events", (), {}),
        ("events", (), {"entity": top, "types": "PERSON,GPE"}),
        ("events", (), {"text": False}),
        ("date_expressions", (), {}),
    ]
    for name, args, options in calls:
        function = getattr(workbench, name, None) or {"date_expressions": date_expressions}[name]
        expected = function(held, *args, **options)
        assert len(expected), name
        pd.testing.assert_frame_equal(function(streaming, *args, **options), expected, obj=name)
    assert not streaming._tables
    every = workbench.events(streaming)
    pd.testing.assert_frame_equal(workbench.events(streaming, text=False), every.drop(columns="sentence_text"))
    counts = every["entity"].value_counts()  # the report's choice of an entity, counted without every event
    assert counts.nunique() < len(counts)  # ties, which each entity's first event decides
    pd.testing.assert_series_equal(event_entities(streaming), counts)
    pd.testing.assert_series_equal(event_entities(held), counts)
    # the calls of the report notebooks that read whole tables before (issue 12, item 4)
    for options in ({"level": "sentence", "min_count": 3, "top_n": 15}, {"measure": "npmi", "top_n": 10}):
        streamed_graph, held_graph = workbench.graph(streaming, **options), workbench.graph(held, **options)
        assert held_graph.number_of_edges()
        for s, h in zip(_graph_frames(streamed_graph), _graph_frames(held_graph), strict=True):
            pd.testing.assert_frame_equal(s, h)
    pairs = workbench.cooccurrence(held, level="sentence", min_count=3)
    expected = workbench.evidence_table(held, pairs, top_n=25)
    assert len(expected) == 25
    pd.testing.assert_frame_equal(workbench.evidence_table(streaming, pairs, top_n=25), expected)
    monkeypatch.setattr(store, "STORE", False)  # each path computes its copies
    for name, options in (("copy_flows", {"min_count": 1}), ("stories", {}), ("travelling_quotes", {"top_n": None})):
        expected = getattr(workbench, name)(held, **options)
        assert len(expected), name
        pd.testing.assert_frame_equal(getattr(workbench, name)(streaming, **options), expected, obj=name)
    assert not streaming._tables


def test_filtered_corpus_reads_only_its_rows(two_paths, monkeypatch):
    converted = []
    read = tables._read_cached_table

    def counting(store, keys=None, **options):
        result = read(store, keys, **options)
        converted.append(len(result[0]) if result else 0)
        return result

    monkeypatch.setattr(tables, "_read_cached_table", counting)
    everything = sum(len(p) for p in load_corpus(two_paths.corpus.root).table_partitions("mentions"))
    converted.clear()
    options = {"start": "2031-02-01", "end": "2031-03-31", "outlets": ["Northwind Wire", "Quillby Post"]}
    for entities in (None, ["Ada Quill", "klow"]):
        streamed, held = two_paths(lambda corpus, e=entities: corpus.filter(**options, entities=e))
        assert 0 < len(streamed) == len(held) < len(two_paths.corpus)
        pd.testing.assert_frame_equal(streamed.articles, held.articles)
        converted.clear()
        rows = list(streamed.table_partitions("mentions"))
        pd.testing.assert_frame_equal(
            pd.concat(rows).sort_values(["article_id", "start"]).reset_index(drop=True),
            held.mentions.sort_values(["article_id", "start"]).reset_index(drop=True),
        )
        assert 0 < sum(converted) == len(held.mentions) < everything / 2  # only the kept articles' rows
        for function, kwargs in ((workbench.cooccurrence, {"min_count": 1}), (workbench.top_sources, {})):
            pd.testing.assert_frame_equal(function(streamed, **kwargs), function(held, **kwargs))


def test_events_and_lags_without_dates_both_paths(two_paths):
    for function in (workbench.events, workbench.lags, date_expressions):
        streamed, held = two_paths(function)
        assert not len(held)
        pd.testing.assert_frame_equal(streamed, held)


def test_quote_appearances_read_back_from_the_store_equal(copies_paths, monkeypatch):
    from workbench.reuse import quotations

    corpus = copies_paths.corpus
    monkeypatch.setattr(store, "STORE", False)
    expected = workbench.quote_appearances(corpus)
    assert len(expected) and expected["cites_first_outlet"].notna().any()
    monkeypatch.setattr(store, "STORE", True)
    first = workbench.quote_appearances(corpus)
    assert len(list((corpus.cache_dir / "cross").glob("quote-appearances-*.parquet"))) == 1

    def never(*args, **kwargs):
        raise AssertionError("quote appearances computed again")

    monkeypatch.setattr(quotations, "_appearances", never)
    for frame in (first, workbench.quote_appearances(load_corpus(corpus.root))):  # the second one read back
        pd.testing.assert_frame_equal(frame, expected)
    pd.testing.assert_frame_equal(
        workbench.travelling_quotes(load_corpus(corpus.root), top_n=None),
        workbench.travelling_quotes(corpus, top_n=None),
    )
    with pytest.raises(AssertionError, match="computed again"):
        workbench.quote_appearances(corpus, min_count=3)  # another option: its own file


def test_partitions_kept_for_the_next_analysis(two_paths, monkeypatch):
    corpus = two_paths.corpus
    reads = []
    original = type(corpus).table_partitions

    def counting(self, name, columns=None):
        reads.append(name)
        yield from original(self, name, columns)

    monkeypatch.setattr(type(corpus), "table_partitions", counting)
    counts, pairs = workbench.frequencies(corpus), workbench.cooccurrence(corpus, min_count=1)
    assert reads == ["mentions"]  # the second analysis reads the partitions the first one kept
    for _ in range(2):
        pd.testing.assert_frame_equal(workbench.cooccurrence(corpus, min_count=1), pairs)
        pd.testing.assert_frame_equal(workbench.frequencies(corpus, top_n=3), counts.head(3))  # counts kept too
    assert reads == ["mentions"]
    monkeypatch.setattr(partials, "MEMO_COLUMNS", {"mentions": ("article_id", "entity", "type")})
    fewer = load_corpus(corpus.root)
    pd.testing.assert_frame_equal(workbench.frequencies(fewer), counts)  # read, its three columns kept
    whole = list(partials.partitions(fewer, "mentions", ["article_id", "entity"]))  # kept
    assert reads == ["mentions"] * 2 and all(list(part.columns) == ["article_id", "entity", "type"] for part in whole)
    pd.testing.assert_frame_equal(workbench.cooccurrence(fewer, min_count=1), pairs)  # needs sentences: read
    assert reads == ["mentions"] * 3
    monkeypatch.setattr(partials, "MEMO_BYTES", 1)  # nothing fits: every analysis reads the table
    other = load_corpus(corpus.root)
    pd.testing.assert_frame_equal(workbench.frequencies(other), counts)
    pd.testing.assert_frame_equal(workbench.cooccurrence(other, min_count=1), pairs)
    assert reads == ["mentions"] * 5


def test_timeline_of_groups_counts_only_them(two_paths):
    for by, groups in (("entity", ["ada quill", "Klow", "Nobody"]), ("type", "person"), ("outlet", ["Quillby Post"])):
        every, _ = two_paths(workbench.timeline, by=by, top_n=None, freq="W")
        chosen, held = two_paths(workbench.timeline, by=by, groups=groups, freq="W")
        wanted = {g.casefold() for g in ([groups] if isinstance(groups, str) else groups)}
        expected = every[every["group"].str.casefold().isin(wanted)].reset_index(drop=True)
        assert len(expected)
        pd.testing.assert_frame_equal(chosen, expected)
        pd.testing.assert_frame_equal(held, expected)


def test_partitions_read_only_the_columns_asked_for(two_paths, monkeypatch):
    corpus = two_paths.corpus
    whole = list(corpus.table_partitions("attributions"))  # computed and cached, every column
    assert len(whole) > 1
    wanted = ["source_kind", "article_id", "content"]
    read = []
    original = tables.pq.read_table

    def reading(path, *args, columns=None, **kwargs):
        if ".rows." in Path(path).name and Path(path).name.startswith("attributions"):
            read.append(columns)
        return original(path, *args, columns=columns, **kwargs)

    monkeypatch.setattr(tables.pq, "read_table", reading)
    again = load_corpus(corpus.root)
    parts = list(again.table_partitions("attributions", columns=wanted))
    assert [list(p.columns) for p in parts] == [["article_id", "source_kind", "content"]] * len(whole)  # table order
    for part, full in zip(parts, whole, strict=True):
        pd.testing.assert_frame_equal(part, full[["article_id", "source_kind", "content"]])
    assert read and all(set(c) == {"article_id", "source_kind", "content", "sentence", "start", "_key"} for c in read)
    # a partition its cache does not cover is computed, then given with the same columns
    uncached = load_corpus(corpus.root, cache=False)
    assert [list(p.columns) for p in uncached.table_partitions("attributions", columns=wanted)] == [
        ["article_id", "source_kind", "content"]
    ]
    # the memo of partials keeps the columns read and widens them when a pass needs more
    assert next(list(p.columns) for p in partials.partitions(again, "attributions", ["article_id"])) == ["article_id"]
    with_kinds = list(partials.parts(again, "attributions", ["article_id", "source_kind"]))
    for part, full in zip(with_kinds, whole, strict=True):
        pd.testing.assert_frame_equal(part, full[["article_id", "source_kind"]])


def test_event_entities_count_the_events_in_their_order(two_paths):
    streamed, held = two_paths(event_entities)  # (PolNeAR's events: test_polnear_both_paths_equal)
    every = workbench.events(two_paths.corpus, text=False)["entity"].value_counts()
    pd.testing.assert_series_equal(streamed, every)
    pd.testing.assert_series_equal(held, every)
    by_type, _ = two_paths(event_entities, types="PERSON")
    pd.testing.assert_series_equal(
        by_type, workbench.events(two_paths.corpus, text=False, types="PERSON")["entity"].value_counts()
    )


def test_a_table_bound_not_to_fit_is_not_kept_from_its_first_partition_on(two_paths, monkeypatch):
    """A pass keeps a table's partitions only while they are projected to fit in MEMO_BYTES (their size so
    far per article, times the corpus's articles): a large table is not held up to the limit and then dropped."""
    import gc
    import weakref

    corpus = two_paths.corpus
    sizes = [int(part.memory_usage(deep=True).sum()) for part in corpus.table_partitions("attributions")]
    assert len(sizes) > 2

    def first_kept_while_the_second_is_read(limit: int) -> tuple[bool, object]:
        monkeypatch.setattr(partials, "MEMO_BYTES", limit)
        other = load_corpus(corpus.root)
        reading = partials.partitions(other, "attributions")
        first = weakref.ref(next(reading))
        next(reading)
        gc.collect()
        alive = first() is not None
        assert len(list(reading)) == len(sizes) - 2
        return alive, other.__dict__.get("_partitions_memo")

    # the first two partitions fit, the table does not: neither is held while the pass goes on
    assert first_kept_while_the_second_is_read(sizes[0] + sizes[1] + 1) == (False, {})
    alive, memo = first_kept_while_the_second_is_read(sum(sizes) * 2)  # the whole table fits: kept
    assert alive and len(memo) == 1
