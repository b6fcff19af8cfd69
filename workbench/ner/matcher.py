"""The tokenizer and PhraseMatcher of the ``rules`` backend, built from the gazetteer's phrases.

A module of its own so that the stored copy (:mod:`workbench.ner.prebuilt`) is keyed on this code, the
gazetteer's and the word lists only: an edit to the name rules does not rebuild it.
"""

from __future__ import annotations

from workbench.ner.gazetteer import gazetteer


def build_matcher():
    """``(nlp, matcher)``: ``spacy.blank("en")`` with two more infixes, and a PhraseMatcher over every listed phrase.

    The tokenizer splits "U.S.-China" and "Sino/US" (the two infixes). Its vocabulary computes no lexical
    attributes (shape, norm, like_num ...): only the text of a token (``ORTH``) is matched, and a new word
    is then added to the vocabulary without running a dozen Python functions on it.
    """
    import spacy
    from spacy.matcher import PhraseMatcher
    from spacy.util import compile_infix_regex

    nlp = spacy.blank("en")
    nlp.vocab.lex_attr_getters = {}
    nlp.max_length = 2**31 - 1  # only the tokenizer runs: E088's 1,000,000 guards the memory of parsers and models
    infixes = [*nlp.Defaults.infixes, r"(?<=[A-Za-z]\.)-(?=[A-Z])", r"(?<=[A-Za-z])/(?=[A-Z])"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    exact = PhraseMatcher(nlp.vocab, attr="ORTH")
    exact.add("GAZ", list(nlp.tokenizer.pipe(gazetteer().phrases, batch_size=1000)))
    return nlp, exact
