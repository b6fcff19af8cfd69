"""The benchmark scorers themselves (workbench.evaluation), on tiny synthetic gold and predictions."""

from __future__ import annotations

import gzip
from datetime import date

import pandas as pd
import pytest

from workbench.evaluation import overlaps, prf, score_spans
from workbench.evaluation.attributions import gold_attributions, parse_ann, score_attributions
from workbench.evaluation.conll import entity_predictions, parse_conll, read_conll
from workbench.evaluation.timeml import (
    dct_baseline,
    gold_granularity,
    parse_timeml,
    predictions,
    read_timeml,
    render,
    score_dates,
    value_correct,
)
from workbench.evaluation.wikinews import event_granularity, known, matches, read_timelines

# -- precision, recall, F1 and span overlap -----------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ((4, 4, 4, 4), (1.0, 1.0, 1.0)),
        ((3, 4, 3, 6), (0.75, 0.5, 0.6)),
        ((0, 0, 0, 5), (0.0, 0.0, 0.0)),  # nothing predicted: no division by zero
        ((0, 3, 0, 0), (0.0, 0.0, 0.0)),  # no gold
        ((2, 2, 1, 4), (1.0, 0.25, 0.4)),  # overlap matching: numerators differ
    ],
)
def test_prf(counts, expected):
    assert prf(*counts) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((0, 5), (4, 8), True),
        ((0, 5), (5, 8), False),  # touching is not overlapping
        ((0, 5), [(9, 12), (3, 4)], True),  # discontinuous pieces
        ([(0, 2)], [(2, 4)], False),
        (None, (0, 1), False),
        ((0, 1), None, False),
    ],
)
def test_overlaps(a, b, expected):
    assert overlaps(a, b) is expected
    assert overlaps(b, a) is expected


# -- exact-match scoring of typed spans (NER) -------------------------------------------------------

GOLD = {("d1", 0, 9, "PER"), ("d1", 20, 27, "ORG"), ("d2", 5, 11, "LOC")}


def _row(table: pd.DataFrame, kind: str) -> dict:
    return table.set_index("type").loc[kind].to_dict()


def test_spans_perfect():
    table = score_spans(GOLD, set(GOLD), types=("PER", "ORG", "LOC"))
    assert list(table["type"]) == ["PER", "ORG", "LOC", "overall"]
    assert (table[["precision", "recall", "f1"]] == 1.0).all().all()
    assert _row(table, "overall")["correct"] == 3


def test_spans_one_miss():
    table = score_spans(GOLD, GOLD - {("d1", 20, 27, "ORG")}, types=("PER", "ORG", "LOC"))
    overall = _row(table, "overall")
    assert (overall["precision"], overall["recall"]) == pytest.approx((1.0, 2 / 3))
    assert overall["f1"] == pytest.approx(0.8)
    org = _row(table, "ORG")
    assert (org["gold"], org["predicted"], org["recall"], org["f1"]) == (1, 0, 0.0, 0.0)


def test_spans_one_false_positive():
    table = score_spans(GOLD, GOLD | {("d2", 30, 35, "PER")}, types=("PER", "ORG", "LOC"))
    assert _row(table, "overall")["precision"] == pytest.approx(0.75)
    assert _row(table, "overall")["recall"] == 1.0
    assert _row(table, "PER")["precision"] == pytest.approx(0.5)


def test_spans_type_mismatch_is_a_miss_and_a_false_positive():
    predicted = (GOLD - {("d2", 5, 11, "LOC")}) | {("d2", 5, 11, "ORG")}
    table = score_spans(GOLD, predicted, types=("PER", "ORG", "LOC"))
    assert _row(table, "overall")["correct"] == 2
    assert _row(table, "LOC")["recall"] == 0.0
    assert _row(table, "ORG")["precision"] == pytest.approx(0.5)


def test_spans_boundary_mismatch_counts_as_wrong():
    predicted = (GOLD - {("d1", 0, 9, "PER")}) | {("d1", 0, 8, "PER")}
    table = score_spans(GOLD, predicted, types=("PER", "ORG", "LOC"))
    assert _row(table, "PER")["correct"] == 0
    assert _row(table, "overall")["f1"] == pytest.approx(2 / 3)


