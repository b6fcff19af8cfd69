"""Source-line parsing: every variant of the seed format's credit line."""

import pytest

from workbench.credits import parse_credit


@pytest.mark.parametrize(
    ("line", "outlet", "cue", "via"),
    [
        (
            "European Pravda with reference to Voice of America",
            "European Pravda",
            "with reference to",
            ["Voice of America"],
        ),
        ("European Pravda, citing Reuters", "European Pravda", "citing", ["Reuters"]),
        ("European Pravda; White House statement", "European Pravda", ";", ["White House statement"]),
        (
            "Ukrainska Pravda with reference to Reuters and CNN",
            "Ukrainska Pravda",
            "with reference to",
            ["Reuters", "CNN"],
        ),
        ("Reuters", "Reuters", None, []),
        (
            "European Pravda with reference to AP, AFP and Reuters",
            "European Pravda",
            "with reference to",
            ["Associated Press", "Agence France-Presse", "Reuters"],
        ),
        ("Kyiv Independent citing NYT", "Kyiv Independent", "citing", ["The New York Times"]),
        ("European Pravda with reference to VOA.", "European Pravda", "with reference to", ["Voice of America"]),
        ("", None, None, []),
    ],
)
def test_parse_credit(line, outlet, cue, via):
    credit = parse_credit(line)
    assert (credit.outlet, credit.cue, credit.via) == (outlet, cue, via)
    for (start, end), name in zip(credit.via_spans, credit.via, strict=True):
        assert line[start:end] in (name, *[a for a in ("AP", "AFP", "NYT", "VOA")])
