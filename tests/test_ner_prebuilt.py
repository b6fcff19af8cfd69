"""The built gazetteer and matcher kept on disk (``workbench.ner.prebuilt``)."""

from __future__ import annotations

import pickle

import pytest

from workbench import config
from workbench.ner import prebuilt


def _stored(name: str):
    return list((config.CACHE_DIR / "ner").glob(f"{name}-*.pickle"))


def test_a_build_is_stored_once_and_read_back(cache_dir):
    calls = []

    def build():
        calls.append(1)
        return {"Zorgville": ("place", 1)}

    assert prebuilt.load_or_build("example", build) == {"Zorgville": ("place", 1)}
    assert prebuilt.load_or_build("example", build) == {"Zorgville": ("place", 1)}
    assert calls == [1] and len(_stored("example")) == 1


def test_a_damaged_file_is_built_again_with_a_warning(cache_dir):
    prebuilt.load_or_build("example", lambda: [1, 2, 3])
    (path,) = _stored("example")
    path.write_bytes(path.read_bytes()[:5])  # cut short
    with pytest.warns(UserWarning, match="building it again"):
        assert prebuilt.load_or_build("example", lambda: [1, 2, 3]) == [1, 2, 3]
    assert pickle.loads(path.read_bytes()) == [1, 2, 3]  # replaced by a good copy


def test_an_unwritable_cache_builds_in_the_process(cache_dir, monkeypatch):
    def refuse(path, write):
        raise PermissionError(f"{path}: read-only")

    monkeypatch.setattr("workbench.cache.write_atomic", refuse)
    assert prebuilt.load_or_build("example", lambda: "built") == "built"
    assert _stored("example") == []


def test_the_stored_gazetteer_and_matcher_find_what_fresh_ones_find(cache_dir):
    from workbench.ner import gazetteer, rules

    text = "Mayor Ada Quill of Zorgville flew from Paris to the U.S.-Mexico border with Angela Merkel."
    fresh_nlp, fresh_matcher = rules._build_pipeline()
    fresh = [(s, e) for _, s, e in fresh_matcher(fresh_nlp(text))]
    for name, build in (("gazetteer", gazetteer.build_gazetteer), ("matcher", rules._build_pipeline)):
        prebuilt.load_or_build(name, build)  # stored
    stored_gazetteer = prebuilt.load_or_build("gazetteer", pytest.fail)  # read back, never built
    nlp, matcher = prebuilt.load_or_build("matcher", pytest.fail)
    assert stored_gazetteer.phrases == gazetteer.gazetteer().phrases
    assert [(s, e) for _, s, e in matcher(nlp(text))] == fresh and fresh
    assert nlp.max_length == fresh_nlp.max_length
    assert [t.text for t in nlp("U.S.-Mexico")] == ["U.S.", "-", "Mexico"]  # the added infixes survive