def test_spans_same_span_in_another_document_is_wrong():
    predicted = {("d2", 0, 9, "PER")}
    assert _row(score_spans({("d1", 0, 9, "PER")}, predicted), "overall")["correct"] == 0


# -- CoNLL reader -----------------------------------------------------------------------------------

CONLL = """\
-DOCSTART- -X- O O

EU NNP I-NP I-ORG
rejects VBZ I-VP O
German JJ I-NP I-MISC
call NN I-NP O

Peter NNP I-NP I-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- O O

BRUSSELS NNP I-NP I-LOC
Smith NNP I-NP I-PER
Jones NNP I-NP B-PER
"""


def test_parse_conll_offsets_and_labels():
    articles, sentences, gold = parse_conll(CONLL.splitlines())
    assert list(articles["article_id"]) == ["doc0000", "doc0001"]
    texts = dict(zip(articles["article_id"], articles["text"], strict=True))
    assert texts["doc0000"] == "EU rejects German call\nPeter Blackburn\n"
    assert {(a, texts[a][s:e], t) for a, s, e, t in gold} == {
        ("doc0000", "EU", "ORG"),
        ("doc0000", "Peter Blackburn", "PER"),
        ("doc0001", "BRUSSELS", "LOC"),
        ("doc0001", "Smith", "PER"),  # B- starts a new entity of the same type
        ("doc0001", "Jones", "PER"),
    }
    assert not any(t == "MISC" for *_, t in gold)
    first = sentences[sentences["article_id"] == "doc0000"]
    assert [texts["doc0000"][s:e] for s, e in zip(first["start"], first["end"], strict=True)] == [
        "EU rejects German call",
        "Peter Blackburn",
    ]


def test_read_conll_gzip_equals_plain(tmp_path):
    plain, packed = tmp_path / "x.testa", tmp_path / "x.train.gz"
    plain.write_text(CONLL, encoding="utf-8")
    with gzip.open(packed, "wt", encoding="utf-8") as handle:
        handle.write(CONLL)
    a1, _, g1 = read_conll(plain)
    a2, _, g2 = read_conll(packed)
    assert g1 == g2 and a1.equals(a2)


def test_entity_predictions_maps_types_and_drops_demonyms():
    found = pd.DataFrame(
        {
            "article_id": ["d", "d", "d", "d"],
            "start": [0, 10, 20, 30],
            "end": [5, 15, 25, 35],
            "type": ["PERSON", "GPE", "GPE", "ORG"],
            "how": ["rules", "gazetteer", "demonym", "rules"],
        }
    )
    assert entity_predictions(found) == {("d", 0, 5, "PER"), ("d", 10, 15, "LOC"), ("d", 30, 35, "ORG")}


# -- PolNeAR attributions -----------------------------------------------------------------------

#           0         1         2         3         4         5         6
#           0123456789012345678901234567890123456789012345678901234567890123
TEXT = 'Smith said the plan works. "It is over," Jones told reporters.'
ANN = (
    "T1\tSource 0 5\tSmith\nT2\tCue 6 10\tsaid\nT3\tContent 11 25\tthe plan works\n"
    "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n"
    'T4\tSource 41 46\tJones\nT5\tCue 47 51\ttold\nT6\tContent 27 39\t"It is over,"\n'
    "E2\tAttribution:T5 Source:T4 Cue:T5 Content:T6\n"
)


def _gold() -> dict:
    spans, events = parse_ann(ANN)
    return {"a": [{role: spans[ref][1] for role, ref in e.items()} for e in events]}


def _pred(*rows: tuple) -> pd.DataFrame:
    columns = ["article_id", "level", "start", "end", "cue_start", "cue_end", "content_start", "content_end"]
    return pd.DataFrame([("a", "text", *r) for r in rows], columns=columns)


SMITH = (0, 5, 6, 10, 11, 25)
JONES = (41, 46, 47, 51, 27, 39)


def test_parse_ann_skips_the_event_trigger():
    spans, events = parse_ann(ANN)
    assert spans["T6"] == ("Content", [(27, 39)], '"It is over,"')
    assert events[0] == {"Source": "T1", "Cue": "T2", "Content": "T3"}


