"""workbench.prose: the boilerplate ranges of the articles' sections, blanked for the extractors."""

import pandas as pd

from workbench import prose


def test_prose_blanks_overlapping_ranges_once_and_keeps_newlines_and_offsets():
    text = "Ferns grew.\nBy Ada Quill\nStaff writer"
    sections = [("body", 0, 11), ("boilerplate", 12, 24), ("boilerplate", 20, len(text))]
    out = prose.prose(text, sections)
    assert len(out) == len(text) and out[:12] == "Ferns grew.\n" and out[12:].strip() == ""
    assert out.count("\n") == text.count("\n")


def test_prose_leaves_text_without_ranges_and_missing_values_alone():
    assert prose.prose("Ferns grew.", [("body", 0, 11)]) == "Ferns grew."
    assert prose.prose(None, [("boilerplate", 0, 3)]) is None
    assert prose.spans(None) == [] and prose.spans(float("nan")) == []


def test_prose_texts_and_ranges_follow_row_order_and_need_no_sections_column():
    articles = pd.DataFrame({"text": ["Ferns grew. Reuter", None], "sections": [[("boilerplate", 12, 18)], []]})
    assert prose.prose_texts(articles) == ["Ferns grew.       ", ""]
    assert prose.ranges(articles) == [[(12, 18)], []]
    plain = articles.drop(columns="sections")
    assert prose.prose_texts(plain) == ["Ferns grew. Reuter", ""] and prose.ranges(plain) == [[], []]
