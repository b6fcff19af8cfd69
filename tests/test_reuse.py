"""Who copies whom (workbench.reuse): fictional articles, one edge case each, in -> expected rows."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from workbench import config, load_corpus
from workbench.reuse import candidates, shingles
from workbench.reuse.copying import copies

# A fictional story (town, people and outlets invented for these tests), eight paragraphs.
BRIDGE = [
    "Lakeview council approves the new footbridge over the Marrow river after a long night of debate.",
    "The council of the fictional town of Lakeview voted seven to four on Tuesday evening to build a wooden "
    "footbridge across the Marrow river, ending a dispute that has divided the riverside districts for three years.",
    "Mayor Orla Penhallow told the packed chamber that the bridge would link the old market with the new school "
    "and spare hundreds of children a daily detour of almost two kilometres along the busy ring road.",
    "Opponents led by councillor Bram Oakhurst argued that the budget of four million crowns should rather go to "
    "repairing the flood walls, which engineers warned last spring were cracking in at least six places.",
    "Construction is expected to begin in early autumn and to last eighteen months, according to the town engineer, "
    "who said the first piles would be driven into the riverbed once the summer rowing season is over.",
    "Residents of the eastern bank, many of whom attended the meeting wearing green ribbons, cheered when the "
    "result was read out, while a smaller group outside held banners demanding that the walls come first.",
    '"We have waited for this crossing since our grandparents were children, and now our own children will finally '
    'walk to school in ten minutes instead of forty," said Ilse Varga, who runs a bakery by the old market.',
    "The regional water authority has not yet said whether it will share the cost of the flood wall repairs, "
    "which the council has promised to discuss again at its next session in the second week of May.",
]
# The same event told in other words: no sentence in common.
BRIDGE_RETOLD = [
    "Green ribbons and a narrow vote: Lakeview gets its river crossing.",
    "After three years of quarrels, Lakeview's elected members narrowly backed plans on Tuesday for a timber "
    "walkway spanning the Marrow, with four of them voting against the scheme put forward by the mayor.",
    "Supporters say pupils living east of the water currently face a forty minute trek around the ring road; "
    "critics, headed by Bram Oakhurst, want the money spent on crumbling flood defences instead.",
    "Work should start in the autumn. The town's engineering office estimates a year and a half of building, "
    "and the water authority has still given no answer on funding the defences.",
]
QUOTE = BRIDGE[6]
# A different fictional article that quotes the same paragraph.
MARKET = [
    "Bakers of the old market count on more customers once the river crossing opens.",
    "Shopkeepers around the old market square in Lakeview expect a busier trade next year, when families from "
    "the eastern bank will be able to reach the stalls on foot instead of driving around through the ring road.",
    QUOTE,
    "The market association plans a small festival for the opening day, with music, a parade of school bands "
    "and free bread rolls for the first five hundred visitors to cross the river on foot.",
    "Stallholders also asked the council for more benches and a covered bicycle shelter near the fountain, "
    "a request that the mayor's office said it would consider during the budget talks this winter.",
]


def text(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def change_words(body: str, share: float, seed: int = 0) -> str:
    """Replace ``share`` of the words with other (fictional) words."""
    rng = random.Random(seed)
    tokens = body.split(" ")
    for i in rng.sample(range(len(tokens)), int(len(tokens) * share)):
        tokens[i] = f"zq{rng.randrange(10**6)}"
    return " ".join(tokens)


def articles(*rows: tuple) -> pd.DataFrame:
    """``(article_id, day, outlet, text[, via[, sections]])`` rows as an articles frame."""
    frame = pd.DataFrame(
        {
            "article_id": [r[0] for r in rows],
            "published": pd.to_datetime([r[1] for r in rows], format="ISO8601"),
            "outlet": [r[2] for r in rows],
            "text": [r[3] for r in rows],
            "via": [r[4] if len(r) > 4 else [] for r in rows],
            "credit": [None] * len(rows),
            "sections": [r[5] if len(r) > 5 else [] for r in rows],
        }
    )
    return frame


ORIGINAL = ("orig", "2030-05-01 08:00", "Lakeview Ledger", text(BRIDGE))


def one_pair(later_text: str, **kwargs) -> pd.DataFrame:
    return copies(articles(ORIGINAL, ("copy", "2030-05-01 14:30", "Harbour Gazette", later_text)), **kwargs)


# -- shingles and candidates ----------------------------------------------------------------


def test_words_ignore_case_punctuation_and_typographic_quotes():
    a = shingles.words(["\u201cWe have waited\u201d \u2014 said Ilse.", '"we HAVE waited" - said ilse'])
    assert a.of(0).tolist() == a.of(1).tolist() and len(a.of(0)) == 5


def test_words_offsets_point_into_each_text_and_handle_other_scripts():
    texts = ["Київ і Львів", "a b"]
    w = shingles.words(texts)
    starts = [texts[0].encode()[s:e].decode() for s, e in zip(w.start[:3], w.end[:3], strict=True)]
    assert starts == ["Київ", "і", "Львів"] and w.offsets.tolist() == [0, 3, 5]


def test_excluded_ranges_drop_words():
    body = "keep these words. drop these words."
    w = shingles.words([body], exclude=[[(18, len(body))]])
    assert len(w.of(0)) == 3


def test_candidates_find_a_copy_and_skip_unrelated_text():
    pairs = candidates.candidate_pairs([text(BRIDGE), text(BRIDGE_RETOLD), change_words(text(BRIDGE), 0.1)])
    assert pairs[["left", "right"]].values.tolist() == [[0, 2]]


def test_pairs_from_keys_pairs_a_crowded_bucket_with_its_first_article_only():
    keys = np.full(5, 7, dtype=np.uint64)
    pairs = candidates.pairs_from_keys(keys, np.arange(5), max_bucket=3)
    assert pairs[["left", "right"]].values.tolist() == [[0, 1], [0, 2], [0, 3], [0, 4]]


def test_candidates_do_not_depend_on_partitions_or_processes(monkeypatch):
    texts = [
        text(BRIDGE),
        text(BRIDGE_RETOLD),
        text(MARKET),
        *(change_words(text(BRIDGE), 0.1, seed=k) for k in range(5)),
    ]
    one = candidates.candidate_pairs(texts)
    assert candidates.candidate_pairs(texts, partition=3).equals(one)
    monkeypatch.setattr(candidates, "PARALLEL_MIN_TEXTS", 0)
    assert candidates.candidate_pairs(texts, partition=2, n_jobs=2).equals(one)


@pytest.mark.parametrize("range_bits", [1, 6])
def test_band_keys_gathered_in_files_by_range_give_the_same_candidates(monkeypatch, range_bits):
    import tempfile

    texts = [text(BRIDGE), text(MARKET), *(change_words(text(BRIDGE), 0.1, seed=k) for k in range(6))]
    texts += [text([QUOTE, *MARKET[2:]]), *(change_words(text(MARKET), 0.05, seed=k) for k in range(3))]
    one = candidates.candidate_pairs(texts)
    assert len(one) > 10
    monkeypatch.setattr(candidates, "KEYS_IN_MEMORY", 1)  # every partition's keys go to the files
    monkeypatch.setattr(candidates, "RANGE_BITS", range_bits)
    files = []
    real = tempfile.TemporaryFile
    monkeypatch.setattr(tempfile, "TemporaryFile", lambda **kw: files.append(real(**kw)) or files[-1])
    monkeypatch.setattr(candidates, "CHUNK_PAIRS", 1)  # counts summed as they come: a pair stands in many ranges
    summed, real_summed = [], candidates._summed
    monkeypatch.setattr(
        candidates, "_summed", lambda codes, counts: summed.append(len(codes)) or real_summed(codes, counts)
    )
    assert candidates.candidate_pairs(texts, partition=2).equals(one)
    assert len(files) == 2**range_bits and all(f.closed for f in files)
    assert max(summed) <= 2  # never the pairs of every range at once


def test_band_keys_spill_into_the_folder_given(monkeypatch, tmp_path, cache_dir, folder, write_article):
    """The corpus's copies spill into its cache folder (on disk), not the system's temporary folder (often
    a tmpfs, that is memory)."""
    import tempfile

    from workbench import load_corpus

    monkeypatch.setattr(candidates, "KEYS_IN_MEMORY", 1)
    folders = []
    real = tempfile.TemporaryFile
    monkeypatch.setattr(tempfile, "TemporaryFile", lambda **kw: folders.append(kw.get("dir")) or real(**kw))
    texts = [text(BRIDGE), text(MARKET), change_words(text(BRIDGE), 0.1, seed=1)]
    candidates.candidate_pairs(texts, spill=tmp_path / "spill")
    assert set(folders) == {tmp_path / "spill"}
    folders.clear()
    write_article(folder, "bridge", "2031-03-01", body=text(BRIDGE))
    corpus = load_corpus(folder)
    assert corpus.copies is not None
    assert folders and set(folders) == {corpus.cache_dir}


# -- the copies table: one fictional case each ------------------------------------------------


@pytest.mark.parametrize(
    ("case", "later_text", "kind"),
    [
        ("exact copy", text(BRIDGE), "exact"),
        ("exact copy, other line breaks and case", text(BRIDGE).upper().replace("\n\n", "\n"), "exact"),
        (
            "rewritten headline",
            text(["Footbridge row ends: Lakeview says yes to Marrow crossing.", *BRIDGE[1:]]),
            "near",
        ),
        ("dropped paragraphs", text([BRIDGE[0], BRIDGE[1], BRIDGE[2], BRIDGE[4], BRIDGE[6]]), "near"),
        ("reordered paragraphs", text([BRIDGE[0], BRIDGE[3], BRIDGE[1], BRIDGE[2], *BRIDGE[4:]]), "near"),
        (
            "added boilerplate",
            text(
                [*BRIDGE, "Follow the Harbour Gazette on every social network and subscribe to our morning newsletter."]
            ),
            "near",
        ),
        ("20% changed words", change_words(text(BRIDGE), 0.2), "near"),
    ],
)
def test_copy_kinds(case, later_text, kind):
    rows = one_pair(later_text)
    assert rows[["article_id", "copy_of", "kind"]].values.tolist() == [["copy", "orig", kind]], case
    row = rows.iloc[0]
    assert row["lag_hours"] == 6.5 and 0 <= row["shared_start"] < row["shared_end"] <= len(later_text)
    assert row["containment"] >= 0.5 and 0 < row["similarity"] <= 1


def test_similarity_is_the_jaccard_of_shingles_and_falls_with_edits():
    light = one_pair(change_words(text(BRIDGE), 0.05)).iloc[0]
    heavy = one_pair(change_words(text(BRIDGE), 0.2)).iloc[0]
    assert 1 > light["similarity"] > heavy["similarity"] > 0.2


def test_shared_paragraph_in_otherwise_different_articles_is_partial_with_its_span():
    rows = copies(articles(ORIGINAL, ("market", "2030-05-02", "Harbour Gazette", text(MARKET))))
    assert rows[["article_id", "copy_of", "kind"]].values.tolist() == [["market", "orig", "partial"]]
    row = rows.iloc[0]
    span = text(MARKET)[row["shared_start"] : row["shared_end"]]
    assert QUOTE.strip('"').split('"')[0] in span and len(span) < len(QUOTE) + 10
    source = text(BRIDGE)[row["source_start"] : row["source_end"]]
    assert QUOTE.strip('"').split('"')[0] in source and len(source) < len(QUOTE) + 10
    assert row["containment"] < 0.5


def test_shared_spans_are_characters_in_texts_of_other_scripts():
    quote = (
        "Der Bürgermeister von Zürich sagte am Sonntag, die Brücke über die Limmat öffne am Montag wieder für "
        "alle Fußgänger, Radfahrer und Busse, nachdem die Arbeiter drei Wochen lang Tag und Nacht gearbeitet hätten."
    )
    earlier = f"Ein ganz anderer Anfang über Kühe, Käse und Wetter in Graubünden. {quote} Mehr dazu später."
    later = f"Überschrift: Straßen und Plätze im Frühling — {quote} — so die Stadt."
    rows = copies(articles(("orig", "2030-05-01", "Alpen Post", earlier), ("copy", "2030-05-02", "Tal Bote", later)))
    assert rows[["article_id", "copy_of"]].values.tolist() == [["copy", "orig"]]
    row = rows.iloc[0]
    assert later[row["shared_start"] : row["shared_end"]] == quote.rstrip(".")
    assert earlier[row["source_start"] : row["source_end"]] == quote.rstrip(".")


def test_same_event_without_shared_text_gives_no_row():
    assert copies(articles(ORIGINAL, ("retold", "2030-05-01 09:00", "Harbour Gazette", text(BRIDGE_RETOLD)))).empty


def test_the_earlier_article_is_the_original_whatever_the_row_order():
    later_first = articles(("copy", "2030-05-03", "Harbour Gazette", text(BRIDGE)), ORIGINAL)
    assert copies(later_first)[["article_id", "copy_of"]].values.tolist() == [["copy", "orig"]]
    same_time = articles(("b", "2030-05-01", "X", text(BRIDGE)), ("a", "2030-05-01", "Y", text(BRIDGE)))
    assert copies(same_time)[["article_id", "copy_of"]].values.tolist() == [["b", "a"]]


def test_credited_and_uncredited_copies():
    frame = articles(
        ORIGINAL,
        ("credited", "2030-05-01 10:00", "Harbour Gazette", text(BRIDGE[:6]), ["Lakeview Ledger"]),
        ("uncredited", "2030-05-01 11:00", "Marsh Herald", text(BRIDGE[:6]), ["Northwind Wire"]),
        ("same outlet", "2030-05-01 12:00", "Lakeview Ledger", text(BRIDGE)),
    )
    rows = copies(frame)
    from_original = rows[rows["copy_of"] == "orig"].set_index("article_id")["credited"].to_dict()
    assert from_original == {"credited": True, "uncredited": False, "same outlet": True}


def test_credit_in_the_text_counts_through_attributions():
    frame = articles(ORIGINAL, ("copy", "2030-05-01 10:00", "Harbour Gazette", text(BRIDGE)))
    attributions = pd.DataFrame(
        {"article_id": ["copy"], "level": ["text"], "source": ["the Lakeview Ledger"], "source_entity": [pd.NA]}
    ).astype("string")
    assert not copies(frame)["credited"].iloc[0]
    assert copies(frame, attributions=attributions.assign(source="Lakeview Ledger"))["credited"].iloc[0]


def test_boilerplate_sections_are_not_shared_text():
    footer = "Read more stories like this one on the Harbour Gazette website and follow us on social networks today."
    first = text([*MARKET[:2], footer])
    second = text([BRIDGE_RETOLD[1], BRIDGE_RETOLD[2], footer])
    sections = lambda body: [("boilerplate", body.index(footer), len(body))]  # noqa: E731
    plain = copies(articles(("a", "2030-05-01", "X", first), ("b", "2030-05-02", "Y", second)), min_words=15)
    assert plain["kind"].tolist() == ["partial"]
    marked = articles(
        ("a", "2030-05-01", "X", first, [], sections(first)), ("b", "2030-05-02", "Y", second, [], sections(second))
    )
    assert copies(marked, min_words=15).empty


def test_no_articles_and_no_candidates():
    empty = copies(articles(ORIGINAL).iloc[:0])
    assert empty.empty and list(empty.columns) == [
        "article_id", "copy_of", "similarity", "containment", "kind", "shared_start", "shared_end",
        "shared_words", "source_start", "source_end", "lag_hours", "credited",
    ]  # fmt: skip
    assert copies(articles(ORIGINAL)).empty


def test_the_seed_republished_with_its_source_line_changed(tmp_path):
    seed = next(config.SEEDS_DIR.glob("*.txt")).read_text(encoding="utf-8")
    (tmp_path / "original.txt").write_text(seed, encoding="utf-8")
    republished = seed.replace("date 2024-11-14", "date 2024-11-15").replace(
        "Source: European Pravda with reference to Voice of America",
        "Source: Kyiv Morning Star with reference to European Pravda",
    )
    (tmp_path / "republished.txt").write_text(republished, encoding="utf-8")
    quiet = seed.replace("date 2024-11-14", "date 2024-11-16").replace(
        "Source: European Pravda with reference to Voice of America", "Source: Dnipro Evening Lamp"
    )
    (tmp_path / "quiet.txt").write_text(quiet, encoding="utf-8")
    corpus = load_corpus(tmp_path, cache=False)
    rows = copies(corpus.articles, attributions=corpus.attributions)
    outlet = dict(zip(corpus.articles["article_id"], corpus.articles["outlet"], strict=True))
    got = sorted(
        (outlet[a], outlet[b], k, c, lag)
        for a, b, k, c, lag in rows[["article_id", "copy_of", "kind", "credited", "lag_hours"]].itertuples(index=False)
    )
    assert got == [
        ("Dnipro Evening Lamp", "European Pravda", "exact", False, 48.0),
        ("Dnipro Evening Lamp", "Kyiv Morning Star", "exact", False, 24.0),
        ("Kyiv Morning Star", "European Pravda", "exact", True, 24.0),
    ]


# -- the Corpus: copies, stories, flows, quotes ---------------------------------------------------


#: An original, a credited copy, an uncredited edited copy, and an article quoting one paragraph.
SMALL_ROWS = (
    ORIGINAL,
    ("credited", "2030-05-01 10:00", "Harbour Gazette", text(BRIDGE[:6]), ["Lakeview Ledger"]),
    ("uncredited", "2030-05-01 11:00", "Marsh Herald", change_words(text(BRIDGE), 0.1)),
    ("market", "2030-05-02 09:00", "Marsh Herald", text(MARKET)),
)


@pytest.fixture
def small_corpus():
    """An original, a credited copy, an uncredited edited copy, and an article quoting one paragraph."""
    from workbench import Corpus

    frame = articles(*SMALL_ROWS)
    frame = frame.assign(
        title=["Bridge", "Bridge (Gazette)", "Bridge (Herald)", "Market"],
        lead="",
        n_words=100,
        duplicate_of=None,
        path="x",
        format="table",
        url=None,
    )
    frame = frame.assign(content_hash=frame["article_id"])
    errors = pd.DataFrame({c: pd.Series(dtype="string") for c in ("path", "line", "severity", "reason", "detail")})
    return Corpus(frame, errors)


def test_corpus_copies_and_stories_are_memoised_and_follow_filters(small_corpus):
    assert small_corpus.copies is small_corpus.copies
    assert set(small_corpus.copies["kind"]) == {"near", "partial"}
    stories = small_corpus.stories.set_index("article_id")["story_id"].to_dict()
    assert stories == {"orig": "orig", "credited": "orig", "uncredited": "orig", "market": "market"}
    later = small_corpus.filter(start="2030-05-01", outlets="Marsh Herald")
    assert later.copies.empty  # the original is filtered out; the two Herald articles share no long run
    assert set(later.stories["article_id"]) == {"uncredited", "market"}


def test_stories_summary(small_corpus):
    import workbench

    table = workbench.stories(small_corpus)
    assert table[
        ["story_id", "articles", "outlets", "first_outlet", "spread_hours", "credited_share"]
    ].values.tolist() == [["orig", 3, 3, "Lakeview Ledger", 3.0, 0.5]]
    assert len(workbench.stories(small_corpus, min_count=1)) == 2
    chart_rows = workbench.story_articles(small_corpus)
    assert chart_rows["article_id"].tolist() == ["orig", "credited", "uncredited"]


def test_copy_flows_count_each_copy_once_from_its_origin(small_corpus):
    import workbench

    flows = workbench.copy_flows(small_corpus, min_count=1)
    assert flows[
        ["from_outlet", "to_outlet", "copies", "credited", "uncredited", "median_lag_hours"]
    ].values.tolist() == [
        ["Lakeview Ledger", "Harbour Gazette", 1, 1, 0, 2.0],
        ["Lakeview Ledger", "Marsh Herald", 1, 0, 1, 3.0],
    ]
    assert workbench.copy_flows(small_corpus).empty  # min_count=2 by default
    with_partial = workbench.copy_flows(small_corpus, min_count=1, partial=True)
    assert with_partial["copies"].sum() == 3


def test_an_article_without_an_outlet_keeps_a_missing_outlet_in_flows_and_charts(small_corpus):
    import workbench
    from workbench import Corpus
    from workbench.charts import reuse as charts

    frame = small_corpus.articles.copy()
    frame["outlet"] = frame["outlet"].astype("string").mask(frame["article_id"] == "uncredited")
    corpus = Corpus(frame, small_corpus.errors)
    flows = workbench.copy_flows(corpus, min_count=1)
    assert (
        flows["to_outlet"].isna().sum() == 1 and flows["copies"].sum() == 2
    )  # the copy is counted, its outlet stays missing
    assert "Lakeview Ledger → no outlet named" in charts.flow_bars(flows).data[0].y
    spread = charts.story_spread(workbench.story_articles(corpus))
    assert "no outlet named" in [t.name for t in spread.data] and spread.layout.showlegend
    frame["outlet"] = pd.NA
    nothing = charts.story_spread(workbench.story_articles(Corpus(frame, small_corpus.errors)))
    assert [t.name for t in nothing.data] == ["no outlet named"] and nothing.layout.showlegend is False


def test_shared_texts_show_both_spans(small_corpus):
    import workbench

    table = workbench.shared_texts(small_corpus)
    market = table[table["article_id"] == "market"].iloc[0]
    assert "We have waited" in market["shared_text"] and "We have waited" in market["source_text"]
    assert len(workbench.shared_texts(small_corpus, top_n=1)) == 1


def test_travelling_quotes(small_corpus):
    import workbench

    quotes = workbench.travelling_quotes(small_corpus)
    first = quotes.iloc[0]
    assert first["speaker"] == "Ilse Varga" and first["first_outlet"] == "Lakeview Ledger" and first["outlets"] >= 2
    seen = workbench.quote_appearances(small_corpus)
    market = seen[seen["article_id"] == "market"].iloc[0]
    assert market["names_speaker"] and not market["cites_first_outlet"] and market["hours_after_first"] == 25.0


# Fictional quotations carried by several articles: verbatim, with other case and punctuation, inside a
# longer quotation, and repeated within one article; one said once, one too short to follow.
BRIDGE_QUOTE = "We will rebuild the northern bridge before the winter comes."
BUDGET_QUOTE = "Nobody in this government has ever seen such a budget before today."
LONGER = BRIDGE_QUOTE[:-1] + ", and we will pay for it without the region's money."
FERRY = "The ferry timetable will not change before the spring of next year at the earliest."
ORLA, BRAM = ("Orla Penhallow", "person"), ("Bram Oakhurst", "person")
QUOTED = [  # (article, day, outlet, [(content, source, source_kind)])
    ("q1", "2030-06-01 08:00", "Lakeview Ledger", [(BRIDGE_QUOTE, *ORLA), ("We act now.", *ORLA)]),
    ("q2", "2030-06-01 09:00", "Harbour Gazette",
     [(BRIDGE_QUOTE.upper().rstrip("."), "the mayor", "role"), (BUDGET_QUOTE, None, "anonymous")]),
    ("q3", "2030-06-01 10:00", "Marsh Herald", [(BRIDGE_QUOTE, *ORLA), ("We act now.", None, "unknown")]),
    ("q4", "2030-06-02 08:00", "Harbour Gazette", [(LONGER, "Penhallow", "person")]),
    ("q5", "2030-06-02 09:00", "Marsh Herald", [(BUDGET_QUOTE, *BRAM), (BUDGET_QUOTE, *BRAM)]),
    ("q6", "2030-06-03 08:00", "Lakeview Ledger", [(FERRY, "a ferry official", "anonymous")]),
    ("q7", "2030-06-03 09:00", "Harbour Gazette",
     [("Nobody, in this government, has ever seen such a budget before today!", "Oakhurst", "person")]),
]  # fmt: skip


@pytest.fixture
def quoted_corpus(monkeypatch):
    """Articles whose attributions (given, not extracted) hold the quotations of :data:`QUOTED`."""
    from workbench import Corpus

    frame = articles(*[(a, day, outlet, " ".join(q for q, _, _ in quotes)) for a, day, outlet, quotes in QUOTED])
    frame = frame.assign(title=frame["article_id"], lead="", n_words=20, duplicate_of=None, path="x", format="table")
    frame = frame.assign(url=None, content_hash=frame["article_id"])
    errors = pd.DataFrame({c: pd.Series(dtype="string") for c in ("path", "line", "severity", "reason", "detail")})
    corpus = Corpus(frame, errors)
    rows = []
    for article, _, _, quotes in QUOTED:
        start = 0
        for content, source, kind in quotes:
            rows.append((article, "text", True, content, start, source, source, kind))
            start += len(content) + 1
    rows.append(("q3", "text", False, None, 0, "Lakeview Ledger", "Lakeview Ledger", "organization"))  # a credit
    columns = ["article_id", "level", "direct", "content", "content_start", "source", "source_entity", "source_kind"]
    table = pd.DataFrame(rows, columns=columns).astype({"content_start": "int64"})
    monkeypatch.setitem(corpus._tables, "attributions", table)
    return corpus


def _every_quotation_compared(corpus, min_count: int = 2) -> pd.DataFrame:
    """The appearances as the copy search of every quotation against every other finds them (each
    quotation a text of its own: what :mod:`workbench.reuse.quotations` did before it grouped
    quotations of the same words)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from workbench.reuse import quotations
    from workbench.reuse.copying import credit_rows, credited

    table = corpus.attributions
    rows = table[quotations._direct_quotation(table)].drop_duplicates(["article_id", "content_start"])
    rows = rows.merge(corpus.articles[["article_id", "published", "outlet"]], on="article_id").reset_index(drop=True)
    quotes = pd.DataFrame(
        {"article_id": [f"q{i}" for i in range(len(rows))], "published": rows["published"],
         "outlet": rows["outlet"], "text": rows["content"]}
    )  # fmt: skip
    links = copies(quotes, near=0.5, min_words=quotations.MIN_QUOTE_WORDS)
    index = {a: i for i, a in enumerate(quotes["article_id"])}
    a, b = [index[x] for x in links["article_id"]], [index[x] for x in links["copy_of"]]
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(len(rows), len(rows)))
    rows["_component"] = connected_components(graph, directed=False)[1]
    rows = rows.sort_values(["_component", "published", "article_id", "content_start"], kind="stable")
    rows = rows.drop_duplicates(["_component", "article_id"])
    rows = rows[rows.groupby("_component")["article_id"].transform("size") >= min_count].reset_index(drop=True)
    first = rows.groupby("_component").head(1).set_index("_component")
    rows["quote_id"] = rows["_component"].map(first["article_id"] + "#" + first["content_start"].astype(str))
    rows["first"] = rows.index.isin(rows.groupby("_component").head(1).index)
    rows["hours_after_first"] = (rows["published"] - rows["_component"].map(first["published"])) / pd.Timedelta(hours=1)
    rows["names_speaker"] = rows["source"].notna() & ~rows["source_kind"].fillna("unknown").isin(quotations.UNNAMED)
    position = {a: i for i, a in enumerate(corpus.articles["article_id"])}
    earlier = np.array([position[a] for a in rows["_component"].map(first["article_id"])])
    later = np.array([position[a] for a in rows["article_id"]])
    cites = credited(corpus.articles.reset_index(drop=True), earlier, later, credit_rows(corpus))
    cites = [pd.NA if f else c for f, c in zip(rows["first"], cites, strict=True)]
    rows["cites_first_outlet"] = pd.array(cites, dtype="boolean")
    return rows