def test_attributions_perfect():
    score = score_attributions(_pred(SMITH, JONES), _gold(), {"a": TEXT})
    assert score.prf("source") == (1.0, 1.0, 1.0)
    assert score.prf("cue") == (1.0, 1.0, 1.0)
    assert score.prf("content") == (1.0, 1.0, 1.0)
    assert (score.recall("direct"), score.recall("indirect")) == (1.0, 1.0)
    assert score.counts["gold_direct"] == 1 and score.counts["gold_indirect"] == 1
    assert not score.missed and not score.spurious


def test_attributions_one_miss_is_split_by_quote_kind():
    score = score_attributions(_pred(SMITH), _gold(), {"a": TEXT})
    assert score.prf("source") == pytest.approx((1.0, 0.5, 2 / 3))
    assert (score.recall("direct"), score.recall("indirect")) == (0.0, 1.0)
    assert score.missed == [("a", "Jones", "told")]


def test_attributions_one_false_positive():
    spurious = (15, 19, 20, 25, None, None)  # "plan" + "works": no gold source there
    score = score_attributions(_pred(SMITH, JONES, spurious), _gold(), {"a": TEXT})
    assert score.prf("source")[:2] == pytest.approx((2 / 3, 1.0))
    assert score.spurious == [("a", "plan", "works")]
    assert score.per_cue["works"] == [1, 0] and score.per_cue["said"] == [1, 1]


def test_attributions_source_tied_to_the_wrong_content_does_not_count():
    # Smith's span with Jones's quote as content: the source overlaps a gold Source, but that
    # attribution's content is elsewhere
    crossed = (0, 5, 6, 10, 27, 39)
    score = score_attributions(_pred(crossed), _gold(), {"a": TEXT})
    assert score.counts["source_tp_p"] == 0 and score.counts["source_tp_r"] == 0
    assert score.prf("content")[0] == 1.0  # the content span itself is a gold content


def test_attributions_boundary_overlap_is_enough():
    # "Smit" and "sai": partial spans still overlap the gold; without content the cue decides
    partial = (0, 4, 6, 9, None, None)
    score = score_attributions(_pred(partial), _gold(), {"a": TEXT})
    assert score.counts["source_tp_p"] == 1


def test_attributions_ignore_other_levels():
    pred = _pred(SMITH)
    pred.loc[0, "level"] = "metadata"
    score = score_attributions(pred, _gold(), {"a": TEXT})
    assert score.counts["source_pred"] == 0 and score.prf("source") == (0.0, 0.0, 0.0)


def test_gold_attributions_first_annotator_and_realignment(tmp_path):
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions" / "story_ann1.ann").write_text(ANN, encoding="utf-8")
    (tmp_path / "attributions" / "story_ann2.ann").write_text("T1\tSource 0 5\tSmith\n", encoding="utf-8")
    (tmp_path / "text" / "story.txt").write_text(TEXT, encoding="utf-8")
    gold = gold_attributions(tmp_path, {"story": TEXT})
    assert len(gold.attributions["story"]) == 2 and gold.realigned == []
    # a decomposed "é" in the raw file becomes one character in articles.text: offsets move left
    raw = "Cafe\u0301 owner " + TEXT
    (tmp_path / "text" / "story.txt").write_text(raw, encoding="utf-8")
    shifted = ANN.replace("Source 0 5", "Source 12 17")  # "Smith" in the raw file
    (tmp_path / "attributions" / "story_ann1.ann").write_text(shifted, encoding="utf-8")
    normalised = "Café owner " + TEXT
    gold = gold_attributions(tmp_path, {"story": normalised})
    assert gold.realigned == ["story"]
    (start, end) = gold.attributions["story"][0]["Source"][0]
    assert normalised[start:end] == "Smith"


# -- TimeML dates -------------------------------------------------------------------------------

