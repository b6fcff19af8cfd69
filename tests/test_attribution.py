"""Attribution extraction: sentence -> expected rows, Source lines, metadata, datelines, the seed article.

The sentences are fictional (Jane Roe, the Gotham Times, Fictionland). Entity mentions are built by
hand where a test needs them, so these tests do not depend on the entity extractor; the seed-article
tests use the real corpus tables.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from workbench.attribution import ATTRIBUTION_COLUMNS, attributions, clean_name, quote_spans
from workbench.sentences import sentences

COLUMNS = ["source", "source_kind", "cue", "content", "direct"]


def run(text: str, mentions: list[tuple] | None = None, **article) -> pd.DataFrame:
    """Attributions of one article; ``mentions`` as (surface, entity, type, title) found in ``text``."""
    articles = pd.DataFrame([{"article_id": "a", "text": text, **article}])
    rows = []
    for surface, entity, kind, title in mentions or []:
        start = text.index(surface)
        rows.append({"article_id": "a", "sentence": 0, "start": start, "end": start + len(surface), "surface": surface,
                     "entity": entity, "type": kind, "country": None, "title": title, "how": "test"})  # fmt: skip
    frame = pd.DataFrame(
        rows, columns=["article_id", "sentence", "start", "end", "surface", "entity", "type", "country", "title", "how"]
    )
    return attributions(articles, sentences=sentences(articles), mentions=frame)


def text_rows(text: str, mentions=None) -> list[list]:
    frame = run(text, mentions)
    frame = frame[frame["level"] == "text"]
    return [[None if pd.isna(v) else v for v in row] for row in frame[COLUMNS].values.tolist()]


# -- text patterns: sentence -> expected rows (source, kind, cue, content, direct) ---------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "According to a Gotham official, the bridge will close.",
            [["Gotham official", "anonymous", "according to", "the bridge will close", False]],
        ),
        (
            "The bridge will close, according to the Gotham Times.",
            [["Gotham Times", "outlet", "according to", "The bridge will close", False]],
        ),
        (
            "In addition, according to the Gotham Times, 500 workers will rebuild the bridge.",
            [["Gotham Times", "outlet", "according to", "500 workers will rebuild the bridge", False]],
        ),
        ("Jane Roe said the bridge would close.", [["Jane Roe", "person", "said", "the bridge would close", False]]),
        ("Jane Roe says the bridge will close.", [["Jane Roe", "person", "says", "the bridge will close", False]]),
        (
            "Jane Roe told reporters that the bridge would close.",
            [["Jane Roe", "person", "told", "the bridge would close", False]],
        ),
        (
            "Jane Roe stated that the bridge would close.",
            [["Jane Roe", "person", "stated", "the bridge would close", False]],
        ),
        (
            "Jane Roe confirmed that the bridge would close.",
            [["Jane Roe", "person", "confirmed", "the bridge would close", False]],
        ),
        (
            "Jane Roe announced that the bridge would close.",
            [["Jane Roe", "person", "announced", "the bridge would close", False]],
        ),
        ("Jane Roe noted that the bridge was old.", [["Jane Roe", "person", "noted", "the bridge was old", False]]),
        ("Jane Roe added that the bridge was old.", [["Jane Roe", "person", "added", "the bridge was old", False]]),
        (
            "Jane Roe warned that the bridge was unsafe.",
            [["Jane Roe", "person", "warned", "the bridge was unsafe", False]],
        ),
        (
            "Jane Roe claimed that the bridge was safe.",
            [["Jane Roe", "person", "claimed", "the bridge was safe", False]],
        ),
        (
            "Jane Roe emphasised that the bridge was safe.",
            [["Jane Roe", "person", "emphasised", "the bridge was safe", False]],
        ),
        (
            "Jane Roe emphasized that the bridge was safe.",
            [["Jane Roe", "person", "emphasized", "the bridge was safe", False]],
        ),
        ("The bridge is safe, said Jane Roe.", [["Jane Roe", "person", "said", "The bridge is safe", False]]),
        ('"The bridge is safe," said Jane Roe.', [["Jane Roe", "person", "said", '"The bridge is safe,"', True]]),
        ('"The bridge is safe," Jane Roe said.', [["Jane Roe", "person", "said", '"The bridge is safe,"', True]]),
        (
            '"The bridge," Jane Roe said, "is safe."',
            [["Jane Roe", "person", "said", '"The bridge," Jane Roe said, "is safe."', True]],
        ),
        (
            "Jane Roe told reporters the bridge was safe.",
            [["Jane Roe", "person", "told", "the bridge was safe", False]],
        ),
        (
            "In a statement, the Ministry of Fictional Affairs welcomed the decision.",
            [["Ministry of Fictional Affairs", "government", "in a statement", "the decision", False]],
        ),
        (
            "The Gotham Times reported that the mayor resigned.",
            [["Gotham Times", "outlet", "reported", "the mayor resigned", False]],
        ),
        (
            "The mayor resigned, the Gotham Times reported, citing two aides.",
            [
                ["Gotham Times", "outlet", "reported", "The mayor resigned", False],
                ["two aides", "anonymous", "citing", "The mayor resigned, the Gotham Times reported", False],
            ],
        ),
        (
            "Peskov, quoted by RIA Novosti, said the talks failed.",
            [
                ["RIA Novosti", "outlet", "quoted by", "the talks failed", False],
                ["Peskov", "person", "said", "the talks failed", False],
            ],
        ),
        (
            "Sources familiar with the matter said the deal was off.",
            [["Sources familiar with the matter", "anonymous", "said", "the deal was off", False]],
        ),
        ("An official said the deal was off.", [["official", "anonymous", "said", "the deal was off", False]]),
        ("Diplomats said the deal was off.", [["Diplomats", "anonymous", "said", "the deal was off", False]]),
        (
            "A senior administration official told reporters the deal was off.",
            [["senior administration official", "anonymous", "told", "the deal was off", False]],
        ),
        (
            "The poll found that most voters were undecided.",
            [["poll", "document", "found", "most voters were undecided", False]],
        ),
        (
            "Jane Roe, a spokeswoman for the ministry, said the deal was off.",
            [["Jane Roe", "person", "said", "the deal was off", False]],
        ),
        (
            "Jane Roe, who said the plan was dead, left the room.",
            [["Jane Roe", "person", "said", "the plan was dead", False]],
        ),
        (
            "Senator Jane Roe (D-Gotham) said the plan was dead.",
            [["Jane Roe", "person", "said", "the plan was dead", False]],
        ),
        (
            'Jane Roe: "We will win the vote this year."',
            [["Jane Roe", "person", ":", '"We will win the vote this year."', True]],
        ),
        (
            '"The bridge will always stand," an angry Jane Roe retaliated.',
            [["Jane Roe", "person", "retaliated", '"The bridge will always stand,"', True]],
        ),
        (
            '"Our ideas are different," agrees Jane Roe.',
            [["Jane Roe", "person", "agrees", '"Our ideas are different,"', True]],
        ),
        (
            '"Why would you close it?" Jane Roe said about the plan.',
            [["Jane Roe", "person", "said", '"Why would you close it?"', True]],
        ),
        (
            '"The bridge is safe," state Sen. Jane Roe said about the plan.',
            [["Jane Roe", "person", "said", '"The bridge is safe,"', True]],
        ),
        ("Some said the bridge was unsafe.", [["Some", "anonymous", "said", "the bridge was unsafe", False]]),
        (
            "Among drivers, 45 percent said the bridge was unsafe.",
            [["45 percent", "anonymous", "said", "the bridge was unsafe", False]],
        ),
        (
            "Jane Roe on Thursday evening said the bridge was unsafe.",
            [["Jane Roe", "person", "said", "the bridge was unsafe", False]],
        ),
        (
            "Jane Roe, 45, of Gotham, N.J., who drives daily, said the bridge was unsafe.",
            [["Jane Roe", "person", "said", "the bridge was unsafe", False]],
        ),
        (
            "Jane Roe visited the bridge and said it would fail.",
            [["Jane Roe", "person", "said", "it would fail", False]],
        ),
    ],
)
def test_text_patterns(text, expected):
    assert text_rows(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The bridge was said to be unsafe.",  # passive, no source
        "You could say the bridge is unsafe.",  # hypothetical
        "Jane Roe found her keys.",  # "found" needs a described source (a poll, a study)
        "Prices continued to rise.",  # "continued to" + verb
        "The reported deal collapsed.",  # adjective
    ],
)
def test_no_attribution(text):
    assert text_rows(text) == []


def test_quote_over_several_sentences_is_one_content():
    text = '"The bridge is old. It will close in May. Nobody will cross it," the spokesman said.'
    (row,) = text_rows(text)
    assert row == ["spokesman", "anonymous", "said", text[: text.index(" the spokesman")], True]


def test_quotation_continuing_a_speaker_inherits_the_source():
    text = '"The bridge is old," Jane Roe said. "It will close in May, and nobody will cross it."'
    frame = run(text)
    assert frame["source"].tolist() == ["Jane Roe", "Jane Roe"]
    assert frame["start"].isna().tolist() == [False, True]
    assert frame["content"].iloc[1] == '"It will close in May, and nobody will cross it."'
    assert frame["direct"].tolist() == [True, True]


def test_quotation_in_the_next_paragraph_after_a_colon():
    text = 'Jane Roe said:\n\n"The bridge is old and it will close in May."'
    (row,) = text_rows(text)
    assert row[:3] == ["Jane Roe", "person", "said"]
    assert row[3] == '"The bridge is old and it will close in May."'


# -- later references and pronouns ---------------------------------------------------------------
def test_the_official_resolves_to_the_official_named_earlier():
    text = (
        "According to a Gotham City Hall official, the vote is delayed. A Gotham representative emphasised the risk. "
        "The official said the vote was off."
    )
    rows = text_rows(text)
    assert [r[:3] for r in rows] == [
        ["Gotham City Hall official", "anonymous", "according to"],
        ["Gotham representative", "anonymous", "emphasised"],
        ["Gotham City Hall official", "anonymous", "said"],
    ]


def test_the_spokeswoman_resolves_to_the_named_spokeswoman():
    text = (
        "Jane Roe, a spokeswoman for the ministry, said the deal was off. "
        "Later the spokeswoman said talks would resume."
    )
    assert [r[0] for r in text_rows(text)] == ["Jane Roe", "Jane Roe"]


@pytest.mark.parametrize(
    ("text", "mentions", "expected"),
    [
        # one person in reach: resolved
        (
            "Jane Roe arrived late. She said the bridge was safe.",
            [("Jane Roe", "Jane Roe", "PERSON", None)],
            "Jane Roe",
        ),
        # two people of unknown gender: ambiguous, kept with source NA
        (
            "Jane Roe met John Doe. He said the bridge was safe.",
            [("Jane Roe", "Jane Roe", "PERSON", None), ("John Doe", "John Doe", "PERSON", None)],
            None,
        ),
        # the gender given by a title decides
        (
            "Mrs. Roe met Mr. Doe. He said the bridge was safe.",
            [("Roe", "Jane Roe", "PERSON", None), ("Doe", "John Doe", "PERSON", None)],
            "John Doe",
        ),
        # nobody in reach
        ("The bridge is old. He said it was safe.", [], None),
    ],
)
def test_pronouns_resolve_only_when_unambiguous(text, mentions, expected):
    frame = run(text, mentions)
    row = frame[frame["level"] == "text"].iloc[-1]
    assert (None if pd.isna(row["source"]) else row["source"]) == expected
    assert row["source_kind"] == "person"
    assert text[row["start"] : row["end"]] in ("He", "She")


def test_i_inside_a_quotation_is_its_speaker():
    text = '"I said the bridge was safe, and it is," Jane Roe said.'
    frame = run(text)
    assert frame["source"].tolist() == ["Jane Roe", "Jane Roe"]


# -- kinds from entity mentions ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "mention", "expected"),
    [
        (
            "Fictionland confirmed the troops had left.",
            ("Fictionland", "Fictionland", "GPE", None),
            ("Fictionland", "Fictionland", "government"),
        ),
        ("Roe said the troops had left.", ("Roe", "Jane Roe", "PERSON", None), ("Jane Roe", "Jane Roe", "person")),
        (
            "Gotham Widgets said the factory had closed.",
            ("Gotham Widgets", "Gotham Widgets Inc", "ORG", None),
            ("Gotham Widgets Inc", "Gotham Widgets Inc", "organisation"),
        ),
        (
            "The NYT reported that the factory had closed.",
            ("NYT", "The New York Times", "ORG", None),
            ("The New York Times", "The New York Times", "outlet"),
        ),
    ],
)
def test_named_sources_take_the_overlapping_mention(text, mention, expected):
    frame = run(text, [mention])
    row = frame[frame["level"] == "text"].iloc[0]
    assert (row["source"], row["source_entity"], row["source_kind"]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The United States confirmed the troops had left.", ("United States", "government")),
        (
            "The Ministry of Fictional Affairs said the troops had left.",
            ("Ministry of Fictional Affairs", "government"),
        ),
        ("Voice of America reported that the troops had left.", ("Voice of America", "outlet")),
        ("Jane Roe said the troops had left.", ("Jane Roe", "person")),
    ],
)
def test_named_sources_without_mentions(text, expected):
    row = run(text).iloc[0]
    assert (row["source"], row["source_kind"]) == expected


# -- header, metadata, datelines ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("credit", "expected"),
    [
        (
            "European Pravda with reference to Voice of America",
            [("European Pravda", "published", "outlet"), ("Voice of America", "with reference to", "outlet")],
        ),
        (
            "European Pravda, citing Reuters",
            [("European Pravda", "published", "outlet"), ("Reuters", "citing", "outlet")],
        ),
        (
            "European Pravda; White House statement",
            [("European Pravda", "published", "outlet"), ("White House statement", ";", "document")],
        ),
        (
            "Ukrainska Pravda with reference to Reuters and CNN",
            [
                ("Ukrainska Pravda", "published", "outlet"),
                ("Reuters", "with reference to", "outlet"),
                ("CNN", "with reference to", "outlet"),
            ],
        ),
        ("Reuters", [("Reuters", "published", "outlet")]),
    ],
)
def test_source_line_variants(credit, expected):
    from workbench.credits import parse_credit

    parsed = parse_credit(credit)
    frame = run("Nothing is attributed here.", outlet=parsed.outlet, via=parsed.via, credit=credit, format="seed")
    header = frame[frame["level"] == "header"]
    assert list(header[["source", "cue", "source_kind"]].itertuples(index=False, name=None)) == expected
    assert header["start"].isna().all() and header["sentence"].isna().all()


def test_manifest_wire_is_metadata():
    frame = run(
        "Nothing is attributed here.",
        outlet="The Washington Post",
        via=["Associated Press"],
        credit=None,
        format="manifest",
    )
    assert list(frame[["level", "source", "cue", "source_kind"]].itertuples(index=False, name=None)) == [
        ("metadata", "The Washington Post", "published", "outlet"),
        ("metadata", "Associated Press", "wire", "outlet"),
    ]


@pytest.mark.parametrize(
    ("text", "wire", "written"),
    [
        ("WASHINGTON (AP) — The bridge closed.", "Associated Press", "AP"),
        ("(Reuters) - The bridge closed.", "Reuters", "Reuters"),
        ("ORLANDO, Fla. (Reuters) - The bridge closed.", "Reuters", "Reuters"),
        ("PARIS, Nov. 3 (AFP) – The bridge closed.", "Agence France-Presse", "AFP"),
        ("NEW YORK, Nov. 19 (UPI) — The bridge closed.", "United Press International", "UPI"),
        ("The bridge closed.\n\nAFP", "Agence France-Presse", "AFP"),
    ],
)
def test_datelines(text, wire, written):
    frame = run(text)
    (row,) = frame[frame["level"] == "dateline"].itertuples()
    assert (row.source, row.source_kind, row.cue) == (wire, "outlet", "dateline")
    assert text[row.start : row.end] == written


def test_no_dateline_in_running_text():
    assert (
        run("The report (AP) was read. Officials in Washington said nothing.")["level"].tolist().count("dateline") == 0
    )


# -- the frame ----------------------------------------------------------------------------------------
def test_zero_articles_give_typed_columns():
    empty = pd.DataFrame({"article_id": pd.Series([], dtype="string"), "text": pd.Series([], dtype="string")})
    frame = attributions(empty, sentences=sentences(empty), mentions=pd.DataFrame())
    assert list(frame.columns) == list(ATTRIBUTION_COLUMNS)
    assert {c: str(t) for c, t in frame.dtypes.items()} == {
        c: str(pd.Series([], dtype=t).dtype) for c, t in ATTRIBUTION_COLUMNS.items()
    }


def test_batches_give_the_same_rows():
    texts = [
        "Jane Roe said the bridge was old.",
        '"It is fine," the official said. The official added that it was new.',
    ]
    articles = pd.DataFrame({"article_id": ["a", "b"], "text": texts})
    together = attributions(articles, sentences=sentences(articles), mentions=pd.DataFrame())
    apart = pd.concat(
        [attributions(articles.iloc[[i]], sentences=sentences(articles.iloc[[i]]), mentions=None) for i in range(2)],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(together, apart)


def test_offsets_point_into_the_text():
    text = 'Jane Roe said the bridge was old. "It is fine," the official said.'
    for row in run(text).itertuples():
        assert text[row.start : row.end] in ("Jane Roe", "the official")
        assert text[row.cue_start : row.cue_end] == "said"
        assert text[row.content_start : row.content_end] == row.content


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('He said "yes." Then "no".', [(8, 14), (20, 24)]),
        ("“Open\n\n“Still”", [(0, 5), (7, 14)]),  # a quotation left open runs to the paragraph end
        ("''Old style,'' he said.", [(0, 14)]),
    ],
)
def test_quote_spans(text, expected):
    assert quote_spans(text) == expected


@pytest.mark.parametrize(
    ("surface", "expected"),
    [("the State Department's", "State Department"), ("Sen. Jane Roe", "Jane Roe"), ("Mr. Doe", "Doe")],
)
def test_clean_name(surface, expected):
    assert clean_name(surface) == expected


def test_hostile_text_is_kept_as_data():
    text = 'Jane Roe said "<script>alert(1)</script>" was posted.'
    row = run(text).iloc[0]
    assert "<script>" in row["content"] and row["source"] == "Jane Roe"


# -- the seed article (real corpus tables) ---------------------------------------------------------
@pytest.fixture(scope="module")
def seed_rows(seed_corpus):
    return seed_corpus.attributions


@pytest.mark.parametrize(
    ("level", "source", "kind", "cue"),
    [
        ("header", "European Pravda", "outlet", "published"),
        ("header", "Voice of America", "outlet", "with reference to"),
        ("text", "White House official", "anonymous", "according to"),
        ("text", "The New York Times", "outlet", "according to"),
        ("text", "United States", "government", "confirmed"),
        ("text", "White House representative", "anonymous", "emphasised"),
        ("text", "White House official", "anonymous", "said"),
    ],
)
def test_seed_article_rows(seed_rows, level, source, kind, cue):
    match = seed_rows[(seed_rows["level"] == level) & (seed_rows["source"] == source) & (seed_rows["cue"] == cue)]
    assert len(match) == 1
    assert match["source_kind"].iloc[0] == kind


def test_seed_the_official_said_is_resolved(seed_rows, seed_article):
    row = seed_rows[(seed_rows["cue"] == "said")].iloc[0]
    text = seed_article["text"]
    assert text[row["start"] : row["end"]] == "the official"
    assert row["source"] == "White House official"
    assert row["direct"] and row["content"].startswith('"Russia, cross-strait issues')
    assert text[row["cue_end"] : row["cue_end"] + 35] == " in a conversation with journalists"


def test_seed_spans(seed_rows, seed_article):
    text = seed_article["text"]
    spans = {text[r.start : r.end] for r in seed_rows[seed_rows["level"] == "text"].itertuples()}
    assert {
        "a White House official",
        "The New York Times",
        "the United States",
        "A White House representative",
        "the official",
    } <= spans


@pytest.mark.parametrize(
    ("source", "cue", "content_start"),
    [
        ("White House official", "according to", "Biden and Xi are also expected to talk"),
        ("The New York Times", "according to", "50,000 Russian and North Korean troops"),
        ("United States", "confirmed", "North Korean troops had recently participated"),
    ],
)
def test_seed_article_contents(seed_rows, source, cue, content_start):
    row = seed_rows[(seed_rows["source"] == source) & (seed_rows["cue"] == cue)].iloc[0]
    assert row["content"].startswith(content_start)


@pytest.mark.parametrize(
    ("text", "mentions", "title", "expected"),
    [
        # "the company said" after a named company: that company
        ("Acme Corp cut 200 jobs. The company said demand fell.", [("Acme Corp", "Acme Corp", "ORG", None)], None,
         ("Acme Corp", "Acme Corp", "organisation")),
        # the latest organisation of that kind, not the latest organisation
        ("The Labour Ministry met Acme Corp. The ministry said talks went well.",
         [("Labour Ministry", "Labour Ministry", "ORG", None), ("Acme Corp", "Acme Corp", "ORG", None)], None,
         ("Labour Ministry", "Labour Ministry", "government")),
        ("Acme Corp sued the Gotham Bank. The bank said it would appeal.",
         [("Acme Corp", "Acme Corp", "ORG", None), ("Gotham Bank", "Gotham Bank", "ORG", None)], None,
         ("Gotham Bank", "Gotham Bank", "organisation")),
        # named only in the title
        ("Profits fell, the company said.", [], "Acme Corp profits fall", ("Acme Corp", "Acme Corp", "organisation")),
        # nobody of that kind named: a generic source of its kind
        ("Profits fell, the company said.", [], None, ("company", None, "organisation")),
        ("Acme Corp sued. The court said the case was closed.", [("Acme Corp", "Acme Corp", "ORG", None)], None,
         ("court", None, "government")),
    ],
)  # fmt: skip
def test_generic_sources_take_the_organisation_named_earlier(text, mentions, title, expected):
    rows = run(text, mentions, **({"title": title} if title else {}))
    row = rows[rows["level"] == "text"].iloc[-1]
    assert (
        row["source"],
        None if pd.isna(row["source_entity"]) else row["source_entity"],
        row["source_kind"],
    ) == expected


def test_a_common_noun_opening_a_sentence_is_no_person():
    rows = run("Showers continued over the weekend, forecasters said.")
    assert rows[["source", "source_kind"]].values.tolist() == [["showers", "anonymous"], ["forecasters", "anonymous"]]
    assert run("Allies say he will run.")[["source", "source_kind"]].values.tolist() == [["allies", "anonymous"]]
    rows = run("Authorities said the road was closed.")
    assert rows[["source", "source_kind"]].values.tolist() == [["Authorities", "government"]]  # described, as written
    assert run("Roe said the road was closed.")[["source", "source_kind"]].values.tolist() == [["Roe", "person"]]


def test_boilerplate_holds_no_attribution():
    text = 'Roads closed, police said.\n(Reporting by Jane Roe; editors said "check")'
    rows = run(text, sections=[("boilerplate", text.index("(Reporting"), len(text))])
    assert rows["source"].tolist() == ["police"]


def test_every_role_of_the_attribution_data_files_is_read():
    """Editing a documented data file changes the rules: every role, kind and frame in them is one the code reads."""
    from workbench.attribution import KINDS
    from workbench.attribution.patterns import WORD_ROLES, lexicon
    from workbench.lexicon import read_rows

    assert {r["role"] for r in read_rows("attribution_words")} == set(WORD_ROLES)
    lex = lexicon()
    empty = [
        name for name in lex.__slots__ if not isinstance(getattr(lex, name), re.Pattern) and not getattr(lex, name)
    ]
    assert empty == []  # each role gave the lexicon words
    assert {r["kind"] for r in read_rows("source_nouns")} <= {*KINDS, "title"}
    assert {r["kind"] for r in read_rows("source_kinds")} <= set(KINDS)
    verbs = read_rows("reporting_verbs")
    assert {r["frame"] for r in verbs} == {"verb", "participle", "prep", "lead"}
    assert {r["infinitive"] for r in verbs} <= {"yes", "no"} and {r["sources"] for r in verbs} <= {"any", "described"}
    assert all(set(lex.generic[n][0]) | ({"*"} if lex.generic[n][1] else set()) for n in lex.generic)


@pytest.mark.parametrize(
    ("role", "text", "without"),
    [
        ("tell", "Roe told the board on Tuesday that sales fell.", "the board on Tuesday that sales fell"),
        ("objects", "Roe told him sales fell.", "him sales fell"),
        ("content_skips", "Roe told the board on Tuesday that sales fell.", "on Tuesday that sales fell"),
        ("subjects", "He said sales fell.", None),
    ],
)
def test_the_rules_follow_the_data_roles(monkeypatch, role, text, without):
    """Emptying one role of attribution_words.csv changes what the extractor reads."""
    import workbench.attribution as package
    from workbench.attribution import patterns, speakers

    lex = patterns.lexicon()
    changed = lex.__class__(**{**{slot: getattr(lex, slot) for slot in lex.__slots__}, role: frozenset()})
    article = pd.DataFrame([{"article_id": "a", "text": text}])
    before = attributions(article)["content"].tolist()
    monkeypatch.setattr(package, "lexicon", lambda: changed)
    monkeypatch.setattr(speakers, "lexicon", lambda: changed)
    after = attributions(article)["content"].tolist()
    assert before == ["sales fell"] and after == ([without] if without else [])
