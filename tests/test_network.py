"""workbench.network: the co-occurrence graph and its centrality table."""

from __future__ import annotations

import pytest
from test_pairs import MENTIONS

from workbench.network import centrality, graph


def test_graph_weights_and_centrality():
    g = graph(MENTIONS, min_count=1)
    assert g.edges["Ada Quill", "Borduria"]["weight"] == 2
    assert g.nodes["Borduria"]["degree"] == 2
    assert g.nodes["Cato Reyes"]["degree"] == 0
    table = centrality(g)
    assert table.iloc[0]["entity"] == "Borduria"
    assert table["pagerank"].sum() == pytest.approx(1)
    assert set(graph(MENTIONS, top_n=2)) == {"Borduria", "Ada Quill"}


def test_empty_graph():
    assert len(graph(MENTIONS.iloc[:0])) == 0
    assert centrality(graph(MENTIONS.iloc[:0])).empty
