"""The built gazetteer and matcher kept on disk (``workbench.ner.prebuilt``)."""

from __future__ import annotations

import pickle
import shutil

import pytest

from workbench import config
from workbench.config import PACKAGE_DIR
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
    from workbench.ner import gazetteer, matcher

    text = "Mayor Ada Quill of Zorgville flew from Paris to the U.S.-Mexico border with Angela Merkel."
    fresh_nlp, fresh_matcher = matcher.build_matcher()
    fresh = [(s, e) for _, s, e in fresh_matcher(fresh_nlp(text))]
    for name, build in (("gazetteer", gazetteer.build_gazetteer), ("matcher", matcher.build_matcher)):
        prebuilt.load_or_build(name, build)  # stored
    stored_gazetteer = prebuilt.load_or_build(
        "gazetteer", pytest.fail, source="workbench.ner.gazetteer"
    )  # read back, never built
    nlp, stored = prebuilt.load_or_build("matcher", pytest.fail, source="workbench.ner.matcher")
    assert stored_gazetteer.phrases == gazetteer.gazetteer().phrases
    assert [(s, e) for _, s, e in stored(nlp(text))] == fresh and fresh
    assert nlp.max_length == fresh_nlp.max_length
    assert [t.text for t in nlp("U.S.-Mexico")] == ["U.S.", "-", "Mexico"]  # the added infixes survive


@pytest.fixture
def package(tmp_path):
    """A copy of the ``workbench`` package's source and data, to edit."""
    root = tmp_path / "workbench"
    shutil.copytree(PACKAGE_DIR, root, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    yield root
    prebuilt.key.cache_clear()


def _key(source: str, package) -> str:
    prebuilt.key.cache_clear()  # computed once per process: read the copy again
    return prebuilt.key(source, package_dir=package)


def _edit(path) -> str:
    original = path.read_text()
    path.write_text(original + "\n# edited\n")
    return original


@pytest.mark.parametrize("source", ["workbench.ner.gazetteer", "workbench.ner.matcher"])
def test_the_key_follows_the_builders_code_and_data_only(package, source):
    before = _key(source, package)
    for outside in ("ner/rules.py", "ner/canonical.py", "ner/__init__.py", "ner/prebuilt.py", "tables.py", "corpus.py"):
        _edit(package / outside)
    assert _key(source, package) == before  # an edit to the name rules, the extractor or the tables: no rebuild
    for inside in ("ner/gazetteer.py", "lexicon.py", "config.py"):
        original = _edit(package / inside)
        assert _key(source, package) != before, inside
        (package / inside).write_text(original)
    assert _key(source, package) == before
    data = sorted((package / "data").glob("*.csv"))[0]
    data.write_text(data.read_text() + "\n")
    assert _key(source, package) != before  # a word list


def test_the_matcher_key_follows_its_own_module(package):
    matcher_key, gazetteer_key = _key("workbench.ner.matcher", package), _key("workbench.ner.gazetteer", package)
    _edit(package / "ner" / "matcher.py")
    assert _key("workbench.ner.matcher", package) != matcher_key
    assert _key("workbench.ner.gazetteer", package) == gazetteer_key


def test_a_builder_outside_the_package_is_keyed_on_the_whole_package(package):
    before = _key("tests.test_ner_prebuilt", package)
    _edit(package / "tables.py")
    assert _key("tests.test_ner_prebuilt", package) != before