def test_quotations_of_the_same_words_compared_once_find_what_comparing_each_finds(quoted_corpus):
    import workbench

    seen = workbench.quote_appearances(quoted_corpus)
    expected = _every_quotation_compared(quoted_corpus)
    columns = [
        "quote_id", "article_id", "first", "hours_after_first", "names_speaker", "cites_first_outlet", "content",
        "source", "outlet", "source_kind",
    ]  # fmt: skip
    labels = {c: "string" for c in ("quote_id", "content", "source", "outlet", "source_kind")}
    got = seen[columns].astype(labels).sort_values(["quote_id", "article_id"]).reset_index(drop=True)
    want = expected[columns].astype(labels).sort_values(["quote_id", "article_id"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    # the bridge (verbatim, shouted, and inside a longer quotation), the budget (q5's twice counts once)
    assert seen.groupby("quote_id")["article_id"].apply(list).to_dict() == {
        "q1#0": ["q1", "q2", "q3", "q4"], "q2#60": ["q2", "q5", "q7"],
    }  # fmt: skip
    assert seen["cites_first_outlet"].astype(object).fillna("first").tolist() == [
        "first",
        False,
        True,
        False,
        "first",
        False,
        True,
    ]  # q3 names q1's outlet in its text; q7 is of q2's own outlet
    # the first appearance's own content, each later one's as it was printed
    assert seen.loc[seen["article_id"] == "q2", "content"].tolist()[0] == BRIDGE_QUOTE.upper().rstrip(".")


def test_quote_appearances_in_order_of_first_appearance_whatever_the_partitions(quoted_corpus, monkeypatch):
    """The quotations are numbered by first appearance, not by the order the attributions are read in."""
    import workbench
    from workbench import partials

    expected = workbench.quote_appearances(quoted_corpus)
    table = quoted_corpus._tables["attributions"]
    reversed_parts = [table[table["article_id"] == a] for a in reversed(table["article_id"].unique())]
    monkeypatch.setattr(partials, "each", lambda corpus, name, columns=None: iter(reversed_parts))
    pd.testing.assert_frame_equal(workbench.quote_appearances(quoted_corpus), expected)


def test_no_articles_no_stories(seed_corpus):
    import workbench

    none = seed_corpus.filter(start="2100-01-01")
    assert none.copies.empty and none.stories.empty and list(none.stories.columns)[:2] == ["article_id", "story_id"]
    assert (
        workbench.stories(none).empty and workbench.copy_flows(none).empty and workbench.travelling_quotes(none).empty
    )
    assert workbench.shared_texts(none).empty and workbench.story_articles(none).empty
    assert workbench.describe_copies(none).startswith("Nothing copies")


def test_the_seed_alone_copies_nothing(seed_corpus):
    import workbench

    assert seed_corpus.copies.empty and seed_corpus.stories["story_size"].tolist() == [1]
    assert workbench.stories(seed_corpus).empty and workbench.copy_flows(seed_corpus, min_count=1).empty
    assert workbench.travelling_quotes(seed_corpus).empty and workbench.shared_texts(seed_corpus).empty


# -- charts -------------------------------------------------------------------------------------


def test_charts_draw_the_tables_and_say_when_empty(small_corpus):
    import workbench
    from workbench.charts import reuse as charts

    flows = workbench.copy_flows(small_corpus, min_count=1)
    figure = charts.flow_bars(flows)
    assert [t.name for t in figure.data] == ["credited", "uncredited"]
    assert sum(figure.data[0].x) == 1 and sum(figure.data[1].x) == 1
    origins = workbench.copy_origins(small_corpus)
    lags = charts.lag_histogram(origins)
    assert len(lags.data) == 2 and [t.type for t in lags.data] == ["bar", "bar"]
    assert sum(sum(t.y) for t in lags.data) == origins["lag_hours"].notna().sum()  # every copy counted once
    assert all(len(t.y) == charts.LAG_BINS for t in lags.data)  # the counts, not the values, go to the page
    spread = charts.story_spread(workbench.story_articles(small_corpus))
    assert sum(len(t.x) for t in spread.data) == 3
    quotes = charts.quote_bars(workbench.travelling_quotes(small_corpus))
    assert "Ilse Varga" in quotes.data[0].y[0]
    for figure in (
        charts.flow_bars(flows.iloc[:0]),
        charts.story_spread(workbench.story_articles(small_corpus).iloc[:0]),
    ):
        assert not figure.data and "No" in figure.layout.annotations[0].text


def test_chart_labels_are_escaped():
    from workbench.charts import reuse as charts

    flows = pd.DataFrame(
        {
            "from_outlet": ["<b>X</b>"],
            "to_outlet": ["Y"],
            "copies": [1],
            "credited": [0],
            "uncredited": [1],
            "credited_share": [0.0],
            "median_lag_hours": [2.0],
        }
    )
    assert "<b>" not in charts.flow_bars(flows).data[0].y[0]


def test_quote_without_a_speaker_is_labelled_unnamed():
    """A speaker missing as pandas NA (PolNeAR) is 'unnamed', not a "boolean value of NA is ambiguous" error."""
    from workbench.charts import reuse as charts

    quotes = pd.DataFrame(
        {"quote": ["We will act", "Nothing changes"], "speaker": pd.array([pd.NA, "Ilse Varga"], dtype="string"),
         "outlets": [3, 2], "articles": [3, 2], "first_outlet": pd.array([pd.NA, "Y"], dtype="string")}
    )  # fmt: skip
    labels = list(charts.quote_bars(quotes).data[0].y)
    assert labels == ["Nothing changes (Ilse Varga)", "We will act (unnamed)"]


# -- the notebook -------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("with_copies", [False, True], ids=["seeds", "corpus-with-copies"])
def test_notebook_runs_on_seeds_and_on_a_corpus_with_copies(tmp_path, with_copies):
    import nbformat
    import papermill

    parameters = {}
    if with_copies:
        folder = tmp_path / "corpus"
        folder.mkdir()
        seed = next(config.SEEDS_DIR.glob("*.txt")).read_text(encoding="utf-8")
        (folder / "original.txt").write_text(seed, encoding="utf-8")
        for day, credit in (
            ("15", "Kyiv Morning Star with reference to European Pravda"),
            ("16", "Dnipro Evening Lamp"),
        ):
            (folder / f"copy{day}.txt").write_text(
                seed.replace("date 2024-11-14", f"date 2024-11-{day}").replace(
                    seed.split("Source: ")[1].split("\n")[0], credit
                )
            )
        parameters = {"corpus": str(folder)}
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(
        str(config.NOTEBOOKS_DIR / "40-copies-and-quotes.ipynb"),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
    )
    html = "\n".join(
        str(o.get("data", {}).get("text/html", ""))
        for c in nbformat.read(out, as_version=4).cells
        for o in c.get("outputs", [])
    )
    if with_copies:
        assert "3 pairs of articles share text (3 exact, 0 near, 0 partial)" in html and "plotly" in html
        assert "50%" in html  # one of the two copies credits European Pravda
    else:
        assert "Nothing copies" in html and "plotly-graph-div" not in html


def test_copies_are_kept_in_the_cache_until_the_articles_change(small_corpus, tmp_path, monkeypatch):
    from workbench import Corpus
    from workbench.reuse import copying, store

    cache = tmp_path / "cache"

    def fresh(frame=small_corpus.articles):
        return Corpus(frame, small_corpus.errors, cache_dir=cache)

    first = fresh().copies
    assert len(first) and len(list((cache / "cross").glob("copies-*.parquet"))) == 1

    def never(*args, **kwargs):
        raise AssertionError("copies computed again")

    monkeypatch.setattr(copying, "copies_reusing", never)
    pd.testing.assert_frame_equal(fresh().copies, first)  # read back from the cache, equal
    changed = small_corpus.articles.assign(content_hash=lambda f: f["article_id"] + "-edited")
    with pytest.raises(AssertionError, match="computed again"):
        _ = fresh(changed).copies  # other articles (their keys changed): computed again
    with pytest.raises(AssertionError, match="computed again"):
        _ = fresh().filter(outlets="Marsh Herald").copies  # a filtered selection has its own file
    monkeypatch.setattr(store, "STORE", False)
    with pytest.raises(AssertionError, match="computed again"):
        _ = fresh().copies  # the store turned off: nothing read


def test_copies_kept_in_another_folder(small_corpus, tmp_path, monkeypatch):
    from workbench import Corpus
    from workbench.reuse import store

    monkeypatch.setattr(store, "FOLDER", str(tmp_path / "elsewhere"))
    corpus = Corpus(small_corpus.articles, small_corpus.errors, cache_dir=tmp_path / "cache")
    assert len(corpus.copies)
    assert len(list((tmp_path / "elsewhere").glob("copies-*.parquet"))) == 1
    assert not (tmp_path / "cache" / "cross").exists()


@pytest.mark.parametrize("chunk", [1, 7, 4_000_000])
def test_pairs_from_keys_count_the_same_in_chunks(monkeypatch, chunk):
    """Buckets turned into pairs a chunk at a time (bounded memory) give the pairs and hits of all at once."""
    rng = np.random.default_rng(5)
    keys = rng.integers(0, 40, size=600).astype(np.uint64) << np.uint64(32)
    text = rng.integers(0, 50, size=600)
    expected: dict[tuple[int, int], int] = {}
    buckets = pd.DataFrame({"key": keys, "text": text}).drop_duplicates().groupby("key")["text"]
    for _, members in buckets:
        members = sorted(members)
        pairs = (
            [(members[0], m) for m in members[1:]]
            if len(members) > 6
            else [(a, b) for n, a in enumerate(members) for b in members[n + 1 :]]
        )
        for pair in pairs:
            expected[pair] = expected.get(pair, 0) + 1
    monkeypatch.setattr(candidates, "CHUNK_PAIRS", chunk)
    found = candidates.pairs_from_keys(keys, text, max_bucket=6)
    assert {(a, b): h for a, b, h in found.values.tolist()} == expected
    assert [tuple(pair) for pair in found[["left", "right"]].values.tolist()] == sorted(expected)


# -- verified pairs reused by a grown corpus --------------------------------------------------


def _grown():
    """Five articles sharing text in several ways, then two more: a copy of the original and an edited text."""
    base = articles(*SMALL_ROWS, ("retold", "2030-05-02 12:00", "Harbour Gazette", text(BRIDGE_RETOLD)))
    more = articles(
        ("late", "2030-05-03 08:00", "Marsh Herald", change_words(text(BRIDGE), 0.05, seed=3)),
        ("quoting", "2030-04-30 08:00", "Harbour Gazette", text([QUOTE, *MARKET[3:]])),  # older than all
    )
    grown = pd.concat([base, more], ignore_index=True)
    edited = grown.assign(text=grown["text"].where(grown["article_id"] != "market", text(MARKET[:3])))
    return tuple(f.assign(content_hash=f["text"].map(lambda t: str(hash(t)))) for f in (base, grown, edited))


def test_a_grown_corpus_verifies_only_pairs_with_a_new_article(monkeypatch):
    from workbench.reuse import copying
    from workbench.tables import row_keys

    base, grown, edited = _grown()
    _, known = copying.copies_reusing(base, keys=row_keys(base))
    assert len(known) and known["kind"].notna().any() and known["earlier_key"].dtype == "uint64"
    verified_pairs = []
    verify = copying.verify

    def counting(earlier, later, **kwargs):
        verified_pairs.append(1)
        return verify(earlier, later, **kwargs)

    monkeypatch.setattr(copying, "verify", counting)
    for frame, new_ids in ((grown, {"late", "quoting"}), (edited, {"late", "quoting", "market"})):
        verified_pairs.clear()
        got, now = copying.copies_reusing(frame, keys=row_keys(frame), known=known)
        ids = _in_time_order_ids(frame)
        involved = sum(bool({ids[a], ids[b]} & new_ids) for a, b in _candidates(frame))
        assert len(verified_pairs) == involved < len(now)  # only the pairs with a new or changed article
        pd.testing.assert_frame_equal(got, copying.copies(frame))  # what a full computation finds
        assert len(got) > len(copies(base))  # the new articles' copies are found
        assert got.attrs["verified_reused"] == len(now) - involved
    with pytest.raises(ValueError, match="row_keys"):
        copying.copies_reusing(base, keys=["short"] * len(base))


def _in_time_order_ids(frame: pd.DataFrame) -> list[str]:
    from workbench.reuse import copying

    return frame["article_id"].to_numpy()[copying._time_order(frame)].tolist()


def _candidates(frame: pd.DataFrame) -> list[tuple[int, int]]:
    from workbench.reuse import copying

    pairs = candidates.candidate_pairs(frame["text"].to_numpy()[copying._time_order(frame)].tolist())
    return list(zip(pairs["left"], pairs["right"], strict=True))


def test_kept_pairs_outlive_a_selection_but_not_their_articles():
    from workbench.reuse import copying

    codes = np.array([1, 2, 3, 4], dtype=np.uint64)
    row = {c: 0 for c in list(copying.VERIFIED)[2:]} | {"kind": "near"}
    known = pd.DataFrame([{"earlier_key": 1, "later_key": 2, **row}, {"earlier_key": 3, "later_key": 9, **row}])
    now = pd.DataFrame([{"earlier_key": 1, "later_key": 4, **row}]).astype(copying.VERIFIED)
    kept = copying.still_verified(known.astype(copying.VERIFIED), now, codes)
    assert sorted(zip(kept["earlier_key"], kept["later_key"], strict=True)) == [(1, 2), (1, 4)]  # 9 left
    assert copying.still_verified(known, now, None) is now


def test_a_loaded_corpus_that_grew_reuses_its_verified_pairs(tmp_path, cache_dir, write_article, monkeypatch):
    from workbench.reuse import copying

    folder = tmp_path / "news"
    folder.mkdir()
    write_article(folder, "a1", "2031-05-01", outlet="Lakeview Ledger", body=text(BRIDGE))
    write_article(folder, "a2", "2031-05-02", outlet="Harbour Gazette", body=change_words(text(BRIDGE), 0.1))
    write_article(folder, "a3", "2031-05-02", outlet="Marsh Herald", body=text(MARKET))
    first = load_corpus(folder).copies
    assert len(first) and first.attrs["verified_reused"] == 0
    write_article(folder, "a4", "2031-05-03", outlet="Marsh Herald", body=change_words(text(BRIDGE), 0.05, seed=2))
    calls = []
    verify = copying.verify
    monkeypatch.setattr(copying, "verify", lambda *a, **k: calls.append(1) or verify(*a, **k))
    grown = load_corpus(folder).copies
    assert 0 < len(calls) <= 3 and grown.attrs["verified_reused"] >= 1  # a4's pairs alone
    assert set(grown["article_id"]) >= {"a2", "a4"}
    pd.testing.assert_frame_equal(grown, load_corpus(folder, cache=False).copies)
    for kept in cache_dir.glob("*/cross/verified-kept-*.parquet"):
        pd.DataFrame({"other": [1]}).to_parquet(kept)  # not what it should hold: ignored, written again
    write_article(folder, "a5", "2031-05-04", outlet="Lakeview Ledger", body=text(MARKET[:2]))
    pd.testing.assert_frame_equal(load_corpus(folder).copies, load_corpus(folder, cache=False).copies)


def test_prepared_texts_held_within_a_budget_give_the_same_copies(monkeypatch):
    from workbench.reuse import copying

    _, grown, _ = _grown()
    shuffled = grown.sample(frac=1, random_state=2).reset_index(drop=True)  # not in time order
    expected = copying.copies(shuffled)
    assert len(expected) >= 4
    monkeypatch.setattr(copying, "VERIFY_BLOCK", 2)  # two pairs a block: at most four texts
    monkeypatch.setattr(copying, "PREPARED_BYTES", 0)  # nothing kept beyond the block
    held, prepared = [], []
    real = copying.Prepared.need

    def need(self, indices):
        real(self, indices)
        held.append(len(self.held))
        prepared.append(self.prepared)

    monkeypatch.setattr(copying.Prepared, "need", need)
    pd.testing.assert_frame_equal(copying.copies(shuffled), expected)
    assert len(held) > 2 and max(held) <= 4
    involved = len(set(grown["article_id"]))
    assert prepared[-1] > involved  # texts dropped and prepared again, with the same result


def test_given_excluded_ranges_follow_their_articles_into_time_order():
    from workbench.reuse import copying

    prefix = "A paragraph of this desk's own, which no other article of the corpus carries at all.\n\n"
    later_first = articles(("copy", "2030-05-03", "Harbour Gazette", prefix + text(BRIDGE)), ORIGINAL)
    found = copying.copies(later_first, exclude=[[(0, len(prefix))], []])  # the copy's own paragraph left out
    assert found[["article_id", "copy_of", "kind"]].values.tolist() == [["copy", "orig", "exact"]]


def _travelling_by_groupby(seen: pd.DataFrame) -> pd.DataFrame:
    """The travelling quotes as pandas' groupby gives them from the appearances (the reference)."""
    seen = seen.astype({"quote_id": "string", "outlet": "string"})
    grouped = seen.groupby("quote_id")
    firsts = seen[seen["first"]].set_index("quote_id")
    later = seen[~seen["first"]].groupby("quote_id")
    table = pd.DataFrame(
        {
            "quote": firsts["content"].astype("string"),
            "speaker": firsts["source"],
            "first_article_id": firsts["article_id"],
            "first_outlet": firsts["outlet"],
            "first_published": firsts["published"],
            "articles": grouped.size(),
            "outlets": grouped["outlet"].nunique(),
            "outlet_list": grouped["outlet"].agg(lambda s: ", ".join(sorted(s.dropna().unique()))).astype("string"),
            "spread_hours": grouped["hours_after_first"].max(),
            "later_naming_speaker": later["names_speaker"].mean().astype("float64"),
            "later_citing_first_outlet": later["cites_first_outlet"].agg(lambda s: s.astype("float64").mean()),
        }
    ).reset_index(names="quote_id")
    table = table.sort_values(["outlets", "articles", "first_published"], ascending=[False, False, True], kind="stable")
    return table.reset_index(drop=True).astype({"later_citing_first_outlet": "Float64"})


@pytest.mark.parametrize("min_count", [1, 2])
def test_travelling_quotes_counted_over_codes_equal_groupby(quoted_corpus, min_count):
    import workbench

    quoted_corpus.articles.loc[quoted_corpus.articles["article_id"] == "q5", "outlet"] = None  # an unknown outlet
    seen = workbench.quote_appearances(quoted_corpus, min_count=min_count)
    table = workbench.travelling_quotes(quoted_corpus, top_n=None, min_count=min_count)
    expected = _travelling_by_groupby(seen)
    pd.testing.assert_frame_equal(table, expected[table.columns])
    assert len(table) == (3 if min_count == 1 else 2) and table["later_naming_speaker"].notna().sum() == 2