TML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>doc1</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="1998-03-04" functionInDocument="CREATION_TIME">19980304</TIMEX3></DCT>
<TEXT>
Sales rose <TIMEX3 tid="t1" type="DATE" value="1998-03-03">yesterday</TIMEX3> after <TIMEX3 tid="t2" type="DATE"
value="1997">last year</TIMEX3>'s slump &amp; a <TIMEX3 tid="t3" type="DURATION" value="P2W">two-week</TIMEX3>
strike. Prices are <TIMEX3 tid="t4" type="DATE" value="PRESENT_REF">now</TIMEX3> stable.
</TEXT>
</TimeML>
"""


@pytest.fixture
def document():
    return parse_timeml(TML)


def _found(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(
        [("doc1", *r) for r in rows], columns=["doc", "start", "end", "expression", "date_start", "date_end"]
    )


def _at(document, text: str) -> tuple[int, int]:
    start = document.text.index(text)
    return start, start + len(text)


def test_parse_timeml_spans_index_the_plain_text(document):
    assert document.doc == "doc1" and document.dct == date(1998, 3, 4)
    assert "<" not in document.text and "slump & a" in document.text
    for row in document.timexes.itertuples():
        assert document.text[row.start : row.end] == row.text
    granularity = document.timexes["granularity"]
    assert granularity[granularity.notna()].tolist() == ["day", "year"]  # the duration and PRESENT_REF: unscored
    assert document.timexes["type"].tolist() == ["DATE", "DATE", "DURATION", "DATE"]


def test_read_timeml_folder(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.tml").write_text(TML.replace("doc1", "doc2"), encoding="utf-8")
    (tmp_path / "a.tml").write_text(TML, encoding="utf-8")
    # documents are named by file (unique), not by DOCID
    assert [d.doc for d in read_timeml(tmp_path)] == ["a", "b"]
    assert [d.doc for d in read_timeml(tmp_path / "a.tml")] == ["a"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1998-03-04", ("day", "1998-03-04")),
        ("1998-03-04TEV", ("day", "1998-03-04")),
        ("1998-W9", ("week", "1998-W09")),
        ("1998-W10-WE", ("week", "1998-W10")),
        ("1998-03", ("month", "1998-03")),
        ("1998-Q1", ("quarter", "1998-Q1")),
        ("1998-H2", ("half", "1998-H2")),
        ("1998-SU", ("season", "1998-SU")),
        ("1998", ("year", "1998")),
        ("199", ("decade", "199")),
        ("19", ("century", "19")),
        ("PRESENT_REF", None),
        ("1998-XX", None),
        ("P2W", None),
        (None, None),
    ],
)
def test_gold_granularity(value, expected):
    assert gold_granularity(value) == expected


def test_render_each_granularity():
    day = date(1998, 1, 2)  # ISO week 1 of 1998
    assert [render(day, g) for g in ("day", "week", "month", "quarter", "half", "season", "year", "decade")] == [
        "1998-01-02", "1998-W01", "1998-01", "1998-Q1", "1998-H1", "1998-WI", "1998", "199",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="granularity"):
        render(day, "fortnight")


def test_value_correct_reads_the_interval_at_the_gold_granularity():
    assert value_correct("1998-03", "month", date(1998, 3, 5), date(1998, 3, 5))  # a day inside the month
    assert not value_correct("1998-03-05", "day", date(1998, 3, 1), date(1998, 3, 31))  # coarser than gold
    assert value_correct("1998-W10", "week", date(1998, 3, 2), date(1998, 3, 8))
    assert not value_correct("1998-W10", "week", date(1998, 3, 5), date(1998, 3, 12))  # straddles two weeks
    assert not value_correct("1998", "year", None, None)


def test_dates_perfect(document):
    found = _found(
        (*_at(document, "yesterday"), "yesterday", date(1998, 3, 3), date(1998, 3, 3)),
        (*_at(document, "last year"), "last year", date(1997, 1, 1), date(1997, 12, 31)),
    )
    score = score_dates(document.timexes, found)
    assert (score.gold, score.predicted, score.matched, score.correct) == (2, 2, 2, 2)
    assert score.value == (1.0, 1.0, 1.0) and score.span == (1.0, 1.0, 1.0)


def test_dates_one_miss(document):
    found = _found((*_at(document, "yesterday"), "yesterday", date(1998, 3, 3), date(1998, 3, 3)))
    score = score_dates(document.timexes, found)
    assert score.value == pytest.approx((1.0, 0.5, 2 / 3))
    missed = score.pairs[score.pairs["p_start"].isna()]
    assert missed["text"].tolist() == ["last year"] and not missed["correct"].any()


def test_dates_one_false_positive_and_neutral_predictions(document):
    found = _found(
        (*_at(document, "yesterday"), "yesterday", date(1998, 3, 3), date(1998, 3, 3)),
        (*_at(document, "last year"), "last year", date(1997, 1, 1), date(1997, 12, 31)),
        (*_at(document, "Sales"), "Sales", date(1998, 1, 1), date(1998, 1, 1)),  # no gold there
        (*_at(document, "two-week"), "two-week", date(1998, 2, 16), date(1998, 3, 1)),  # a DURATION: neutral
        (*_at(document, "now"), "now", date(1998, 3, 4), date(1998, 3, 4)),  # PRESENT_REF: neutral
    )
    score = score_dates(document.timexes, found)
    assert (score.predicted, score.neutral, score.correct) == (3, 2, 2)
    assert score.value == pytest.approx((2 / 3, 1.0, 0.8))


def test_dates_wrong_value_is_matched_but_not_correct(document):
    found = _found(
        (*_at(document, "yesterday"), "yesterday", date(1998, 3, 2), date(1998, 3, 2)),  # a day off
        (*_at(document, "last year"), "last year", date(1998, 1, 1), date(1998, 12, 31)),  # the wrong year
    )
    score = score_dates(document.timexes, found)
    assert (score.matched, score.correct) == (2, 0)
    assert score.span == (1.0, 1.0, 1.0) and score.value == (0.0, 0.0, 0.0)


def test_dates_boundary_mismatch_still_matches_by_overlap(document):
    start, end = _at(document, "last year")
    found = _found((start + 5, end + 2, "year's", date(1997, 1, 1), date(1997, 12, 31)))
    score = score_dates(document.timexes, found)
    assert (score.matched, score.correct) == (1, 1)


def test_dates_one_prediction_matches_one_gold(document):
    # one long prediction spanning both gold expressions matches only the first
    start, _ = _at(document, "yesterday")
    _, end = _at(document, "last year")
    found = _found((start, end, "yesterday after last year", date(1998, 3, 3), date(1998, 3, 3)))
    score = score_dates(document.timexes, found)
    assert (score.matched, score.correct) == (1, 1)
    assert score.pairs["p_start"].notna().tolist() == [True, False]


def test_dates_timestamps_and_unresolved_predictions(document):
    found = _found(
        (*_at(document, "yesterday"), "yesterday", pd.Timestamp("1998-03-03"), pd.Timestamp("1998-03-03")),
        (*_at(document, "last year"), "last year", None, None),
    )
    score = score_dates(document.timexes, found)
    assert (score.matched, score.correct) == (2, 1)


def test_dct_baseline_and_predictions(document):
    baseline = dct_baseline(document.timexes, [document])
    # DCT 1998-03-04: not "yesterday" (1998-03-03), not 1997
    assert (baseline.predicted, baseline.matched, baseline.correct) == (2, 2, 0)

    def finder(text, dct):
        start = text.index("yesterday")
        return [{"start": start, "end": start + 9, "expression": "yesterday", "date_start": dct, "date_end": dct}]

    found = predictions([document], finder)
    assert found[["doc", "start", "expression"]].values.tolist() == [
        ["doc1", document.text.index("yesterday"), "yesterday"]
    ]
    assert predictions([document], lambda text, dct: []).empty


# -- Wikinews TimeLine gold ----------------------------------------------------------------------


def test_timeline_matching():
    assert known("2008-XX-XX") == "2008" and event_granularity("XXXX-XX-XX") is None
    assert matches("2008-03-04", date(2008, 3, 4), date(2008, 3, 4), "day")
    assert matches("2008-03-XX", date(2008, 3, 1), date(2008, 3, 31), "month")
    assert not matches("2008-03-04", date(2008, 3, 1), date(2008, 3, 31), "month")  # coarser
    assert not matches("2008-03-04", date(2008, 3, 5), date(2008, 3, 5), "day")
    assert not matches("XXXX-XX-XX", date(2008, 3, 5), date(2008, 3, 5), "day")


def test_read_timelines(tmp_path):
    (tmp_path / "apple.txt").write_text(
        "APPLE\n1\t2008-03-04\t16-3-launched\t17-2-launched\n2\tXXXX-XX-XX\t16-5-said_it\n", encoding="utf-8"
    )
    table = read_timelines(tmp_path)
    assert table[["docid", "s_id", "word", "date"]].values.tolist() == [
        ["16", 3, "launched", "2008-03-04"],
        ["17", 2, "launched", "2008-03-04"],
        ["16", 5, "said it", "XXXX-XX-XX"],
    ]
