"""workbench.prominence: entity counts and the one ranking of entities."""

from __future__ import annotations

import pandas as pd
import pytest
from test_pairs import MENTIONS

from workbench.errors import WorkbenchError
from workbench.prominence import frequencies


def test_frequencies():
    table = frequencies(MENTIONS)
    assert table.iloc[0].tolist() == ["Borduria", "GPE", 3, 3]
    assert table.set_index("entity").loc["Ada Quill", "mentions"] == 3


def test_rank_by_articles():
    # Ada Quill: 3 mentions in 2 articles; Borduria: 3 in 3; Zembla Mining: 2 in 2; Cato Reyes: 1 in 1
    assert frequencies(MENTIONS, measure="articles")["entity"].tolist() == [
        "Borduria",
        "Ada Quill",
        "Zembla Mining",
        "Cato Reyes",
    ]
    tie = pd.DataFrame({"article_id": ["a", "b"], "sentence": [0, 0], "entity": ["Zed", "Abe"], "type": ["GPE", "GPE"]})
    assert frequencies(tie, measure="articles", top_n=1)["entity"].tolist() == ["Abe"]  # ties: alphabetical


def test_types_and_top_n():
    assert frequencies(MENTIONS, types="person")["entity"].tolist() == ["Ada Quill", "Cato Reyes"]
    assert len(frequencies(MENTIONS, top_n=2)) == 2
    assert frequencies(MENTIONS.iloc[:0]).empty
    with pytest.raises(WorkbenchError):
        frequencies(MENTIONS, measure="npmi")
